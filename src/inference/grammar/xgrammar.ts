/**
 * XGrammar (`@mlc-ai/web-xgrammar`, its WASM build; the WASM is inlined in
 * the package's JavaScript, so `bun build --compile` embeds it with no extra
 * file) over one model's vocabulary: the tokenizer info, a compiler, compiled
 * grammars cached per constraint, and matchers that mask logits token by
 * token. The package is imported on the first constrained request only, so a
 * boot that never constrains never instantiates the WASM module.
 *
 * Compilation runs synchronously inside WASM, on the event loop: schema.ts
 * keeps what reaches it cheap (no per-length string bounds), LIMITS bounds
 * its size, and the cache makes it a one-time cost per constraint and model.
 */
import type { CompiledGrammar, GrammarCompiler, GrammarMatcher, TokenizerInfo } from "@mlc-ai/web-xgrammar";
import { log } from "../../sys";
import type { PreparedSchema } from "./schema";

type XGrammar = typeof import("@mlc-ai/web-xgrammar").default;

let loading: Promise<XGrammar> | undefined;
let loadMs: number | undefined;

/** The XGrammar module, instantiated once per process on first use. */
export function xgrammar(): Promise<XGrammar> {
  loading ??= (async () => {
    const started = performance.now();
    const mod = await import("@mlc-ai/web-xgrammar");
    const xg = (mod.default ?? mod) as XGrammar;
    // Instantiates the WASM binding (every entry point awaits it).
    (await xg.Grammar.builtinJSONGrammar()).dispose();
    loadMs = performance.now() - started;
    log.info(`models: grammar engine (XGrammar WASM) loaded in ${Math.round(loadMs)} ms`);
    return xg;
  })().catch((err) => {
    loading = undefined;
    throw err;
  });
  return loading;
}

/** How long instantiating XGrammar took, once it has been (ms). */
export function xgrammarLoadMs(): number | undefined {
  return loadMs;
}

/** What a tokenizer.json says about how its tokens decode (XGrammar's vocab_type). */
export interface VocabInfo {
  /** Token strings by id, as the tokenizer stores them ("Ġthe", "▁the", "<0x0A>"). "" marks a token never to be produced. */
  tokens: string[];
  type: "byte_level" | "byte_fallback" | "raw";
  prependSpace: boolean;
  /** The width of the model's logits (config.vocab_size), which may exceed tokens.length. */
  size: number;
  stopIds: number[];
}

type TokenizerJson = {
  model?: { type?: string; vocab?: Record<string, number> | Array<[string, number]> };
  added_tokens?: Array<{ id: number; content: string; special?: boolean }>;
  decoder?: { type?: string; decoders?: Array<{ type?: string; content?: string }> } | null;
  normalizer?: { type?: string; prepend?: string; normalizers?: Array<{ type?: string; prepend?: string }> } | null;
  pre_tokenizer?: { type?: string; prepend_scheme?: string; add_prefix_space?: boolean; pretokenizers?: Array<{ type?: string; prepend_scheme?: string; add_prefix_space?: boolean }> } | null;
};

/**
 * The vocabulary XGrammar needs, from the tokenizer.json a model ships.
 * Special added tokens are blanked (never produced inside a constrained
 * output) except those in `keep`, the markers a tool-call format writes.
 */
export function vocabInfo(json: TokenizerJson, size: number, stopIds: number[], keep: ReadonlySet<string> = new Set()): VocabInfo {
  const tokens: string[] = [];
  const vocab = json.model?.vocab;
  if (Array.isArray(vocab)) vocab.forEach(([t], i) => (tokens[i] = t));
  else if (vocab) for (const [t, id] of Object.entries(vocab)) tokens[id] = t;
  for (const a of json.added_tokens ?? []) tokens[a.id] = a.special && !keep.has(a.content) ? "" : a.content;
  for (let i = 0; i < tokens.length; i++) tokens[i] ??= "";
  const decoders = [json.decoder, ...(json.decoder?.decoders ?? [])].map((d) => d?.type);
  const type = decoders.includes("ByteLevel") ? "byte_level" : decoders.includes("ByteFallback") ? "byte_fallback" : "raw";
  const pre = [json.pre_tokenizer, ...(json.pre_tokenizer?.pretokenizers ?? [])];
  const norm = [json.normalizer, ...(json.normalizer?.normalizers ?? [])];
  const prependSpace = pre.some((p) => p?.type === "Metaspace" && (p.prepend_scheme === "always" || p.prepend_scheme === "first" || p.add_prefix_space === true))
    || norm.some((n) => n?.type === "Prepend" && n.prepend === "▁");
  return { tokens, type, prependSpace, size: Math.max(size, tokens.length), stopIds };
}

