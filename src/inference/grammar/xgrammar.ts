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
 *
 * Why postMessage and not a SharedArrayBuffer with Atomics: measured here, a
 * round trip with a 19 KB transfer is ~0.02 ms either way, and with the mask
 * computed during the forward pass the round trip is off the decoder's
 * critical path; what remained there was applying the mask (see apply()).
 */
import { log, WorkerClient, workerUrl } from "../../sys";
import type { CoreOp, Step, WireVocab } from "./core";
import type { PreparedSchema } from "./schema";
import type { VocabInfo } from "./vocab";

export { vocabInfo, type VocabInfo } from "./vocab";

/** The one grammar worker of this process (its requests are `{ op, args }`: worker.ts). */
class GrammarWorker {
  private readonly client: WorkerClient;

  constructor() {
    this.client = new WorkerClient(workerUrl(import.meta.url, "./worker.ts", "inference/grammar/worker.ts"), "grammar", () => {
      if (running === this) running = undefined;
    });
  }

  get dead(): boolean {
    return this.client.dead;
  }

  call<T>(op: CoreOp, ...args: unknown[]): Promise<T> {
    return this.client.request<T>({ op, args });
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
  /** The tokens that end a grammar (XGrammar's stop tokens); empty when XGrammar was left to find them itself. */
  private readonly stops: ReadonlySet<number>;
  private constructor(private readonly worker: GrammarWorker, private readonly compiler: number, readonly vocab: VocabInfo, readonly limit: number) {
    this.stops = new Set(vocab.stopIds);
  }

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
    return new TokenMask(this.worker, id, mask, this.vocab.size, this.stops);
  }

  dispose(): void {
    for (const g of this.compiled.values()) void g.then((x) => this.worker.free(x.handle), () => {});
    this.compiled.clear();
    this.worker.free(this.compiler);
  }
}

/**
 * A matcher over one generation: masks logits, follows the accepted tokens,
 * says when the grammar is done.
 *
 * One worker message per token: accept() sends the token, and the answer
 * (taken or refused, ended or not) comes back with the next mask, which the
 * worker computes while the model runs its next forward pass. A decoder need
 * not wait for that answer before the forward pass unless the token may end
 * the grammar (mayEnd()): apply() waits for what is left of it, and throws if
 * the matcher refused the token.
 */
export class TokenMask {
  /** Time spent waiting for the worker and applying masks (ms), for benchmarks. */
  maskMs = 0;
  private done = false;
  private readonly scratch = { ids: new Int32Array(0) };
  /** The answer to the last token sent (with the next mask), or the first mask. */
  private next: Promise<Step & { token?: number }>;
  constructor(private readonly worker: GrammarWorker, private readonly id: number, first: Int32Array, readonly size: number, private readonly stops: ReadonlySet<number> = new Set()) {
    this.next = Promise.resolve({ ok: true, terminated: false, mask: first });
  }

  /** Sets every logit the grammar forbids next to -Infinity. */
  async apply(logits: Float32Array): Promise<void> {
    const started = performance.now();
    const step = await this.next;
    if (!step.ok) throw new Error(`grammar: token ${step.token} was allowed by the mask and refused by the matcher`);
    if (!step.mask) throw new Error("grammar: a mask was asked for after the grammar ended");
    applyMask(step.mask, logits);
    this.maskMs += performance.now() - started;
  }

  /**
   * Narrows `logits` to what the grammar allows next, for a Sampler: a
   * sparse mask's allowed ids (the row left as it is, unread past them), or
   * undefined with every forbidden logit set to -Infinity (apply()). The ids
   * are valid until the next call.
   */
  async narrow(logits: Float32Array): Promise<Int32Array | undefined> {
    const started = performance.now();
    const step = await this.next;
    if (!step.ok) throw new Error(`grammar: token ${step.token} was allowed by the mask and refused by the matcher`);
    if (!step.mask) throw new Error("grammar: a mask was asked for after the grammar ended");
    const ids = sparseIds(step.mask, logits.length, this.scratch);
    if (!ids) applyMask(step.mask, logits);
    this.maskMs += performance.now() - started;
    return ids;
  }

