/**
 * Moving a home directory aside (user.delete with removeHome) and back
 * (its undo). A rename when source and destination share a filesystem;
 * otherwise a copy that keeps modes, symlinks, times and (as root)
 * owners, then removal of the source. In the VM "/" is in RAM and the undo
 * copies live on the data disk, so the copy path is the usual one there.
 * Durable when it returns: a copy is synced before its source is removed.
 */
import { cpSync, lchownSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { errorCode, fsyncParent, mkdirDurable, syncTree, walkTree } from "../../sys";

/** cpSync keeps modes and times but not owners: each copied entry gets its source's. */
function copyOwners(src: string, dest: string): void {
  walkTree(src, { enter: ({ rel, st }) => lchownSync(rel === "" ? dest : join(dest, rel), st.uid, st.gid) });
}

export function moveTree(src: string, dest: string): void {
  mkdirDurable(dirname(dest), 0o700);
  try {
    renameSync(src, dest);
    fsyncParent(dest);
    if (dirname(src) !== dirname(dest)) fsyncParent(src);
    return;
  } catch (err) {
    if (errorCode(err) !== "EXDEV") throw err;
  }
  cpSync(src, dest, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true, errorOnExist: true, force: false });
  if (process.getuid?.() === 0) copyOwners(src, dest);
  syncTree(dest);
  rmSync(src, { recursive: true, force: true });
  fsyncParent(src);
}
