/**
 * Constrained decoding's main-thread side: one model's grammars (GrammarCache)
 * and per-generation matchers (TokenMask), over XGrammar in the grammar
 * worker (worker.ts, core.ts).
 *
 * Why a worker: XGrammar compiles synchronously inside WASM, and building a
 * 150k-token vocabulary's tokenizer info or the whole registry's plan grammar
 * held PID 1's event loop for over a second (measured by bench-decoding's
 * "longest pause" rows). The worker is started on the first constrained
 * request, so a boot that never constrains never instantiates the WASM
 * module, and it is unref'd: it never keeps a process alive. A mask crosses
 * as a 19 KB transfer, computed while the model runs its forward pass.
 */
import { log } from "../../sys";
import type { CoreOp, Step, WireVocab } from "./core";
import type { PreparedSchema } from "./schema";
import type { VocabInfo } from "./vocab";

export { vocabInfo, type VocabInfo } from "./vocab";

/** Where the worker's module is: beside this file from source; in aios-init, embedded under the entry's folder (src/) by build/compile.ts. */
function workerUrl(): string {
  return import.meta.url.includes("/$bunfs/") ? "file:///$bunfs/root/inference/grammar/worker.ts" : new URL("./worker.ts", import.meta.url).href;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/** The one grammar worker of this process, with its calls in flight. */
class GrammarWorker {
  private readonly pending = new Map<number, Pending>();
  private seq = 0;
  private readonly worker: Worker;
  dead = false;

  constructor() {
    this.worker = new Worker(workerUrl());
    this.worker.unref();
    this.worker.onmessage = (e: MessageEvent<{ id: number; value?: unknown; error?: { message: string } }>) => {
      const p = this.pending.get(e.data.id);
      if (!p) return;
      this.pending.delete(e.data.id);
      if (e.data.error) p.reject(new Error(e.data.error.message));
      else p.resolve(e.data.value);
    };
    // A worker that fails to start or dies fails every call in flight; the next request starts another.
    this.worker.onerror = (e: ErrorEvent) => this.fail(new Error(`grammar worker failed: ${e.message}`));
    this.worker.addEventListener("close", () => this.fail(new Error("grammar worker exited")));
  }

  private fail(err: Error): void {
    this.dead = true;
    if (running === this) running = undefined;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  call<T>(op: CoreOp, ...args: unknown[]): Promise<T> {
    if (this.dead) return Promise.reject(new Error("grammar worker exited"));
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, op, args });
    });
  }

  /** Accepts a token; the next mask is a second answer, computed after the first is sent. */
  step(matcher: number, token: number): [Promise<Step>, Promise<Int32Array>] {
    if (this.dead) {
      const gone = Promise.reject(new Error("grammar worker exited"));
      return [gone, gone];
    }
    const id = ++this.seq;
    const maskId = ++this.seq;
    const answer = <T,>(key: number) => new Promise<T>((resolve, reject) => this.pending.set(key, { resolve: resolve as (v: unknown) => void, reject }));
    const accepted = answer<Step>(id);
    const mask = answer<{ mask: Int32Array }>(maskId).then((r) => r.mask);
    this.worker.postMessage({ id, op: "accept", args: [matcher, token], maskId });
    return [accepted, mask];
  }

  /** Frees a handle; nothing waits for it. */
  free(id: number): void {
    if (!this.dead) this.call("free", id).catch(() => {});
  }
}

let running: GrammarWorker | undefined;
let loadMs: number | undefined;

function grammarWorker(): GrammarWorker {
  if (!running) {
    running = new GrammarWorker();
    const started = performance.now();
    const w = running;
    void w.call("load").then(() => {
      loadMs = performance.now() - started;
      log.info(`models: grammar engine (XGrammar WASM, its own thread) loaded in ${Math.round(loadMs)} ms`);
    }, () => {});
  }
  return running;
}

/** How long starting the grammar worker took, once it has been (ms). */
export function xgrammarLoadMs(): number | undefined {
  return loadMs;
}

/** A compiled grammar, held by the grammar worker. */
export interface CompiledGrammar {
  readonly handle: number;
}

/** One model's grammar state: a compiler over its vocabulary and a bounded cache of compiled grammars. */
export class GrammarCache {
  private readonly compiled = new Map<string, Promise<CompiledGrammar>>();
  private constructor(private readonly worker: GrammarWorker, private readonly compiler: number, readonly vocab: VocabInfo, readonly limit: number) {}

  static async create(vocab: VocabInfo, limit = 16): Promise<GrammarCache> {
    const w = grammarWorker();
    // A turn of the loop between the caller's vocabInfo and the stringify, each tens of ms.
    await new Promise((r) => setImmediate(r));
    const wire: WireVocab = { ...vocab, tokens: JSON.stringify(vocab.tokens) };
    return new GrammarCache(w, await w.call<number>("compiler", wire), vocab, limit);
  }

