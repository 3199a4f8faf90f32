/**
 * mkcpio.ts OUT SPEC... — write an uncompressed newc initramfs from a listing
 * (build/listing.ts: the kernel's gen_init_cpio format plus `tree`).
 *
 * Device nodes are written as headers, so no root rights and no mknod are
 * needed. Entries are written in sorted order, so parents come first and the
 * archive is reproducible: mtime is $SOURCE_DATE_EPOCH or 0.
 */
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { ListingError, readListing } from "./listing";

const S_IFDIR = 0o040000, S_IFREG = 0o100000, S_IFLNK = 0o120000, S_IFCHR = 0o020000, S_IFBLK = 0o060000;

let partial = "";
function die(msg: string): never {
  if (partial) rmSync(partial, { force: true });
  console.error(`mkcpio: ${msg}`);
  process.exit(1);
}

const [out, ...specs] = process.argv.slice(2);
if (!out || !specs.length) die("usage: mkcpio.ts OUT.cpio SPEC... (SPEC - reads stdin)");
let entries;
try {
  entries = readListing(specs);
} catch (err) {
  if (err instanceof ListingError) die(err.message);
  throw err;
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
for (const [name, e] of entries) {
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
