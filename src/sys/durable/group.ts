/**
 * Asynchronous fsync and group commit. An fsync costs a disk flush (hundreds
 * of microseconds); run on Bun's thread pool it leaves the event loop free,
 * and a commit queue lets every writer that arrives while one flush runs share
 * the next one, so N concurrent writers cost about one flush per flush time,
 * not N flushes.
 */
import { closeSync, constants, fdatasync, fsync, openSync } from "node:fs";
import { isSyncing } from "./files";

/**
 * How long the last flush or write-out timed here took, on whichever
 * thread. A caller with nothing else in flight may block this thread on the
 * next one while they are short (mayBlock): measured on ext4 over a loop
 * device, a directory's fsync on this thread instead of the pool saved
 * ~80 µs a call (the hand-off and a cold wake-up), a write-out ~25 µs. A
 * slow one (a busy or failing disk) sends everyone to the pool until one is
 * short again, so this thread is never held for long.
 */
let lastFlushMs = 0;
const QUICK_FLUSH_MS = 2;

/** Records how long a flush took (see mayBlock). */
export function noteFlush(ms: number): void {
  lastFlushMs = ms;
}

/** Whether the disk answered the last flush quickly enough that a lone caller may wait for the next on this thread. */
export function mayBlock(): boolean {
  return lastFlushMs < QUICK_FLUSH_MS;
}

/** Runs `fn` (a flush on this thread) and records how long it took. */
export function timedFlush<T>(fn: () => T): T {
  const t0 = performance.now();
  try {
    return fn();
  } finally {
    noteFlush(performance.now() - t0);
  }
}

/** fsync on the thread pool; a path is opened read-only for it (directories too). */
export function fsyncAsync(target: number | string): Promise<void> {
  if (!isSyncing()) return Promise.resolve();
  const fd = typeof target === "number" ? target : openSync(target, constants.O_RDONLY);
  const t0 = performance.now();
  return new Promise<void>((resolve, reject) => {
    fsync(fd, (err) => {
      noteFlush(performance.now() - t0);
      if (typeof target !== "number") closeSync(fd);
      if (err) reject(err);
      else resolve();
    });
  });
}

/** fdatasync on the thread pool: the data and the metadata needed to read it (its size), not its times. */
export function fdatasyncAsync(fd: number): Promise<void> {
  if (!isSyncing()) return Promise.resolve();
  const t0 = performance.now();
  return new Promise<void>((resolve, reject) =>
    fdatasync(fd, (err) => {
      noteFlush(performance.now() - t0);
      if (err) reject(err);
      else resolve();
    }),
  );
}

interface Waiter<T> {
  resolve(value: T): void;
  reject(err: unknown): void;
}

/**
 * A commit queue in the manner of PostgreSQL's and SQLite WAL's group commit:
 * whoever needs durability calls `wait()`; the first waiter starts a flush at
 * once, and everyone who arrives while it runs shares the next one. `flush`
 * must capture what it makes durable when it is called (synchronously), since
 * only waiters that arrived before that moment are answered by it. What the
 * flush resolves with (what it covered, say) is every one of its waiters'.
 */
export class GroupCommit<T = void> {
  private running = false;
  private waiting: Waiter<T>[] = [];

  constructor(
    private readonly flush: () => Promise<T>,
    private readonly onIdle?: () => void,
  ) {}

  wait(): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  /** Whether a flush is running or waiters are queued. */
  get busy(): boolean {
    return this.running || this.waiting.length > 0;
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting;
      this.waiting = [];
      try {
        const value = await this.flush();
        for (const w of batch) w.resolve(value);
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    this.running = false;
    this.onIdle?.();
  }
}

const dirGroups = new Map<string, GroupCommit>();

/**
 * fsync of a directory shared by concurrent callers: a rename or create made
 * before this call is on disk when it resolves. Sixty-four writes into one
 * directory cost one or two directory flushes, not sixty-four.
 */
export function syncDir(dir: string): Promise<void> {
  let g = dirGroups.get(dir);
  if (!g) {
    const group = new GroupCommit(
      () => fsyncAsync(dir),
      () => {
        if (dirGroups.get(dir) === group && !group.busy) dirGroups.delete(dir);
      },
    );
    g = group;
    dirGroups.set(dir, g);
  }
  return g.wait();
}
