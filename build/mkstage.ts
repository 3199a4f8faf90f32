/**
 * mkstage.ts DIR SPEC... — lay a listing (build/listing.ts) out as a directory
 * tree, for mksquashfs to pack as the system image (build/system.mk).
 *
 * Files are copied (a reflink where the filesystem can) and every mode is set
 * exactly as listed, so the umask and the sources' own modes cannot leak in;
 * owners are left to `mksquashfs -all-root`. Device nodes and other owners
 * than root are refused: the system image has neither (/dev is devtmpfs,
 * mounted by /init). DIR is replaced.
 */
import { chmodSync, constants, copyFileSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { ListingError, readListing } from "./listing";

function die(msg: string): never {
  console.error(`mkstage: ${msg}`);
  process.exit(1);
}

const [dir, ...specs] = process.argv.slice(2);
if (!dir || !specs.length) die("usage: mkstage.ts DIR SPEC... (SPEC - reads stdin)");
let entries;
try {
  entries = readListing(specs);
} catch (err) {
  if (err instanceof ListingError) die(err.message);
  throw err;
}

rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const dirs: Array<[string, number]> = [];
for (const [name, e] of entries) {
  const path = join(dir, name);
  if (e.kind === "nod") die(`"${name}": device nodes belong to the initramfs, not the system image`);
  if (e.uid !== 0 || e.gid !== 0) die(`"${name}": owned by ${e.uid}:${e.gid}; the system image has only root's files`);
  switch (e.kind) {
    case "dir":
      mkdirSync(path, { recursive: true });
      dirs.push([path, e.mode]); // after their files: a 0555 directory would refuse them
      break;
    case "slink":
      symlinkSync(e.target, path);
      break;
    case "file":
      try {
        copyFileSync(e.source, path, constants.COPYFILE_FICLONE);
      } catch (err) {
        die(`"${name}": cannot copy ${e.source}: ${(err as Error).message}`);
      }
      chmodSync(path, e.mode);
      break;
  }
}
for (const [path, mode] of dirs.reverse()) chmodSync(path, mode);
if (process.env.V === "1") console.log(`mkstage: ${dir}: ${entries.size} entries`);
