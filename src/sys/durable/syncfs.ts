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
import { closeSync, constants, fstatSync, openSync } from "node:fs";
import { AiosError, errorMessage } from "../errors";
import { isSyncing } from "./files";
import { GroupCommit, noteFlush, timedFlush } from "./group";
import { WorkerClient, workerUrl } from "../worker-client";
import { writeOut } from "../libc";

let running: WorkerClient | undefined;

function syncfsWorker(): WorkerClient {
  if (running && !running.dead) return running;
  const w: WorkerClient = new WorkerClient(workerUrl(import.meta.url, "./syncfs-worker.ts", "sys/durable/syncfs-worker.ts"), "syncfs", () => {
    if (running === w) running = undefined;
  });
  return (running = w);
}

/** syncfs(2) of the filesystem that holds `path`, off the main thread. */
export async function syncfsAsync(path: string): Promise<void> {
  if (!isSyncing()) return;
  // Opened for this flush only: a descriptor kept open would hold the filesystem busy (umount: EBUSY).
  const fd = openSync(path, constants.O_RDONLY);
  try {
    await syncfsWorker().request({ op: "syncfs", fds: [fd], what: `syncfs ${path}` });
  } finally {
    closeSync(fd);
  }
}

/** The same as writeOutAsync, on this thread: for a few small files, where the hop to the worker costs more. */
export function writeOutFds(fds: readonly number[], what: string): void {
  if (isSyncing() && fds.length > 0) timedFlush(() => writeOut(fds, what));
}

/**
 * Writes the dirty pages of the files open at `fds` to their disk and waits
 * for the writes, off the main thread; no flush (libc.ts writeOut). On a
 * filesystem whose next journal commit persists what was written before it
 * (fs-kind.ts), that commit then makes them durable.
 */
export async function writeOutAsync(fds: readonly number[], what: string): Promise<void> {
  if (!isSyncing() || fds.length === 0) return;
  const t0 = performance.now();
  await syncfsWorker().request({ op: "writeOut", fds: [...fds], what });
  noteFlush(performance.now() - t0);
}

/** Each filesystem's flush queue, with the directories its waiters named since the last flush began. */
interface FsQueue {
  group: GroupCommit;
  dirs: Set<string>;
}
const queues = new Map<number, FsQueue>();

/**
 * One flush of filesystem `dev`, through the first of the waiters'
 * directories (newest first) that still opens as a directory on it: one may
 * have been removed since, or swapped for a link to another filesystem,
 * whose flush would leave this one's writes unsynced.
 */
async function flushFilesystem(dev: number, queue: FsQueue): Promise<void> {
  const dirs = [...queue.dirs].reverse();
  queue.dirs.clear();
  if (!isSyncing()) return;
  let why: unknown;
  for (const dir of dirs) {
    let fd: number;
    try {
      fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    } catch (err) {
      why = err;
      continue;
    }
    try {
      if (fstatSync(fd).dev !== dev) {
        why = new Error(`${dir} is no longer on the filesystem written to`);
        continue;
      }
      return await syncfsWorker().request({ op: "syncfs", fds: [fd], what: `syncfs ${dir}` });
    } finally {
      closeSync(fd);
    }
  }
  throw new AiosError("not_durable", `syncfs: no directory written to opens on that filesystem any more (${errorMessage(why)})`, { cause: why });
}

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
      dirs: new Set(),
      group: new GroupCommit(
        () => flushFilesystem(dev, queue),
        () => {
          if (queues.get(dev) === queue && !queue.group.busy) queues.delete(dev);
        },
      ),
    };
    queues.set(dev, (q = queue));
  }
  q.dirs.delete(dir); // re-added as the newest
  q.dirs.add(dir);
  return q.group.wait();
}
