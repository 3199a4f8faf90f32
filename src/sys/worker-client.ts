/**
 * The main-thread side of a worker thread that answers requests one by one:
 * each request is posted as `{ id, ...message }` and answered `{ id, value }`
 * or `{ id, error: { message, code? } }`. The grammar worker (XGrammar) and
 * the syncfs worker use it. The worker is unref'd (it never keeps a process
 * alive); one that fails to start or dies fails every request in flight and
 * is dead from then on, so its owner starts another on the next request.
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
}

type Answer = { id: number; value?: unknown; error?: { message: string; code?: string } };

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
      this.pending.delete(e.data.id);
      if (e.data.error) p.reject(Object.assign(new Error(e.data.error.message), e.data.error.code ? { code: e.data.error.code } : {}));
      else p.resolve(e.data.value);
    };
    this.worker.onerror = (e: ErrorEvent) => this.fail(new Error(`${name} worker failed: ${e.message}`));
    this.worker.addEventListener("close", () => this.fail(new Error(`${name} worker exited`)));
  }

  private fail(err: Error): void {
    if (!this.dead) this.onDead();
    this.dead = true;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  /** Posts `message` with a fresh id and resolves with the worker's answer to it. */
  request<T>(message: Record<string, unknown>): Promise<T> {
    if (this.dead) return Promise.reject(new Error(`${this.name} worker exited`));
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...message, id });
    });
  }
}
