/**
 * The grammar worker's state (worker.ts): XGrammar objects by handle. A
 * handle is a number the main thread holds; the WASM objects never leave
 * this thread, since XGrammar cannot serialise a compiled grammar.
 *
 * Compilation runs synchronously inside WASM (about a second for the whole
 * tool registry over a 150k-token vocabulary): here it blocks this thread
 * only, never PID 1's event loop.
 */
import type { GrammarCompiler, GrammarMatcher, TokenizerInfo, CompiledGrammar } from "@mlc-ai/web-xgrammar";
import type { PreparedSchema } from "./schema";
import type { VocabInfo } from "./vocab";
import { shareGrammar } from "./share";
import { xgrammar } from "./wasm";

type Held =
  | { kind: "compiler"; info: TokenizerInfo; compiler: GrammarCompiler }
  | { kind: "grammar"; grammar: CompiledGrammar }
  | { kind: "matcher"; matcher: GrammarMatcher };

/** What a matcher says after a token: whether it took it, whether it is done, and otherwise its next mask. */
export interface Step {
  ok: boolean;
  terminated: boolean;
  mask?: Int32Array;
}

/**
 * A vocabulary as it crosses to the worker: its tokens as one JSON string,
 * since posting 150k strings as an array costs the main thread ~190 ms of
 * structured cloning and one string ~40 ms of JSON.stringify.
 */
export type WireVocab = Omit<VocabInfo, "tokens"> & { tokens: string };

export class GrammarCore {
  private readonly held = new Map<number, Held>();
  private next = 1;

  private put(h: Held): number {
    const id = this.next++;
    this.held.set(id, h);
    return id;
  }

  private get<K extends Held["kind"]>(id: number, kind: K): Extract<Held, { kind: K }> {
    const h = this.held.get(id);
    if (!h || h.kind !== kind) throw new Error(`grammar worker: no ${kind} ${id} (freed?)`);
    return h as Extract<Held, { kind: K }>;
  }

  /** Instantiates the WASM module (every other op does too, on first use). */
  async load(): Promise<void> {
    await xgrammar();
  }

  /** A tokenizer info and a compiler over one model's vocabulary. */
  async compiler(vocab: WireVocab): Promise<number> {
    const xg = await xgrammar();
    const info = await xg.TokenizerInfo.createTokenizerInfo(JSON.parse(vocab.tokens) as string[], vocab.type, vocab.prependSpace, vocab.size, vocab.stopIds);
    // XGrammar's own cache is unbounded; the main thread's evicts and frees.
    const compiler = await xg.GrammarCompiler.createGrammarCompiler(info, false);
    return this.put({ kind: "compiler", info, compiler });
  }

  async compileEbnf(compiler: number, ebnf: string): Promise<number> {
    return this.put({ kind: "grammar", grammar: await this.get(compiler, "compiler").compiler.compileGrammar(ebnf, "root") });
  }

  async compileTag(compiler: number, tag: string): Promise<number> {
    return this.put({ kind: "grammar", grammar: await this.get(compiler, "compiler").compiler.compileStructuralTag(tag) });
  }

  /**
   * A prepared schema as compact JSON in EBNF (no free whitespace, so a model
   * cannot stall in it), with the hand-written number rules spliced in.
   */
  async ebnf(prepared: PreparedSchema): Promise<string> {
    const xg = await xgrammar();
    let ebnf = await xg.Testings._jsonSchemaToEBNF(JSON.stringify(prepared.schema), false, -1, [",", ":"], true);
    // Equal bounds (every port, say) share one rule: XGrammar compiles each rule's positions once.
    const byBody = new Map<string, string>();
    for (const [name, body] of Object.entries(prepared.rules)) {
      const literal = `"\\"__${name}__\\""`;
      if (!ebnf.includes(literal)) throw new Error(`grammar: placeholder ${name} not found in XGrammar's output (XGrammar changed?)`);
      const same = byBody.get(body);
      if (same) ebnf = ebnf.replaceAll(literal, same);
      else {
        byBody.set(body, name);
        ebnf = `${ebnf.replaceAll(literal, name)}\n${name} ::= ${body}`;
      }
    }
    return shareGrammar(ebnf);
  }

  /** A matcher over a compiled grammar, with its first mask. */
  async matcher(grammar: number): Promise<{ id: number; mask: Int32Array }> {
    const xg = await xgrammar();
    const matcher = await xg.GrammarMatcher.createGrammarMatcher(this.get(grammar, "grammar").grammar);
    const id = this.put({ kind: "matcher", matcher });
    return { id, mask: await matcher.getNextTokenBitmask() };
  }

  /**
   * Advances a matcher past `token` and, unless it refused the token or the
   * grammar has ended (XGrammar aborts on a mask asked of a terminated
   * matcher), computes its next mask: one answer per generated token.
   */
  async step(matcher: number, token: number): Promise<Step> {
    const m = this.get(matcher, "matcher").matcher;
    const ok = m.acceptToken(token);
    const terminated = m.isTerminated();
    return ok && !terminated ? { ok, terminated, mask: await m.getNextTokenBitmask() } : { ok, terminated };
  }

  free(id: number): void {
    const h = this.held.get(id);
    if (!h) return;
    this.held.delete(id);
    if (h.kind === "compiler") {
      h.compiler.dispose();
      h.info.dispose();
    } else if (h.kind === "grammar") h.grammar.dispose();
    else h.matcher.dispose();
  }
}

export type CoreOp = "load" | "compiler" | "compileEbnf" | "compileTag" | "ebnf" | "matcher" | "step" | "free";
