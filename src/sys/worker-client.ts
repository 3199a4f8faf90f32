/**
 * The main-thread side of a worker thread that answers requests: each
 * request is posted as `{ id, ...message }` and answered `{ id, value }` or
 * `{ id, error: { message, code?, field? } }`, after any number of
 * `{ id, event }` (a stream's pieces); a caller's abort posts
 * `{ op: "abort", of: id }`. The grammar worker (XGrammar), the syncfs worker
 * and the inference engine's thread use it. The worker is unref'd while idle
 * (it never keeps a process alive); one that fails to start or dies fails
 * every request in flight and is dead from then on, so its owner starts
 * another on the next request.
 */

/**
 * Where a worker's module is: `relative` to the caller's module from
 * source; in aios-init, embedded at `embedded` under src/ (build/compile.ts
 * lists it as an entry point), since the bundle's modules share one URL.
 */
export function workerUrl(callerUrl: string, relative: string, embedded: string): string {
  return callerUrl.includes("/$bunfs/") ? `file:///$bunfs/root/${embedded}` : new URL(relative, callerUrl).href;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  onEvent?: (event: unknown) => void;
  error?: (e: WireError) => Error;
}

/** An error as it crosses the thread: its message, its code, and the field it names, if any. */
export interface WireError {
  message: string;
  code?: string;
  field?: string;
}

/** `{ id, event }` is one of several events of a request still running; `value` or `error` ends it. */
type Answer = { id: number; value?: unknown; error?: WireError; event?: unknown };

/** What a worker posts for an error it caught. */
export function wireError(err: unknown): WireError {
  const e = err as { message?: string; code?: unknown; field?: unknown };
  return {
    message: e?.message ?? String(err),
    ...(typeof e?.code === "string" ? { code: e.code } : {}),
    ...(typeof e?.field === "string" ? { field: e.field } : {}),
  };
}

export interface RequestOptions {
  /** Called for each `{ id, event }` the worker posts before its answer. */
  onEvent?: (event: unknown) => void;
  /** Rejects the request with the signal's reason and posts `{ op: "abort", of: id }` so the worker can stop. */
  signal?: AbortSignal;
  /** Turns the worker's error into the caller's typed one (default: an Error with its code). */
  error?: (e: WireError) => Error;
}

export class WorkerClient {
  private readonly pending = new Map<number, Pending>();
  private seq = 0;
  private readonly worker: Worker;
  dead = false;

  /**
   * @param name says whose worker failed, in errors ("grammar", "syncfs")
   * @param onDead called once when it fails or exits (the owner forgets it)
   */
  constructor(url: string, private readonly name: string, private readonly onDead: () => void = () => {}) {
    this.worker = new Worker(url);
    this.worker.unref();
    this.worker.onmessage = (e: MessageEvent<Answer>) => {
      const p = this.pending.get(e.data.id);
      if (!p) return;
      if ("event" in e.data) {
        p.onEvent?.(e.data.event);
        return;
      }
      this.pending.delete(e.data.id);
      if (e.data.error) p.reject(p.error?.(e.data.error) ?? Object.assign(new Error(e.data.error.message), e.data.error.code ? { code: e.data.error.code } : {}));
      else p.resolve(e.data.value);
    };
    this.worker.onerror = (e: ErrorEvent) => this.fail(new Error(`${name} worker failed: ${e.message}`));
    this.worker.addEventListener("close", () => this.fail(new Error(`${name} worker exited`)));
  }

  /**
   * Unref'd while nothing is asked of it, so it never keeps a process alive;
   * ref'd while a request waits, which the caller awaits anyway. (An unref'd
   * worker that a request waits on makes Bun's event loop poll instead of
   * sleep: the main thread then burnt a core, 800 ms of CPU in 821 ms, that
   * the worker's onnxruntime threads needed.)
   */
  private idle(): void {
    if (this.pending.size === 0 && !this.dead) this.worker.unref();
  }

  private fail(err: Error): void {
    if (!this.dead) this.onDead();
    this.dead = true;
    const lost = [...this.pending.values()];
    this.pending.clear();
    this.worker.unref();
    for (const p of lost) p.reject(err);
  }

  /** Ends the worker now, failing what is in flight (a native call it is in is not waited for). */
  terminate(): void {
    if (this.dead) return;
    this.worker.terminate();
    this.fail(new Error(`${this.name} worker stopped`));
  }

  /** Posts `message` with a fresh id and resolves with the worker's answer to it. */
  request<T>(message: Record<string, unknown>, opts: RequestOptions = {}): Promise<T> {
    if (this.dead) return Promise.reject(new Error(`${this.name} worker exited`));
    if (opts.signal?.aborted) return Promise.reject(opts.signal.reason);
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      const signal = opts.signal;
      const abort = () => {
        if (!this.pending.delete(id)) return;
        this.worker.postMessage({ op: "abort", of: id });
        this.idle();
        reject(signal!.reason);
      };
      const settle = <A>(fn: (a: A) => void) => (a: A) => {
        signal?.removeEventListener("abort", abort);
        this.idle();
        fn(a);
      };
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve: settle(resolve as (v: unknown) => void), reject: settle(reject), onEvent: opts.onEvent, error: opts.error });
      signal?.addEventListener("abort", abort, { once: true });
      this.worker.postMessage({ ...message, id });
    });
  }
}