  /**
   * Sends `token` to the matcher; resolves to whether it took it. The worker
   * starts on the next mask at once.
   */
  accept(token: number): Promise<boolean> {
    const started = performance.now();
    const answer = this.worker.call<Step>("step", this.id, token).then((s) => {
      this.done = s.terminated;
      return { ...s, token };
    });
    // Awaited by accept's caller or by the next apply(); never an unhandled rejection.
    answer.catch(() => {});
    this.next = answer;
    this.maskMs += performance.now() - started;
    const ok = answer.then((s) => s.ok);
    // A decoder may leave this answer to apply() (see mayEnd()): handled, though its caller still sees a failure.
    ok.catch(() => {});
    return ok;
  }

  /**
   * Whether accepting `token` may end the grammar: only XGrammar's stop
   * tokens do (every token, when the model names none). A decoder waits for
   * accept() on these before another forward pass, and on no others.
   */
  mayEnd(token: number): boolean {
    return this.stops.size === 0 || this.stops.has(token);
  }

  /** Whether the grammar has ended; known once the answer to the token that ended it is in. */
  get terminated(): boolean {
    return this.done;
  }

  dispose(): void {
    this.worker.free(this.id);
  }
}

const NEG = Number.NEGATIVE_INFINITY;

/**
 * A mask is sparse when at most one 32-token word in this many allows
 * anything: JSON's structure (a brace, a key's quote, an enum's values)
 * allows a few hundred tokens of 150k, a string's inside most of them.
 * Listing a sparse mask's ids costs less than masking the row it leaves
 * out; listing a dense one would cost more than masking it (measured by
 * bench-decoding, see sparseIds()).
 */
const SPARSE_WORDS = 8;

/**
 * The ids a bitmask allows below `n`, ascending, into `out` (grown as
 * needed), or undefined when the mask is not sparse (see SPARSE_WORDS).
 */
export function sparseIds(mask: Int32Array, n: number, out: { ids: Int32Array }): Int32Array | undefined {
  const words = Math.min(mask.length, Math.ceil(n / 32));
  let live = 0;
  for (let w = 0; w < words; w++) if (mask[w] !== 0) live++;
  if (live * SPARSE_WORDS > words) return undefined;
  if (out.ids.length < live * 32) out.ids = new Int32Array(Math.max(live * 32, 1024));
  const ids = out.ids;
  let count = 0;
  for (let w = 0; w < words; w++) {
    const bits = mask[w]!;
    if (bits === 0) continue;
    const base = w << 5;
    // Set bits lowest first: `b & -b` is the lowest, clz32 its position.
    for (let b = bits; b !== 0; b &= b - 1) {
      const i = base + 31 - Math.clz32(b & -b);
      if (i < n) ids[count++] = i;
    }
  }
  return ids.subarray(0, count);
}

/**
 * Sets the logits a bitmask forbids (bit i of word w clear: token 32w + i)
 * to -Infinity. Words of all ones are skipped and runs of zero words filled
 * at once; in a mixed word only the clear bits are visited, lowest first.
 * Measured over 300 masks of the plan grammar and a long string (half the
 * words mixed: inside a string most tokens are allowed), 0.015 ms median
 * against 0.097 ms for a loop over all 32 bits of each mixed word.
 */
export function applyMask(mask: Int32Array, logits: Float32Array): void {
  const n = logits.length;
  const words = mask.length;
  // Logits past the grammar's vocabulary (padding rows) are never allowed.
  if (n > words * 32) logits.fill(NEG, words * 32);
  for (let w = 0; w < words; w++) {
    const bits = mask[w]!;
    if (bits === -1) continue;
    const base = w << 5;
    if (bits === 0) {
      let end = w + 1;
      while (end < words && mask[end] === 0) end++;
      logits.fill(NEG, base, Math.min(end << 5, n));
      w = end - 1;
      continue;
    }
    for (let off = ~bits; off !== 0; off &= off - 1) {
      const i = base + 31 - Math.clz32(off & -off);
      if (i < n) logits[i] = NEG;
    }
  }
}
