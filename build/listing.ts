/**
 * The image listing format that build/initramfs-list.sh prints and both
 * build/mkcpio.ts (an initramfs) and build/mkstage.ts (the system image's
 * tree) read. It follows the kernel's usr/gen_init_cpio format, one entry a
 * line ("#" starts a comment), plus `tree` to take in a whole directory:
 *
 *   dir   NAME MODE [UID GID]
 *   file  NAME SOURCE MODE [UID GID]
 *   slink NAME TARGET [MODE UID GID]
 *   nod   NAME MODE UID GID c|b MAJOR MINOR
 *   tree  NAME SOURCEDIR          every file, dir and symlink below SOURCEDIR
 *
 * Every entry is owned by root unless UID/GID say otherwise. A later entry for
 * the same NAME replaces the earlier one (the rootfs overlay goes last);
 * missing parent directories are added (0755). A NAME below a symlink is
 * refused (it would land somewhere else once unpacked: put overlay files under
 * usr/..., not lib/...).
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";

export type Entry =
  | { kind: "dir"; mode: number; uid: number; gid: number }
  | { kind: "file"; source: string; mode: number; uid: number; gid: number }
  | { kind: "slink"; target: string; mode: number; uid: number; gid: number }
  | { kind: "nod"; mode: number; uid: number; gid: number; type: "c" | "b"; major: number; minor: number };

export class ListingError extends Error {}

function fail(msg: string): never {
  throw new ListingError(msg);
}

function clean(name: string): string {
  const parts = name.split("/").filter((p) => p && p !== ".");
  if (parts.includes("..")) fail(`"${name}": ".." is not allowed`);
  return parts.join("/");
}

function octal(s: string | undefined, what: string): number {
  if (s === undefined || !/^[0-7]+$/.test(s)) fail(`bad ${what} "${s}"`);
  return parseInt(s, 8);
}

function int(s: string | undefined, dflt: number): number {
  if (s === undefined) return dflt;
  if (!/^\d+$/.test(s)) fail(`bad number "${s}"`);
  return Number(s);
}

/** Walk SOURCEDIR; file modes are normalised (0755 if executable, else 0644) so a umask cannot leak in. */
function addTree(entries: Map<string, Entry>, name: string, dir: string): void {
  let st;
  try {
    st = lstatSync(dir);
  } catch {
    fail(`tree ${name}: no directory ${dir}`);
  }
  if (!st.isDirectory()) fail(`tree ${name}: ${dir} is not a directory`);
  if (clean(name)) entries.set(clean(name), { kind: "dir", mode: 0o755, uid: 0, gid: 0 });
  for (const child of readdirSync(dir).sort()) {
    const path = join(dir, child), at = clean(`${name}/${child}`);
    const s = lstatSync(path);
    if (s.isDirectory()) addTree(entries, at, path);
    else if (s.isSymbolicLink()) entries.set(at, { kind: "slink", target: readlinkSync(path), mode: 0o777, uid: 0, gid: 0 });
    else if (s.isFile()) entries.set(at, { kind: "file", source: path, mode: s.mode & 0o111 ? 0o755 : 0o644, uid: 0, gid: 0 });
    else fail(`tree ${name}: ${path} is neither file, directory nor symlink`);
  }
}

function parse(entries: Map<string, Entry>, text: string, where: string): void {
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/#.*/, "").trim();
    if (!line) return;
    const f = line.split(/\s+/);
    const at = `${where}:${i + 1}`;
    const name = clean(f[1] ?? fail(`${at}: missing name`));
    switch (f[0]) {
      case "dir":
        entries.set(name, { kind: "dir", mode: octal(f[2], "mode"), uid: int(f[3], 0), gid: int(f[4], 0) });
        break;
      case "file":
        entries.set(name, { kind: "file", source: f[2] ?? fail(`${at}: missing source`), mode: octal(f[3], "mode"), uid: int(f[4], 0), gid: int(f[5], 0) });
        break;
      case "slink":
        entries.set(name, { kind: "slink", target: f[2] ?? fail(`${at}: missing target`), mode: f[3] ? octal(f[3], "mode") : 0o777, uid: int(f[4], 0), gid: int(f[5], 0) });
        break;
      case "nod": {
        const type = f[5];
        if (type !== "c" && type !== "b") fail(`${at}: device type must be c or b`);
        entries.set(name, { kind: "nod", mode: octal(f[2], "mode"), uid: int(f[3], 0), gid: int(f[4], 0), type, major: int(f[6], -1), minor: int(f[7], -1) });
        break;
      }
      case "tree":
        addTree(entries, name, f[2] ?? fail(`${at}: missing source directory`));
        break;
      default:
        fail(`${at}: unknown entry type "${f[0]}"`);
    }
  });
}

/** Reads the listings in order ("-" is stdin) into one map, parents added, sorted by name (parents first). */
export function readListing(specs: string[]): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  for (const spec of specs) parse(entries, spec === "-" ? readFileSync(0, "utf8") : readFileSync(spec, "utf8"), spec);
  // Parents: add missing ones, refuse paths that run through a symlink.
  for (const name of [...entries.keys()]) {
    const parts = name.split("/");
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join("/");
      const e = entries.get(parent);
      if (!e) entries.set(parent, { kind: "dir", mode: 0o755, uid: 0, gid: 0 });
      else if (e.kind !== "dir") fail(`"${name}": parent "${parent}" is a ${e.kind}, not a directory`);
    }
  }
  return new Map([...entries.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
