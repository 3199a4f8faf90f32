/**
 * Directory flushes a redo plan makes safe to put off. A staged write is
 * answered once its rename is made, before the rename is on disk: the
 * call's result, listing the rename (temporary name, target, digest), and
 * the staged file, content and name, are on disk before the answer, so
 * after a power cut boot redoes a rename the disk lost (redoStaged), as a
 * database redoes its log. Flushing the targets' directories only lets the
 * plan be cleared. Done before each answer, that flush was a second disk
 * flush on every call's path, the one a bare writer pays (temporary file,
 * fsync, rename, directory fsync); here the directories renamed into
 * within DEFER_MS share one flush, and a change waiting on one of those
 * paths hurries it (Staging's pendingAt).
 */
import { AiosError, errorMessage } from "../errors";
import { isSyncing } from "./files";
import { syncDir } from "./group";
import { syncFilesystemShared } from "./syncfs";

/**
 * How long a directory flush waits for others to share it. Measured with one
 * caller writing on ext4 with its journal: a flush after every call, even
 * off the call's path, made each call a third slower (it competes with the
 * next call's flushes); one per 50 ms costs ~2%.
 */
export const DEFER_MS = 50;
let deferMs = DEFER_MS;

/** Sets how long a flush waits for company (tests: a long wait shows what hurries it); returns the previous value. */
export function deferFlushesFor(ms: number): number {
  const was = deferMs;
  deferMs = ms;
  return was;
}

interface Batch {
  /** Directory → its filesystem. */
  dirs: Map<string, number>;
  waiters: Array<{ resolve(): void; reject(err: unknown): void }>;
}

let batch: Batch | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;
/** Flushes begun and not finished, so flushDeferred() can wait for them. */
const running = new Set<Promise<void>>();

/** Resolves once every directory in `dirs` (path → its filesystem's device) was flushed, in a shared flush at most DEFER_MS from now (sooner if hurried). */
export function flushLater(dirs: ReadonlyMap<string, number>): Promise<void> {
  if (!isSyncing()) return Promise.resolve(); // syncs skipped (a benchmark's baseline) when the rename was made
  const b: Batch = (batch ??= { dirs: new Map(), waiters: [] });
  for (const [dir, dev] of dirs) b.dirs.set(dir, dev);
  const done = new Promise<void>((resolve, reject) => b.waiters.push({ resolve, reject }));
  if (!timer) {
    timer = setTimeout(hurry, deferMs);
    timer.unref?.(); // a deferred flush never keeps a process alive: the plans it would clear are redone at the next start
  }
  return done;
}

/** Starts the pending flush now (someone waits on one of its paths). */
export function hurry(): void {
  if (timer) clearTimeout(timer);
  timer = null;
  const b = batch;
  batch = null;
  if (!b) return;
  const p = flush(b.dirs).then(
    () => {
      for (const w of b.waiters) w.resolve();
    },
    (err) => {
      for (const w of b.waiters) w.reject(err);
    },
  );
  running.add(p);
  void p.finally(() => running.delete(p));
}

/** Flushes what is deferred now and waits for every flush begun (a clean stop). */
export async function flushDeferred(): Promise<void> {
  hurry();
  await Promise.all(running);
}

/**
 * One directory on a filesystem: its own fsync. Several: one syncfs of the
 * filesystem, one journal commit where an fsync each would queue on the
 * thread pool.
 */
async function flush(dirs: Map<string, number>): Promise<void> {
  const byDev = new Map<number, string[]>();
  for (const [dir, dev] of dirs) {
    const list = byDev.get(dev);
    if (list) list.push(dir);
    else byDev.set(dev, [dir]);
  }
  const results = await Promise.allSettled([...byDev].map(([dev, list]) => (list.length === 1 ? syncDir(list[0]!) : syncFilesystemShared(dev, list))));
  const failed = results.find((r) => r.status === "rejected");
  if (failed) throw new AiosError("not_durable", `deferred directory flush: ${errorMessage(failed.reason)}`, { cause: failed.reason });
}
