/**
 * Moving a home directory aside (user.delete with removeHome) and back
 * (its undo). A rename when source and destination share a filesystem;
 * otherwise a copy that keeps modes, symlinks, times and (as root)
 * owners, then removal of the source. In the VM "/" is in RAM and the undo
 * copies live on the data disk, so the copy path is the usual one there.
 * Durable when it returns: a copy is synced before its source is removed.
 */
import { cpSync, lchownSync, lstatSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { errorCode, fsyncParent, mkdirDurable, syncTree } from "../../sys";

function copyOwners(src: string, dest: string): void {
  const st = lstatSync(src);
  lchownSync(dest, st.uid, st.gid);
  if (st.isDirectory()) for (const name of readdirSync(src)) copyOwners(join(src, name), join(dest, name));
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
