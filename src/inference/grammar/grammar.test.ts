/**
 * The mask engine: schema preparation (what is enforced, rewritten or
 * relaxed), the hand-written number grammars checked against XGrammar's own
 * matcher string by string, and constrained decoding on the tiny random GPT-2
 * through the runtime, every output validated by ajv.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv from "ajv";
import { setSink } from "../../sys";
import { seededRandom } from "../../sys/random";
import { installTinyModels } from "../fixtures.testing";
import { InferenceRuntime } from "../runtime";
import type { TierPolicy } from "../options";
import { GrammarError, prepareSchema, schemaPattern } from ".";
import { xgrammar } from "./wasm";
import { integerRange, numberRange, type Bounds } from "./numeric";
import { randomSchemas } from "./random-schema.testing";

const ajv = new Ajv({ strict: false });

describe("patterns", () => {
  test("JSON Schema searches, XGrammar matches whole strings: anchors become explicit", () => {
    const r = (p: string) => (schemaPattern(p) as { regex: string }).regex;
    const any = '[^"\\\\\\x00-\\x1f]*';
    expect(r("^[a-z]+$")).toBe("[a-z]+");
    expect(r("^/")).toBe(`/${any}`);
    expect(r("abc$")).toBe(`${any}abc`);
    expect(r("^a|b$")).toBe(`((a)${any}|${any}(b))`);
    expect(r("^a.c$")).toBe('a[^"\\\\\\x00-\\x1f]c');
    expect(r("^[^x]$")).toBe('[^x"\\\\\\x00-\\x1f]');
    expect(r("^\\d{3}-\\d{4}$")).toBe("\\d{3}-\\d{4}");
    expect(r("^(?:ab)+$")).toBe("(ab)+");
  });

  test("what cannot be compiled safely is named", () => {
    for (const [p, why] of [["^(?=a)", "look-arounds"], ["(a)\\1", "back-references"], ['^a"b$', "quote"], ["^a\\nb$", "control"], ["\\bword", "word boundaries"]] as const) {
      const r = schemaPattern(p);
      expect("unsupported" in r && r.unsupported).toContain(why);
    }
    expect(schemaPattern("^[a-z]{1,100}$")).toEqual({ regex: "[a-z]{1,}", relaxed: "the bound {1,100} is not enforced (more than 32)" });
  });
});

describe("prepareSchema", () => {
  test("annotations go, string lengths and grammar-less keywords are relaxed with their paths", () => {
    const p = prepareSchema({
      type: "object", title: "t", description: "d",
      properties: { a: { type: "string", maxLength: 9, default: "x" }, b: { type: "integer", multipleOf: 2 }, c: { oneOf: [{ type: "string" }, { type: "null" }] }, d: { type: "string", format: "email" } },
    });
    expect(p.relaxed).toEqual(["schema.properties.a: maxLength (a length bound of 9 costs too much compile time with a large-token vocabulary)", "schema.properties.b: multipleOf (no grammar form)", "schema.properties.c: oneOf (compiled as anyOf: one branch is produced, exclusivity is not checked)"]);
    expect(p.schema).toEqual({ type: "object", properties: { a: { type: "string" }, b: { type: "integer" }, c: { anyOf: [{ type: "string" }, { type: "null" }] }, d: { type: "string", format: "email" } } });
  });

  test("string lengths are compiled when cheap for the vocabulary", () => {
    const s = { type: "string", minLength: 2, maxLength: 40 };
    expect(prepareSchema(s, "schema", { vocabSize: 326 })).toMatchObject({ schema: { type: "string", pattern: String.raw`[^"\\\x00-\x1f]{2,40}` }, relaxed: [] });
    expect(prepareSchema(s, "schema", { vocabSize: 151_669 }).relaxed).toHaveLength(2);
    expect(prepareSchema({ type: "string", minLength: 1 }, "schema", { vocabSize: 151_669 })).toMatchObject({ schema: { type: "string", minLength: 1 }, relaxed: [] });
  });

  test("bounded numbers become placeholders for hand-written rules; nullable ones keep null", () => {
    const p = prepareSchema({ type: "object", properties: { n: { type: ["integer", "null"], minimum: 0, maximum: 9 } } });
    const [name] = Object.keys(p.rules);
    expect((p.schema as any).properties.n).toEqual({ anyOf: [{ const: `__${name}__` }, { type: "null" }] });
    expect(p.rules[name!]).toBe("(\"0\" | [1-9])");
  });

  test("malformed and oversized schemas are GrammarErrors naming where", () => {
    expect(() => prepareSchema({ properties: { a: 3 } })).toThrow(GrammarError);
    expect(() => prepareSchema({ properties: { a: 3 } })).toThrow("schema.properties.a: must be a JSON Schema object or boolean");
    let deep: object = { type: "string" };
    for (let i = 0; i < 30; i++) deep = { type: "array", items: deep };
    expect(() => prepareSchema(deep)).toThrow("nested deeper than 24 levels");
  });
});

describe("number grammars (checked by XGrammar's own matcher)", () => {
  const accepts = async (rule: string, probes: string[]) => {
    const xg = await xgrammar();
    const g = await xg.Grammar.fromEBNF(`root ::= ${rule}`);
    const out: string[] = [];
    for (const s of probes) if (await xg.Testings.isGrammarAcceptString(g, s)) out.push(s);
    g.dispose();
    return out;
  };

  test("integer ranges accept exactly the integers in range", async () => {
    const rand = seededRandom(5);
    const probes = Array.from({ length: 2400 }, (_, k) => String(k - 1200));
    for (let i = 0; i < 6; i++) {
      const lo = Math.floor(rand() * 1600) - 800;
      const hi = lo + Math.floor(rand() * 1200);
      expect(await accepts(integerRange(lo, hi)!, probes)).toEqual(probes.filter((s) => Number(s) >= lo && Number(s) <= hi));
    }
    const open = integerRange(-5, Number.POSITIVE_INFINITY)!;
    expect(await accepts(open, ["-6", "-5", "-1", "0", "7", "123456789", "01"])).toEqual(["-5", "-1", "0", "7", "123456789"]);
  }, 120_000);

  test("number ranges accept only values in range (a sound subset: integers and decimals whose unit cell fits)", async () => {
    const probes = [];
    for (let x = -130; x <= 130; x++) probes.push(String(x / 10), ...(x % 10 === 0 ? [] : [(x / 10).toFixed(3)]));
    const cases: Bounds[] = [{ minimum: 6, maximum: 11 }, { minimum: -2.5, exclusiveMaximum: 3 }, { exclusiveMinimum: -10, maximum: -3 }, { minimum: 0.5 }, { maximum: -1.5 }, { minimum: -12, maximum: 12 }];
    for (const b of cases) {
      const inRange = (v: number) => (b.minimum === undefined || v >= b.minimum) && (b.maximum === undefined || v <= b.maximum)
        && (b.exclusiveMinimum === undefined || v > b.exclusiveMinimum) && (b.exclusiveMaximum === undefined || v < b.exclusiveMaximum);
      const got = await accepts(numberRange(b)!, probes);
      expect(got.filter((s) => !inRange(Number(s)))).toEqual([]);
      // Not empty: at least the integers in range.
      expect(got.length).toBeGreaterThan(2);
    }
    expect(numberRange({ minimum: 0.1, maximum: 0.9 })).toBeUndefined();
  }, 120_000);
});

describe("constrained decoding on the tiny random GPT-2", () => {
  const dir = mkdtempSync(join(tmpdir(), "aios-grammar-test-"));
  const tier = (over: Partial<TierPolicy> = {}): TierPolicy => ({ name: "", alwaysLoaded: false, loadOnDemand: true, maxTokens: 512, temperature: 0, idleMs: 0, ...over });
  let rt: InferenceRuntime;
  const previousSink = setSink(() => {});
  beforeAll(async () => {
    await installTinyModels(dir, ["tiny-random-gpt2"]);
    rt = new InferenceRuntime({
      roots: [{ dir, origin: "image" }], runtimeDir: dir, budgetMb: 1000, queueLength: 8, concurrency: 1, threads: 1, embedding: "",
      tiers: { operational: tier(), tactical: tier({ name: "tiny-random-gpt2" }) },
    });
  }, 60_000);
  afterAll(async () => {
    await rt.close();
    setSink(previousSink);
    rmSync(dir, { recursive: true, force: true });
  });

  test("schemas with enums, nested objects, arrays, bounded numbers and patterns: every output validates", async () => {
    const bad: string[] = [];
    for (const [i, schema] of randomSchemas(99, 40).entries()) {
      const r = await rt.generate("tiny-random-gpt2", { messages: [{ role: "user", content: "JSON" }], maxTokens: 400, temperature: i % 2, seed: i, responseFormat: { type: "json_schema", schema } });
      let ok = false;
      try {
        ok = r.finishReason === "stop" && (ajv.validate(schema, JSON.parse(r.text)) as boolean);
      } catch {}
      if (!ok) bad.push(`${JSON.stringify(schema)} -> ${r.text}`);
    }
    expect(bad).toEqual([]);
  }, 300_000);

  test("a compiled grammar is cached per schema and model; the mask really constrains", async () => {
    const schema = { type: "object", properties: { level: { enum: ["low", "high"] } }, required: ["level"], additionalProperties: false };
    const first = await rt.generate("tiny-random-gpt2", { messages: [{ role: "user", content: "x" }], maxTokens: 50, responseFormat: { type: "json_schema", schema } });
    const again = await rt.generate("tiny-random-gpt2", { messages: [{ role: "user", content: "x" }], maxTokens: 50, responseFormat: { type: "json_schema", schema } });
    expect(["{\"level\":\"low\"}", "{\"level\":\"high\"}"]).toContain(first.text);
    expect(again.text).toBe(first.text);
    expect(again.timings!.compileMs).toBeLessThan(first.timings!.compileMs);
    const free = await rt.generate("tiny-random-gpt2", { messages: [{ role: "user", content: "x" }], maxTokens: 12 });
    expect(free.text).not.toBe(first.text);
  });

  test("strict refuses what the grammar would relax", async () => {
    const err = await rt.generate("tiny-random-gpt2", { messages: [{ role: "user", content: "x" }], maxTokens: 5, responseFormat: { type: "json_schema", schema: { type: "string", maxLength: 1000 }, strict: true } }).catch((e) => e);
    expect(err).toBeInstanceOf(GrammarError);
    expect(err.field).toBe("response_format.json_schema.schema");
  });
});