/** One model's grammar state: its tokenizer info, a compiler and a bounded cache of compiled grammars. */
export class GrammarCache {
  private readonly compiled = new Map<string, Promise<CompiledGrammar>>();
  private constructor(private readonly xg: XGrammar, private readonly info: TokenizerInfo, private readonly compiler: GrammarCompiler, readonly vocab: VocabInfo, readonly limit: number) {}

  static async create(vocab: VocabInfo, limit = 16): Promise<GrammarCache> {
    const xg = await xgrammar();
    const info = await xg.TokenizerInfo.createTokenizerInfo(vocab.tokens, vocab.type, vocab.prependSpace, vocab.size, vocab.stopIds);
    // XGrammar's own cache is unbounded; ours evicts and frees.
    const compiler = await xg.GrammarCompiler.createGrammarCompiler(info, false);
    return new GrammarCache(xg, info, compiler, vocab, limit);
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
      void grammar.then((g) => g.dispose(), () => {});
    }
    return pending;
  }

  /** Compiles an EBNF grammar (root rule `root`); callers cache with get(). */
  compileEbnf(ebnf: string): Promise<CompiledGrammar> {
    return this.compiler.compileGrammar(ebnf, "root");
  }

  /** Compiles a structural tag (tool-call formats: literal markers around JSON grammars). */
  compileTag(tag: object): Promise<CompiledGrammar> {
    return this.compiler.compileStructuralTag(JSON.stringify(tag));
  }

  /** A prepared schema's grammar, cached per schema. */
  schema(prepared: PreparedSchema): Promise<CompiledGrammar> {
    return this.get(`schema:${JSON.stringify(prepared.schema)}:${JSON.stringify(prepared.rules)}`, async () => this.compileEbnf(await this.ebnf(prepared)));
  }

  /**
   * A prepared schema as compact JSON in EBNF (no free whitespace, so a model
   * cannot stall in it), with the hand-written number rules spliced in.
   */
  async ebnf(prepared: PreparedSchema): Promise<string> {
    let ebnf = await this.xg.Testings._jsonSchemaToEBNF(JSON.stringify(prepared.schema), false, -1, [",", ":"], true);
    for (const [name, body] of Object.entries(prepared.rules)) {
      const literal = `"\\"__${name}__\\""`;
      if (!ebnf.includes(literal)) throw new Error(`grammar: placeholder ${name} not found in XGrammar's output (XGrammar changed?)`);
      ebnf = `${ebnf.replaceAll(literal, name)}\n${name} ::= ${body}`;
    }
    return ebnf;
  }

  async matcher(grammar: CompiledGrammar): Promise<TokenMask> {
    return new TokenMask(await this.xg.GrammarMatcher.createGrammarMatcher(grammar), this.vocab.size);
  }

  dispose(): void {
    for (const g of this.compiled.values()) void g.then((x) => x.dispose(), () => {});
    this.compiled.clear();
    this.compiler.dispose();
    this.info.dispose();
  }
}

/** A matcher over one generation: masks logits, follows the accepted tokens, says when the grammar is done. */
export class TokenMask {
  /** Time spent computing and applying masks (ms), for benchmarks. */
  maskMs = 0;
  constructor(private readonly matcher: GrammarMatcher, readonly size: number) {}

  /** Sets every logit the grammar forbids next to -Infinity. */
  async apply(logits: Float32Array): Promise<void> {
    const started = performance.now();
    const mask = await this.matcher.getNextTokenBitmask();
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
  accept(token: number): boolean {
    return this.matcher.acceptToken(token);
  }

  get terminated(): boolean {
    return this.matcher.isTerminated();
  }

  dispose(): void {
    this.matcher.dispose();
  }
}
