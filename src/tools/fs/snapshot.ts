/**
 * What undo needs to put a path back exactly as it was: a snapshot of the
 * node (file content, mode, owner, mtime; a directory's whole tree; a
 * symlink's target), taken with lstat so links are kept as links. Small file
 * contents travel inside the undo record (JSON); larger ones are copied into
 * the call's undo directory (`<data>/cache/undo/<callId>/`), durably: an undo
 * copy is on disk before the change it undoes is made. Putting a snapshot
 * back is durable too.
 */
import { chmodSync, lchownSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, type Stats, symlinkSync, truncateSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { copyFileDurable, fsyncParent, fsyncPath, mkdirDurable, syncTree, writeFileDurable } from "../../sys";

/** File contents up to this size are kept inline in the undo record. */
export const INLINE_MAX = 32 * 1024;
/** What one call may set aside for undo; past it the change is refused rather than made irreversible. */
export const UNDO_MAX_BYTES = 256 * 1024 * 1024;
export const UNDO_MAX_ENTRIES = 20_000;

interface Owned {
  mode: number;
  uid: number;
  gid: number;
  mtimeMs: number;
}

export type Snapshot =
  | ({ type: "file"; size: number; data?: string; blob?: string } & Owned)
  | ({ type: "dir"; entries: Record<string, Snapshot> } & Owned)
  | { type: "symlink"; target: string; uid: number; gid: number };

export class SnapshotLimitError extends Error {}

/** Where blobs go; created on first use so most calls leave nothing on disk. */
export class UndoStore {
  private next = 0;
  private bytes = 0;
  private entries = 0;
  used = false;
  constructor(readonly dir: string) {}

  /** Keeps a copy of the file at `host`; returns its blob name. */
  keep(host: string): string {
    if (!this.used) mkdirDurable(this.dir, 0o700);
    this.used = true;
    const name = String(this.next++);
    copyFileDurable(host, join(this.dir, name), 0o600); // the copy may hold what only root could read; only aiOS reads it back
    return name;
  }

  count(size: number): void {
    this.bytes += size;
    this.entries += 1;
    if (this.bytes > UNDO_MAX_BYTES) throw new SnapshotLimitError(`more than ${UNDO_MAX_BYTES >> 20} MiB to keep for undo`);
    if (this.entries > UNDO_MAX_ENTRIES) throw new SnapshotLimitError(`more than ${UNDO_MAX_ENTRIES} entries to keep for undo`);
  }

  read(blob: string): Buffer {
    return readFileSync(join(this.dir, blob));
  }

  /** Drops the copies once undo has used them. */
  discard(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The node at `host` (not following a final symlink), or null when nothing is there. */
/** `stat`: lstat of `host` made this same turn by the caller, if it has one. */
export function capture(host: string, store: UndoStore, stat?: Stats): Snapshot | null {
  const st = stat ?? lstatSync(host, { throwIfNoEntry: false });
  if (!st) return null;
  store.count(st.isFile() ? st.size : 0);
  if (st.isSymbolicLink()) return { type: "symlink", target: readlinkSync(host), uid: st.uid, gid: st.gid };
  const owned: Owned = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtimeMs: st.mtimeMs };
  if (st.isFile()) {
    if (st.size <= INLINE_MAX) return { type: "file", size: st.size, data: readFileSync(host).toString("base64"), ...owned };
    return { type: "file", size: st.size, blob: store.keep(host), ...owned };
  }
  if (st.isDirectory()) {
    const entries: Record<string, Snapshot> = {};
    for (const name of readdirSync(host).sort()) {
      const child = capture(join(host, name), store);
      if (child) entries[name] = child;
    }
    return { type: "dir", entries, ...owned };
  }
  throw new Error("a device, fifo or socket cannot be kept for undo");
}

/** Makes `host` hold exactly `snap` again (null: nothing there), replacing whatever is there now; on disk when it returns. */
export function restore(host: string, snap: Snapshot | null, store: UndoStore): void {
  const now = lstatSync(host, { throwIfNoEntry: false });
  if (snap?.type === "file" && now?.isFile()) {
    // One rename over what is there: a reader or a reboot sees one or the other.
    const owner = process.getuid?.() === 0 ? { uid: snap.uid, gid: snap.gid } : {};
    writeFileDurable(host, contentOf(snap, store), { mode: snap.mode, mtimeMs: snap.mtimeMs, ...owner });
    return;
  }
  if (now) rmSync(host, { recursive: true, force: true });
  if (snap) {
    create(host, snap, store);
    syncTree(host);
  } else if (now) fsyncParent(host);
}

function contentOf(snap: Extract<Snapshot, { type: "file" }>, store: UndoStore): Buffer {
  return snap.blob !== undefined ? store.read(snap.blob) : Buffer.from(snap.data ?? "", "base64");
}

function create(host: string, snap: Snapshot, store: UndoStore): void {
  if (snap.type === "symlink") {
    symlinkSync(snap.target, host);
    chown(host, snap);
    return;
  }
  if (snap.type === "file") {
    // Readable by no one else until finish() gives it its mode; restore() syncs the whole tree after.
    writeFileSync(host, contentOf(snap, store), { mode: 0o600, flag: "wx" });
  } else {
    mkdirSync(host, { mode: 0o700 });
    for (const [name, child] of Object.entries(snap.entries)) create(join(host, name), child, store);
  }
  finish(host, snap);
}

/** Owner before mode (chown clears set-id bits), mtime last (writing children moves a directory's). */
function finish(host: string, snap: Extract<Snapshot, { type: "file" | "dir" }>): void {
  chown(host, snap);
  chmodSync(host, snap.mode);
  utimesSync(host, new Date(), new Date(snap.mtimeMs));
}

function chown(host: string, snap: { uid: number; gid: number }): void {
  if (process.getuid?.() !== 0) return;
  const st = lstatSync(host);
  if (st.uid !== snap.uid || st.gid !== snap.gid) lchownSync(host, snap.uid, snap.gid);
}

/** Undo of an append: cut the file back to its old length, or remove it if the append created it; durably. */
export function truncateBack(host: string, size: number | null): void {
  if (size === null) {
    unlinkSync(host);
    fsyncParent(host);
  } else {
    truncateSync(host, size);
    fsyncPath(host);
  }
}
