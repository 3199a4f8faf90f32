/**
 * Durable file writes: what aiOS acknowledges must survive a power cut, not
 * only a crash. A crash (kill -9) keeps the page cache; a power cut keeps only
 * what was fsynced, and ext4's delayed allocation can commit an inode whose
 * data never reached the disk (a file of the right size full of NUL bytes).
 * So every change to a live file goes one of two ways, as dpkg and SQLite do:
 *
 * - replace: new content to a temporary file in the same directory, fsync it,
 *   rename it over the target, fsync the directory (the rename is atomic: a
 *   reader or a reboot sees the old file or the new one, never a mix);
 * - append: write at the end, fsync the file, and fsync the directory when the
 *   append created it.
 *
 * Tools call these, never writeFileSync on a live path. node:fs has every
 * call needed (fsync works on a directory opened read-only), so no libc.
 */
import { chmodSync, chownSync, closeSync, constants, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export interface DurableWriteOptions {
  /** Permission bits of the new file; default: the replaced file's, else 0644. */
  mode?: number;
  /** Owner of the new file; default: the replaced file's, else the caller's. */
  uid?: number;
  gid?: number;
}

let tmpCounter = 0;

/** fsync a file or a directory by path. */
export function fsyncPath(path: string): void {
  const fd = openSync(path, constants.O_RDONLY);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsync the directory holding `path`, so a create, rename or unlink in it is on disk. */
export function fsyncParent(path: string): void {
  fsyncPath(dirname(path));
}

function writeAll(fd: number, data: string | Uint8Array): void {
  const buf = typeof data === "string" ? Buffer.from(data) : data;
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

/**
 * Replaces (or creates) `path` with `data` crash-safely: temp file in the same
 * directory, fsync, rename, fsync the directory. Mode and owner are the old
 * file's unless given. The directory must exist.
 */
export function writeFileDurable(path: string, data: string | Uint8Array, opts: DurableWriteOptions = {}): void {
  let old: { mode: number; uid: number; gid: number } | undefined;
  try {
    const st = statSync(path);
    old = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
  } catch {
    // a new file
  }
  const mode = opts.mode ?? old?.mode ?? 0o644;
  const tmp = join(dirname(path), `.${basename(path)}.aios-tmp-${process.pid}-${++tmpCounter}`);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode & 0o777);
  try {
    writeAll(fd, data);
    // The umask may have cleared bits, and set-id or sticky bits need chmod.
    chmodSync(tmp, mode);
    const uid = opts.uid ?? old?.uid;
    const gid = opts.gid ?? old?.gid;
    if ((uid !== undefined && uid !== process.getuid?.()) || (gid !== undefined && gid !== process.getgid?.())) chownSync(tmp, uid ?? -1, gid ?? -1);
    fsyncSync(fd);
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
    fsyncSync(fd);
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
