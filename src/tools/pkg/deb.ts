/**
 * Reading a binary package (deb(5)): an ar archive holding `debian-binary`
 * ("2.0"), `control.tar[.gz|.xz|.zst]` (control, conffiles, maintainer
 * scripts) and `data.tar[.gz|.xz|.zst|.bz2|.lzma]` (the files). Nothing here
 * writes anything: installing is installer.ts's business.
 */
import { parseAr } from "./ar";
import { parseStanzas, type PackageRecord, type Stanza, toRecord } from "./control";
import { compressionOf, decompress } from "./decompress";
import { PkgFormatError } from "./errors";
import { parseTar, type TarEntry } from "./tar";

/** Maintainer scripts dpkg would run; aiOS never runs them (see installer.ts for what it does instead). */
export const MAINTAINER_SCRIPTS = ["preinst", "postinst", "prerm", "postrm", "config"] as const;

export interface DebControl {
  /** The control file as shipped. */
  controlText: string;
  stanza: Stanza;
  record: PackageRecord;
  /** Guest paths dpkg treats as configuration files. */
  conffiles: string[];
  /** Script name -> text, for the scripts present. */
  scripts: Map<string, string>;
  /** Control members that would have had effects dpkg implements (`triggers`), present but not acted on. */
  ignored: string[];
}

export interface Deb extends DebControl {
  entries: TarEntry[];
  /** Uncompressed size of data.tar. */
  dataBytes: number;
}

const text = new TextDecoder();

function members(bytes: Uint8Array, what: string) {
  let list;
  try {
    list = parseAr(bytes);
  } catch (err) {
    throw new PkgFormatError(what, `not a Debian package: ${(err as Error).message}`, { cause: err });
  }
  const first = list[0];
  if (!first || first.name !== "debian-binary") throw new PkgFormatError(what, "not a Debian package: debian-binary is not the first member");
  const format = text.decode(first.data).trim();
  if (!/^2\.\d+$/.test(format)) throw new PkgFormatError(what, `unsupported package format ${format}`);
  const control = list.find((m) => m.name.startsWith("control.tar"));
  const data = list.find((m) => m.name.startsWith("data.tar"));
  if (!control) throw new PkgFormatError(what, "no control.tar member");
  if (!data) throw new PkgFormatError(what, "no data.tar member");
  return { control, data };
}

async function untar(member: { name: string; data: Uint8Array }, what: string, signal?: AbortSignal): Promise<{ entries: TarEntry[]; bytes: number }> {
  const raw = await decompress(member.data, compressionOf(member.name), `${what} ${member.name}`, signal);
  try {
    return { entries: parseTar(raw), bytes: raw.length };
  } catch (err) {
    throw new PkgFormatError(what, `${member.name}: ${(err as Error).message}`, { cause: err });
  }
}

/** The control part only: cheap, for checks before any data is unpacked. */
export async function readDebControl(bytes: Uint8Array, what: string, signal?: AbortSignal): Promise<DebControl> {
  const { control } = members(bytes, what);
  const { entries } = await untar(control, what, signal);
  const files = new Map(entries.filter((e) => e.type === "file").map((e) => [e.path, text.decode(e.data)]));
  const controlText = files.get("control");
  if (controlText === undefined) throw new PkgFormatError(what, "control.tar has no control file");
  const stanza = parseStanzas(controlText)[0];
  if (!stanza) throw new PkgFormatError(what, "empty control file");
  let record: PackageRecord;
  try {
    record = toRecord(stanza);
  } catch (err) {
    throw new PkgFormatError(what, (err as Error).message, { cause: err });
  }
  const conffiles = (files.get("conffiles") ?? "")
    .split("\n")
    .map((l) => l.trim().split(/\s+/)[0] ?? "")
    .filter((p) => p.startsWith("/"));
  const scripts = new Map<string, string>();
  for (const name of MAINTAINER_SCRIPTS) {
    const s = files.get(name);
    if (s !== undefined) scripts.set(name, s);
  }
  const ignored = ["triggers"].filter((n) => files.has(n));
  return { controlText, stanza, record, conffiles, scripts, ignored };
}

export async function readDeb(bytes: Uint8Array, what: string, signal?: AbortSignal): Promise<Deb> {
  const ctl = await readDebControl(bytes, what, signal);
  const { data } = members(bytes, what);
  const { entries, bytes: dataBytes } = await untar(data, what, signal);
  return { ...ctl, entries, dataBytes };
}
