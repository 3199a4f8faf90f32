/**
 * The synchronous durable operations (see ../durable.ts for the rules): each
 * returns once its change is on disk.
 */
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  constants,
  copyFileSync,
  fchmodSync,
  fchownSync,
  fdatasyncSync,
  fsyncSync,
  futimesSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { syncfs } from "../libc";
import { walkTree } from "../walk";

/**
 * Whether syncs reach the disk. Only a benchmark turns this off, to measure
 * what durability costs against the same code without it (as PostgreSQL's
 * fsync = off); nothing in aiOS does, and no setting or request can.
 */
let syncing = true;

export function setSyncing(on: boolean): void {
  syncing = on;
}

export function isSyncing(): boolean {
  return syncing;
}

/** fsync(2) of an open descriptor. */
export function fsyncFd(fd: number): void {
  if (syncing) fsyncSync(fd);
}

/** fdatasync(2): the data and what is needed to read it back (the size), not the times. */
export function fdatasyncFd(fd: number): void {
  if (syncing) fdatasyncSync(fd);
}

export interface DurableWriteOptions {
  /** Permission bits of the new file; default: the replaced file's, else 0644. */
  mode?: number;
  /** Owner of the new file; default: the replaced file's, else the caller's. */
  uid?: number;
  gid?: number;
  /** Modification time to give it (a file put back as it was), ms since the epoch. */
  mtimeMs?: number;
}

/** A name beside `path` no earlier run can have left behind (pid 1 and a counter would repeat after every boot). */
export function tempNameFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.aios-tmp-${randomBytes(6).toString("hex")}`);
}

/** fsync a file or a directory by path. */
export function fsyncPath(path: string): void {
  const fd = openSync(path, constants.O_RDONLY);
  try {
    fsyncFd(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsync the directory holding `path`, so a create, rename or unlink in it is on disk. */
export function fsyncParent(path: string): void {
  fsyncPath(dirname(path));
}

export function writeAll(fd: number, data: string | Uint8Array): void {
  const buf = typeof data === "string" ? Buffer.from(data) : data;
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

/** Mode and owner a replacement of `path` keeps unless told otherwise. */
export function ownership(path: string, opts: DurableWriteOptions): { mode: number; uid?: number; gid?: number; mtimeMs?: number } {
  if (opts.mode !== undefined && opts.uid !== undefined && opts.gid !== undefined) return { mode: opts.mode, uid: opts.uid, gid: opts.gid, mtimeMs: opts.mtimeMs };
  let old: { mode: number; uid: number; gid: number } | undefined;
  try {
    const st = statSync(path);
    old = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
  } catch {
    // a new file
  }
  return { mode: opts.mode ?? old?.mode ?? 0o644, uid: opts.uid ?? old?.uid, gid: opts.gid ?? old?.gid, mtimeMs: opts.mtimeMs };
}

/**
 * This process's user and group, asked once: each ask is a system call, on
 * every staged file's path, and aios-init never changes them.
 */
const SELF = { uid: process.getuid?.(), gid: process.getgid?.() };

/** A new file's mode, owner and mtime set on its descriptor (no second path lookup, so no name swapped for a link in between). */
function fixOwnership(fd: number, own: { mode: number; uid?: number; gid?: number; mtimeMs?: number }): void {
  // The umask may have cleared bits, and set-id or sticky bits need chmod.
  fchmodSync(fd, own.mode);
  if ((own.uid !== undefined && own.uid !== SELF.uid) || (own.gid !== undefined && own.gid !== SELF.gid)) fchownSync(fd, own.uid ?? -1, own.gid ?? -1);
  // chown clears set-id bits: the mode again after it.
  if (own.mode & 0o6000) fchmodSync(fd, own.mode);
  if (own.mtimeMs !== undefined) futimesSync(fd, new Date(), new Date(own.mtimeMs));
}

/**
 * Creates `tmp` (which must not exist) with `data`, mode and owner; returns
 * its open descriptor, not yet synced. On failure nothing is left behind.
 */
export function createFile(tmp: string, data: string | Uint8Array, own: { mode: number; uid?: number; gid?: number; mtimeMs?: number }): number {
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, own.mode & 0o777);
  try {
    writeAll(fd, data);
    fixOwnership(fd, own);
    return fd;
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Replaces (or creates) `path` with `data` crash-safely: temp file in the same
 * directory, fsync, rename, fsync the directory. Mode and owner are the old
 * file's unless given. The directory must exist.
 */
export function writeFileDurable(path: string, data: string | Uint8Array, opts: DurableWriteOptions = {}): void {
  const tmp = tempNameFor(path);
  const fd = createFile(tmp, data, ownership(path, opts));
  try {
    fsyncFd(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  fsyncParent(path);
}

/** Appends `data` to `path` (created with `mode` if missing) and fsyncs it, and its directory when it was created. */
export function appendFileDurable(path: string, data: string | Uint8Array, mode = 0o644): void {
  let created = false;
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_APPEND);
  } catch {
    fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, mode);
    created = true;
  }
  try {
    writeAll(fd, data);
    fsyncFd(fd);
  } finally {
    closeSync(fd);
  }
  if (created) fsyncParent(path);
}

/** mkdir -p that makes each directory it creates durable (the new entry fsynced in its parent). */
export function mkdirDurable(path: string, mode = 0o755): void {
  const first = mkdirSync(path, { recursive: true, mode });
  if (first === undefined) return; // it was there
  // Every directory from the first one created down to `path` is a new entry in its parent.
  for (let dir = path; ; dir = dirname(dir)) {
    fsyncParent(dir);
    if (dir === first || dirname(dir) === dir) break;
  }
}

/** Renames crash-safely: both directories fsynced after the rename. */
export function renameDurable(from: string, to: string): void {
  renameSync(from, to);
  fsyncParent(to);
  if (dirname(from) !== dirname(to)) fsyncParent(from);
}

/** Removes a file or tree and fsyncs the directory it was in. */
export function removeDurable(path: string): void {
  rmSync(path, { recursive: true, force: true });
  fsyncParent(path);
}

/** A copy of a file that is on disk when this returns (an undo copy, a backup): content synced, then the new entry. */
export function copyFileDurable(from: string, to: string, mode?: number): void {
  copyFileSync(from, to);
  if (mode !== undefined) chmodSync(to, mode);
  fsyncPath(to);
  fsyncParent(to);
}

/** A symlink at `path` (replacing what is there, atomically) that is on disk when this returns. */
export function symlinkDurable(target: string, path: string): void {
  const tmp = tempNameFor(path);
  symlinkSync(target, tmp);
  try {
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  fsyncParent(path);
}

/**
 * Makes a tree just written (a copy, a restored directory) durable: every
 * file and directory under `path` fsynced, deepest first, then its entry in
 * the parent. Symlinks have no descriptor of their own: their directory's
 * fsync covers them.
 */
export function syncTree(path: string): void {
  walkTree(path, {
    enter: () => undefined,
    leave: ({ host, st }) => {
      if (st.isFile() || st.isDirectory()) fsyncPath(host);
    },
  });
  fsyncParent(path);
}

/** syncfs(2) of the filesystem that holds `path`: one call for many files (a package's). */
export function syncFilesystem(path: string): void {
  const fd = openSync(path, constants.O_RDONLY);
  try {
    if (syncing) syncfs(fd, `syncfs ${path}`);
  } finally {
    closeSync(fd);
  }
}
