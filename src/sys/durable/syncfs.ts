/**
 * One flush for a whole filesystem, shared by concurrent writers: when many
 * calls each stage a file on the same filesystem, one syncfs(2) makes every
 * one of those files durable (content, inode and directory entry) in one
 * journal commit, where an fsync each costs one commit each, at most as many
 * at once as the thread pool has threads. Measured on ext4 with its journal
 * (aios-data's format): 64 small files in 4.3–5.6 ms by syncfs against
 * 55–70 ms by 64 fsyncs on the pool.
 *
 * syncfs also writes whatever else is dirty on that filesystem, so it is the
 * right flush only where many writes wait together; a lone writer keeps its
 * own fsync (Staging decides). It blocks for the flush and node:fs has no
 * asynchronous form, so it runs on a worker thread of its own: started at
 * the first use (a boot that never writes concurrently has none; measured
 * 3.8 MiB of RSS, ~27 µs a round trip), unref'd, so it never keeps a
 * process alive.
 */
import { closeSync, constants, openSync } from "node:fs";
import { isSyncing } from "./files";
import { GroupCommit } from "./group";

/** Where the worker's module is: beside this file from source; in aios-init, embedded under src/ by build/compile.ts. */
function workerUrl(): string {
  return import.meta.url.includes("/$bunfs/") ? "file:///$bunfs/root/sys/durable/syncfs-worker.ts" : new URL("./syncfs-worker.ts", import.meta.url).href;
}

interface Pending {
  resolve(): void;
  reject(err: Error): void;
}

class SyncfsWorker {
  private readonly pending = new Map<number, Pending>();
  private seq = 0;
  private readonly worker = new Worker(workerUrl());
  dead = false;

  constructor() {
    this.worker.unref();
    this.worker.onmessage = (e: MessageEvent<{ id: number; error?: { message: string; code?: string } }>) => {
      const p = this.pending.get(e.data.id);
      if (!p) return;
      this.pending.delete(e.data.id);
      if (e.data.error) p.reject(Object.assign(new Error(e.data.error.message), { code: e.data.error.code }));
      else p.resolve();
    };
    // A worker that fails to start or dies fails every flush in flight; the next one starts another.
    this.worker.onerror = (e: ErrorEvent) => this.fail(new Error(`syncfs worker failed: ${e.message}`));
    this.worker.addEventListener("close", () => this.fail(new Error("syncfs worker exited")));
  }

  private fail(err: Error): void {
    this.dead = true;
    if (running === this) running = undefined;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  syncfs(fd: number, what: string): Promise<void> {
    if (this.dead) return Promise.reject(new Error("syncfs worker exited"));
    const id = ++this.seq;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, fd, what });
    });
  }
}

let running: SyncfsWorker | undefined;

/** syncfs(2) of the filesystem that holds `path`, off the main thread. */
export async function syncfsAsync(path: string): Promise<void> {
  if (!isSyncing()) return;
  // Opened for this flush only: a descriptor kept open would hold the filesystem busy (umount: EBUSY).
  const fd = openSync(path, constants.O_RDONLY);
  try {
    running ??= new SyncfsWorker();
    await running.syncfs(fd, `syncfs ${path}`);
  } finally {
    closeSync(fd);
  }
}

/** Each filesystem's flush queue, with the directory on it named last (the one the next flush opens). */
interface FsQueue {
  group: GroupCommit;
  at: string;
}
const queues = new Map<number, FsQueue>();

/**
 * Resolves once everything written to filesystem `dev` before this call is
 * on disk; `dir` is a directory on it. Writers arriving while a flush runs
 * share the next one (group commit), so N concurrent writers on one
 * filesystem cost about one syncfs per flush time.
 */
export function syncFilesystemShared(dev: number, dir: string): Promise<void> {
  let q = queues.get(dev);
  if (!q) {
    const queue: FsQueue = {
      at: dir,
      group: new GroupCommit(
        () => syncfsAsync(queue.at),
        () => {
          if (queues.get(dev) === queue && !queue.group.busy) queues.delete(dev);
        },
      ),
    };
    queues.set(dev, (q = queue));
  }
  q.at = dir;
  return q.group.wait();
}
