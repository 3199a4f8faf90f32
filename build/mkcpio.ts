/**
 * mkcpio.ts OUT SPEC... — write an uncompressed newc initramfs from a listing.
 *
 * The listing follows the kernel's usr/gen_init_cpio format, one entry a line
 * ("#" starts a comment), plus `tree` to take in a whole directory:
 *
 *   dir   NAME MODE [UID GID]
 *   file  NAME SOURCE MODE [UID GID]
 *   slink NAME TARGET [MODE UID GID]
 *   nod   NAME MODE UID GID c|b MAJOR MINOR
 *   tree  NAME SOURCEDIR          every file, dir and symlink below SOURCEDIR
 *
 * Every entry is owned by root unless UID/GID say otherwise, and device nodes
 * are written as headers, so no root rights and no mknod are needed. A later
 * entry for the same NAME replaces the earlier one (the rootfs overlay goes
 * last); missing parent directories are added (0755). Entries are written in
 * sorted order, so parents come first and the archive is reproducible: mtime is
 * $SOURCE_DATE_EPOCH or 0. A NAME below a symlink is refused (it would land
 * somewhere else once unpacked: put overlay files under usr/..., not lib/...).
 */
import { closeSync, lstatSync, openSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";

type Entry =
  | { kind: "dir"; mode: number; uid: number; gid: number }
  | { kind: "file"; source: string; mode: number; uid: number; gid: number }
  | { kind: "slink"; target: string; mode: number; uid: number; gid: number }
  | { kind: "nod"; mode: number; uid: number; gid: number; type: "c" | "b"; major: number; minor: number };

const S_IFDIR = 0o040000, S_IFREG = 0o100000, S_IFLNK = 0o120000, S_IFCHR = 0o020000, S_IFBLK = 0o060000;

let partial = "";
function die(msg: string): never {
  if (partial) rmSync(partial, { force: true });
  console.error(`mkcpio: ${msg}`);
  process.exit(1);
}

function clean(name: string): string {
  const parts = name.split("/").filter((p) => p && p !== ".");
  if (parts.includes("..")) die(`"${name}": ".." is not allowed`);
  return parts.join("/");
}

const entries = new Map<string, Entry>();

function octal(s: string | undefined, what: string): number {
  if (s === undefined || !/^[0-7]+$/.test(s)) die(`bad ${what} "${s}"`);
  return parseInt(s, 8);
}
function int(s: string | undefined, dflt: number): number {
  if (s === undefined) return dflt;
  if (!/^\d+$/.test(s)) die(`bad number "${s}"`);
  return Number(s);
}

/** Walk SOURCEDIR; file modes are normalised (0755 if executable, else 0644) so a umask cannot leak in. */
function addTree(name: string, dir: string): void {
  let st;
  try { st = lstatSync(dir); } catch { die(`tree ${name}: no directory ${dir}`); }
  if (!st.isDirectory()) die(`tree ${name}: ${dir} is not a directory`);
  if (clean(name)) entries.set(clean(name), { kind: "dir", mode: 0o755, uid: 0, gid: 0 });
  for (const child of readdirSync(dir).sort()) {
    const path = join(dir, child), at = clean(`${name}/${child}`);
    const s = lstatSync(path);
    if (s.isDirectory()) addTree(at, path);
    else if (s.isSymbolicLink()) entries.set(at, { kind: "slink", target: readlinkSync(path), mode: 0o777, uid: 0, gid: 0 });
    else if (s.isFile()) entries.set(at, { kind: "file", source: path, mode: s.mode & 0o111 ? 0o755 : 0o644, uid: 0, gid: 0 });
    else die(`tree ${name}: ${path} is neither file, directory nor symlink`);
  }
}

function parse(text: string, where: string): void {
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/#.*/, "").trim();
    if (!line) return;
    const f = line.split(/\s+/);
    const at = `${where}:${i + 1}`;
    const name = clean(f[1] ?? die(`${at}: missing name`));
    switch (f[0]) {
      case "dir":
        entries.set(name, { kind: "dir", mode: octal(f[2], "mode"), uid: int(f[3], 0), gid: int(f[4], 0) });
        break;
      case "file":
        entries.set(name, { kind: "file", source: f[2] ?? die(`${at}: missing source`), mode: octal(f[3], "mode"), uid: int(f[4], 0), gid: int(f[5], 0) });
        break;
      case "slink":
        entries.set(name, { kind: "slink", target: f[2] ?? die(`${at}: missing target`), mode: f[3] ? octal(f[3], "mode") : 0o777, uid: int(f[4], 0), gid: int(f[5], 0) });
        break;
      case "nod": {
        const type = f[5];
        if (type !== "c" && type !== "b") die(`${at}: device type must be c or b`);
        entries.set(name, { kind: "nod", mode: octal(f[2], "mode"), uid: int(f[3], 0), gid: int(f[4], 0), type, major: int(f[6], -1), minor: int(f[7], -1) });
        break;
      }
      case "tree":
        addTree(name, f[2] ?? die(`${at}: missing source directory`));
        break;
      default:
        die(`${at}: unknown entry type "${f[0]}"`);
    }
  });
}

