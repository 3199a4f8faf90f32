/**
 * The inference queue: jobs wait in three classes (operational before
 * tactical before background, FIFO within a class) and run `concurrency` at
 * a time. The queue is bounded: when it is full a job of a more urgent class
 * takes the place of the newest waiting job of the least urgent class, and
 * otherwise is refused with QueueFullError carrying a Retry-After estimate.
 * A caller's AbortSignal removes its waiting job at once; a running job sees
 * the same signal and is expected to stop early.
 */
import { CancelledError, QueueFullError } from "./errors";

export const PRIORITIES = ["operational", "tactical", "background"] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface QueueOptions {
  /** Most jobs waiting (not counting running ones). */
  limit: number;
  /** Jobs run at once; onnxruntime already uses every core for one job, so 1 is the default. */
  concurrency?: number;
}

interface Job {
  priority: Priority;
  label: string;
  run: (signal: AbortSignal) => Promise<unknown>;
  signal: AbortSignal;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  detach: () => void;
  enqueuedAt: number;
}

export interface QueueStats {
  waiting: Record<Priority, number>;
  running: number;
  limit: number;
  completed: number;
  failed: number;
  cancelled: number;
  refused: number;
  /** Moving average of job run time, ms. */
  averageMs: number;
}

const NEVER = new AbortController().signal;

/** A job that ran, for the metrics: its label (`<what> <model>`), class, run time and how it ended. */
export interface JobObservation {
  label: string;
  priority: Priority;
  seconds: number;
  outcome: "completed" | "failed" | "cancelled";
}

export class InferenceQueue {
  private readonly waiting: Record<Priority, Job[]> = { operational: [], tactical: [], background: [] };
  private running = 0;
  private readonly counts = { completed: 0, failed: 0, cancelled: 0, refused: 0 };
  private averageMs = 0;
  private readonly observers = new Set<(o: JobObservation) => void>();
  readonly limit: number;
  readonly concurrency: number;

  constructor(opts: QueueOptions) {
    this.limit = Math.max(0, opts.limit);
    this.concurrency = Math.max(1, opts.concurrency ?? 1);
  }

  get size(): number {
    return PRIORITIES.reduce((n, p) => n + this.waiting[p].length, 0);
  }

  /** Seconds until a slot is likely free: the work ahead divided by the parallelism, at least 1. */
  retryAfterS(): number {
    const ahead = this.size + this.running;
    return Math.max(1, Math.ceil((ahead * (this.averageMs || 1000)) / this.concurrency / 1000));
  }

  submit<T>(priority: Priority, label: string, run: (signal: AbortSignal) => Promise<T>, signal: AbortSignal = NEVER): Promise<T> {
    if (signal.aborted) {
      this.counts.cancelled++;
      return Promise.reject(new CancelledError(label));
    }
    // A job that can start at once never waits, so it never counts against the limit.
    const mustWait = this.running >= this.concurrency || this.size > 0;
    if (mustWait && this.size >= this.limit && !this.makeRoomFor(priority)) {
      this.counts.refused++;
      return Promise.reject(new QueueFullError(this.limit, this.retryAfterS()));
    }
    return new Promise<T>((resolve, reject) => {
      const job: Job = {
        priority, label, run, signal, resolve: resolve as (v: unknown) => void, reject, detach: () => {}, enqueuedAt: performance.now(),
      };
      const onAbort = () => {
        const list = this.waiting[priority];
        const at = list.indexOf(job);
        if (at >= 0) {
          list.splice(at, 1);
          this.counts.cancelled++;
          reject(new CancelledError(label));
        }
      };
      signal.addEventListener("abort", onAbort, { once: true });
      job.detach = () => signal.removeEventListener("abort", onAbort);
      this.waiting[priority].push(job);
      this.pump();
    });
  }

  /** Refuses the newest waiting job of a less urgent class than `priority`; false if there is none. */
  private makeRoomFor(priority: Priority): boolean {
    for (let i = PRIORITIES.length - 1; PRIORITIES[i] !== priority; i--) {
      const victim = this.waiting[PRIORITIES[i]!].pop();
      if (victim) {
        victim.detach();
        this.counts.refused++;
        victim.reject(new QueueFullError(this.limit, this.retryAfterS()));
        return true;
      }
    }
    return false;
  }

  private next(): Job | undefined {
    for (const p of PRIORITIES) if (this.waiting[p].length) return this.waiting[p].shift();
    return undefined;
  }

  private pump(): void {
    while (this.running < this.concurrency) {
      const job = this.next();
      if (!job) return;
      job.detach();
      this.running++;
      void this.execute(job);
    }
  }

  private async execute(job: Job): Promise<void> {
    const started = performance.now();
    let outcome: JobObservation["outcome"] = "completed";
    try {
      const value = await job.run(job.signal);
      if (job.signal.aborted) {
        this.counts.cancelled++;
        outcome = "cancelled";
        job.reject(new CancelledError(job.label));
      } else {
        this.counts.completed++;
        job.resolve(value);
      }
    } catch (err) {
      outcome = job.signal.aborted ? "cancelled" : "failed";
      if (job.signal.aborted) this.counts.cancelled++;
      else this.counts.failed++;
      job.reject(job.signal.aborted ? new CancelledError(job.label) : err);
    } finally {
      const ms = performance.now() - started;
      this.averageMs = this.averageMs ? this.averageMs * 0.8 + ms * 0.2 : ms;
      this.running--;
      for (const fn of this.observers) {
        try {
          fn({ label: job.label, priority: job.priority, seconds: ms / 1000, outcome });
        } catch {
          // metrics must never fail a job
        }
      }
      this.pump();
    }
  }

  /** Hears every job that ran (the metrics); returns the unsubscribe function. */
  observe(fn: (o: JobObservation) => void): () => void {
    this.observers.add(fn);
    return () => this.observers.delete(fn);
  }

  stats(): QueueStats {
    return {
      waiting: { operational: this.waiting.operational.length, tactical: this.waiting.tactical.length, background: this.waiting.background.length },
      running: this.running,
      limit: this.limit,
      ...this.counts,
      averageMs: Math.round(this.averageMs * 10) / 10,
    };
  }

  /** Rejects every waiting job (shutdown). Running jobs finish. */
  drain(reason: string): void {
    for (const p of PRIORITIES) {
      for (const job of this.waiting[p].splice(0)) {
        job.detach();
        job.reject(new CancelledError(`${job.label} (${reason})`));
      }
    }
  }
}