  get size(): number {
    return this.compiled.size;
  }

  has(key: string): boolean {
    return this.compiled.has(key);
  }

  /** The grammar cached under `key`, built (and cached) on a miss. */
  get(key: string, build: () => Promise<CompiledGrammar>): Promise<CompiledGrammar> {
    const hit = this.compiled.get(key);
    if (hit) {
      // Least recently used last out: re-insert on every hit.
      this.compiled.delete(key);
      this.compiled.set(key, hit);
      return hit;
    }
    const pending = build();
    this.compiled.set(key, pending);
    pending.catch(() => this.compiled.delete(key));
    while (this.compiled.size > this.limit) {
      const [oldest, grammar] = this.compiled.entries().next().value!;
      this.compiled.delete(oldest);
      void grammar.then((g) => this.worker.free(g.handle), () => {});
    }
    return pending;
  }

  /** Compiles an EBNF grammar (root rule `root`); callers cache with get(). */
  async compileEbnf(ebnf: string): Promise<CompiledGrammar> {
    return { handle: await this.worker.call<number>("compileEbnf", this.compiler, ebnf) };
  }

  /** Compiles a structural tag (tool-call formats: literal markers around JSON grammars). */
  async compileTag(tag: object): Promise<CompiledGrammar> {
    return { handle: await this.worker.call<number>("compileTag", this.compiler, JSON.stringify(tag)) };
  }

  /** A prepared schema's grammar, cached per schema. */
  schema(prepared: PreparedSchema): Promise<CompiledGrammar> {
    return this.get(`schema:${JSON.stringify(prepared.schema)}:${JSON.stringify(prepared.rules)}`, async () => this.compileEbnf(await this.ebnf(prepared)));
  }

  /** A prepared schema as compact JSON in EBNF, number rules spliced in (core.ts). */
  ebnf(prepared: PreparedSchema): Promise<string> {
    return this.worker.call<string>("ebnf", prepared);
  }

  async matcher(grammar: CompiledGrammar): Promise<TokenMask> {
    const { id, mask } = await this.worker.call<{ id: number; mask: Int32Array }>("matcher", grammar.handle);
    return new TokenMask(this.worker, id, mask, this.vocab.size);
  }

  dispose(): void {
    for (const g of this.compiled.values()) void g.then((x) => this.worker.free(x.handle), () => {});
    this.compiled.clear();
    this.worker.free(this.compiler);
  }
}

/**
 * A matcher over one generation: masks logits, follows the accepted tokens,
 * says when the grammar is done. Accepting a token asks the worker for the
 * next mask at once, without waiting for it: the worker computes it while
 * the model runs its next forward pass, and apply() waits only for what is
 * left of it.
 */
export class TokenMask {
  /** Time spent waiting for the worker and applying masks (ms), for benchmarks. */
  maskMs = 0;
  private done = false;
  private next: Promise<Int32Array> | undefined;
  constructor(private readonly worker: GrammarWorker, private readonly id: number, first: Int32Array, readonly size: number) {
    this.next = Promise.resolve(first);
  }

  /** Sets every logit the grammar forbids next to -Infinity. */
  async apply(logits: Float32Array): Promise<void> {
    const started = performance.now();
    if (!this.next) throw new Error("grammar: a mask was asked for after the grammar ended or refused a token");
    const mask = await this.next;
    const n = logits.length;
    // Logits past the grammar's vocabulary (padding rows) are never allowed.
    if (n > mask.length * 32) logits.fill(Number.NEGATIVE_INFINITY, mask.length * 32);
    for (let w = 0; w < mask.length; w++) {
      const bits = mask[w]!;
      if (bits === -1) continue;
      const base = w * 32;
      if (bits === 0) {
        // Most of a structural state's vocabulary is forbidden: fill whole runs at once.
        let last = w;
        while (last + 1 < mask.length && mask[last + 1] === 0) last++;
        logits.fill(Number.NEGATIVE_INFINITY, base, Math.min((last + 1) * 32, n));
        w = last;
        continue;
      }
      const end = Math.min(base + 32, n);
      for (let i = base; i < end; i++) if (((bits >>> (i - base)) & 1) === 0) logits[i] = Number.NEGATIVE_INFINITY;
    }
    this.maskMs += performance.now() - started;
  }

  /** Advances past `token`; false if the grammar does not allow it. */
  async accept(token: number): Promise<boolean> {
    const started = performance.now();
    // The worker answers the accept, then starts on the next mask.
    const [accepted, next] = this.worker.step(this.id, token);
    next.catch(() => {});
    const step = await accepted;
    this.maskMs += performance.now() - started;
    this.done = step.terminated;
    this.next = step.ok && !step.terminated ? next : undefined;
    return step.ok;
  }

  get terminated(): boolean {
    return this.done;
  }

  dispose(): void {
    this.worker.free(this.id);
  }
}