const [out, ...specs] = process.argv.slice(2);
if (!out || !specs.length) die("usage: mkcpio.ts OUT.cpio SPEC... (SPEC - reads stdin)");
for (const spec of specs) parse(spec === "-" ? readFileSync(0, "utf8") : readFileSync(spec, "utf8"), spec);

// Parents: add missing ones, refuse paths that run through a symlink.
for (const name of [...entries.keys()]) {
  const parts = name.split("/");
  for (let i = 1; i < parts.length; i++) {
    const parent = parts.slice(0, i).join("/");
    const e = entries.get(parent);
    if (!e) entries.set(parent, { kind: "dir", mode: 0o755, uid: 0, gid: 0 });
    else if (e.kind !== "dir") die(`"${name}": parent "${parent}" is a ${e.kind}, not a directory`);
  }
}

const mtime = Number(process.env.SOURCE_DATE_EPOCH ?? 0) >>> 0;
const hex = (n: number) => (n >>> 0).toString(16).padStart(8, "0");
const pad4 = (n: number) => (4 - (n % 4)) % 4;
partial = `${out}.tmp`;
const fd = openSync(partial, "w");
let ino = 1, total = 0;
const put = (b: Uint8Array | string) => { const buf = typeof b === "string" ? Buffer.from(b, "latin1") : b; writeSync(fd, buf); total += buf.length; };

function record(name: string, mode: number, uid: number, gid: number, nlink: number, data: Uint8Array, rmaj = 0, rmin = 0, inode = ino++): void {
  const nameBytes = Buffer.from(`${name}\0`, "utf8");
  put("070701" + [inode, mode, uid, gid, nlink, mtime, data.length, 0, 0, rmaj, rmin, nameBytes.length, 0].map(hex).join(""));
  put(nameBytes);
  put("\0".repeat(pad4(110 + nameBytes.length)));
  if (data.length) { put(data); put("\0".repeat(pad4(data.length))); }
}

const none = new Uint8Array(0);
for (const name of [...entries.keys()].sort()) {
  const e = entries.get(name)!;
  switch (e.kind) {
    case "dir": record(name, S_IFDIR | e.mode, e.uid, e.gid, 2, none); break;
    case "slink": record(name, S_IFLNK | e.mode, e.uid, e.gid, 1, Buffer.from(e.target, "utf8")); break;
    case "nod": record(name, (e.type === "c" ? S_IFCHR : S_IFBLK) | e.mode, e.uid, e.gid, 1, none, e.major, e.minor); break;
    case "file": {
      let data: Uint8Array;
      try { data = readFileSync(e.source); } catch { die(`"${name}": cannot read ${e.source}`); }
      record(name, S_IFREG | e.mode, e.uid, e.gid, 1, data);
      break;
    }
  }
}
record("TRAILER!!!", 0, 0, 0, 1, none, 0, 0, 0);
closeSync(fd);
renameSync(`${out}.tmp`, out);
if (process.env.V === "1") console.log(`mkcpio: ${out}: ${entries.size} entries, ${(total / 1048576).toFixed(1)} MiB`);
