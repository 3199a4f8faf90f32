/**
 * A tar reader for the data and control members of .deb packages: ustar
 * (with its name prefix), GNU long names and link names (`L`, `K`), pax
 * extended headers (`x`; global `g` headers are read and ignored), numbers in
 * octal or GNU base-256, and header checksums verified.
 */

export const ENTRY_TYPES = ["file", "hardlink", "symlink", "char", "block", "dir", "fifo"] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

export interface TarEntry {
  /** As stored, without a leading "./" or "/" and without a trailing "/" ("" is the root). */
  path: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  /** Seconds since the epoch. */
  mtime: number;
  size: number;
  /** Symlink target as stored, or the archive path a hardlink points at (normalised like `path`). */
  linkname: string;
  /** File contents (a view into the archive); empty for other types. */
  data: Uint8Array;
}

export class TarFormatError extends Error {}

const BLOCK = 512;
const utf8 = new TextDecoder("utf-8");

function str(buf: Uint8Array, off: number, len: number): string {
  const field = buf.subarray(off, off + len);
  const nul = field.indexOf(0);
  return utf8.decode(nul >= 0 ? field.subarray(0, nul) : field);
}

function num(buf: Uint8Array, off: number, len: number, what: string): number {
  const first = buf[off]!;
  if (first & 0x80) {
    // GNU base-256: big-endian two's complement in the remaining bits.
    let v = first & 0x3f;
    if (first & 0x40) throw new TarFormatError(`negative ${what}`);
    for (let i = 1; i < len; i++) v = v * 256 + buf[off + i]!;
    return v;
  }
  const s = str(buf, off, len).trim();
  if (s === "") return 0;
  if (!/^[0-7]+$/.test(s)) throw new TarFormatError(`bad ${what} field "${s}"`);
  return Number.parseInt(s, 8);
}

function checksumOk(h: Uint8Array): boolean {
  const stored = num(h, 148, 8, "checksum");
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return sum === stored;
}

export function normalizePath(p: string): string {
  let s = p;
  while (s.startsWith("./")) s = s.slice(2);
  s = s.replace(/^\/+/, "").replace(/\/+$/, "");
  return s === "." ? "" : s;
}

/** Pax records: "LEN key=value\n" repeated. */
function parsePax(data: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  let off = 0;
  while (off < data.length) {
    let sp = off;
    while (sp < data.length && data[sp] !== 0x20) sp++;
    const len = Number.parseInt(utf8.decode(data.subarray(off, sp)), 10);
    if (!Number.isFinite(len) || len <= 0 || off + len > data.length) throw new TarFormatError("bad pax record");
    const rec = utf8.decode(data.subarray(sp + 1, off + len - 1));
    const eq = rec.indexOf("=");
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    off += len;
  }
  return out;
}

const TYPES: Record<string, EntryType> = {
  "0": "file", "\0": "file", "7": "file", "1": "hardlink", "2": "symlink", "3": "char", "4": "block", "5": "dir", "6": "fifo",
};

export function parseTar(buf: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  let off = 0;
  let longName: string | null = null;
  let longLink: string | null = null;
  let pax: Map<string, string> | null = null;
  while (off + BLOCK <= buf.length) {
    const at = off;
    const h = buf.subarray(off, off + BLOCK);
    if (h.every((b) => b === 0)) break; // end of archive (a second zero block may follow)
    if (!checksumOk(h)) throw new TarFormatError(`bad header checksum at offset ${off}`);
    const flag = String.fromCharCode(h[156]!);
    const size = num(h, 124, 12, "size");
    const dataStart = off + BLOCK;
    const dataEnd = dataStart + size;
    if (dataEnd > buf.length) throw new TarFormatError(`entry at offset ${at} is truncated`);
    const data = buf.subarray(dataStart, dataEnd);
    off = dataStart + Math.ceil(size / BLOCK) * BLOCK;

    if (flag === "L") { longName = str(data, 0, data.length); continue; }
    if (flag === "K") { longLink = str(data, 0, data.length); continue; }
    if (flag === "x") { pax = parsePax(data); continue; }
    if (flag === "g") continue;
    const type = TYPES[flag];
    if (!type) throw new TarFormatError(`unsupported entry type "${flag}" at offset ${at}`);

    const magic = str(h, 257, 6);
    const ustar = magic === "ustar" && str(h, 263, 2) === "00";
    let name = str(h, 0, 100);
    if (ustar) {
      const prefix = str(h, 345, 155);
      if (prefix) name = `${prefix}/${name}`;
    }
    let link = str(h, 157, 100);
    let realSize = size;
    let uid = num(h, 108, 8, "uid");
    let gid = num(h, 116, 8, "gid");
    let uname = str(h, 265, 32);
    let gname = str(h, 297, 32);
    let mtime = num(h, 136, 12, "mtime");
    if (longName !== null) name = longName;
    if (longLink !== null) link = longLink;
    if (pax) {
      name = pax.get("path") ?? name;
      link = pax.get("linkpath") ?? link;
      if (pax.has("size")) realSize = Number(pax.get("size"));
      if (pax.has("uid")) uid = Number(pax.get("uid"));
      if (pax.has("gid")) gid = Number(pax.get("gid"));
      uname = pax.get("uname") ?? uname;
      gname = pax.get("gname") ?? gname;
      if (pax.has("mtime")) mtime = Math.floor(Number(pax.get("mtime")));
    }
    longName = null;
    longLink = null;
    pax = null;
    if (realSize !== size) throw new TarFormatError(`${name}: pax size ${realSize} differs from header size ${size}`);

    entries.push({
      path: normalizePath(name),
      type,
      mode: num(h, 100, 8, "mode") & 0o7777,
      uid,
      gid,
      uname,
      gname,
      mtime,
      size: type === "file" ? size : 0,
      linkname: type === "hardlink" ? normalizePath(link) : link,
      data: type === "file" ? data : new Uint8Array(0),
    });
  }
  return entries;
}
