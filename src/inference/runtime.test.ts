/**
 * The runtime on the tiny generated models, through the real engine
 * (transformers.js pipeline() + onnxruntime-node): load on demand, LRU
 * eviction under the budget, idle unload, pinning, limits, cancellation.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BudgetError, CancelledError, LimitError, ModelNotFoundError, NotLoadedError, TaskMismatchError } from "./errors";
import { installTinyModels } from "./fixtures.testing";
import type { RuntimeOptions, TierPolicy } from "./options";
import { InferenceRuntime, type Event } from "./runtime";

const dir = mkdtempSync(join(tmpdir(), "aios-runtime-test-"));
const tier = (over: Partial<TierPolicy> = {}): TierPolicy => ({ name: "", alwaysLoaded: false, loadOnDemand: true, maxTokens: 64, temperature: 0, idleMs: 0, ...over });

function runtime(over: Partial<RuntimeOptions> = {}): InferenceRuntime {
  return new InferenceRuntime({
    roots: [{ dir, origin: "imported" }], runtimeDir: dir, budgetMb: 1000, queueLength: 8, concurrency: 1, threads: 1, embedding: "",
    tiers: { operational: tier(), tactical: tier() }, ...over,
  });
}

function events(rt: InferenceRuntime): Event[] {
  const seen: Event[] = [];
  rt.on((e) => seen.push(e));
  return seen;
}

beforeAll(async () => {
  await installTinyModels(dir);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("registry and loading", () => {
  test("lists the installed models without loading anything", () => {
    const rt = runtime();
    const names = rt.list().map((m) => [m.name, m.task, m.tier, m.loaded]);
    expect(names).toEqual([
      ["tiny-random-bert", "embed", "operational", false],
      ["tiny-random-bert-classifier", "classify", "operational", false],
      ["tiny-random-gpt2", "generate", "tactical", false],
    ]);
    expect(rt.status().loaded).toEqual([]);
  });

  test("loads a model on first use, and only once", async () => {
    const rt = runtime();
    const seen = events(rt);
    const [a, b] = await Promise.all([rt.embed("tiny-random-bert", ["hello world"]), rt.embed("tiny-random-bert", ["the kernel"])]);
    expect(a.vectors[0]!.length).toBe(32);
    expect(b.tokens).toBeGreaterThan(2);
    expect(seen.filter((e) => e.type === "load").map((e) => e.model)).toEqual(["tiny-random-bert"]);
    expect(rt.list().find((m) => m.name === "tiny-random-bert")!.loaded).toBe(true);
    await rt.close();
    expect(seen.at(-1)).toMatchObject({ type: "unload", model: "tiny-random-bert" });
  });

  test("embeddings are L2-normalised and differ between texts", async () => {
    const rt = runtime();
    const { vectors } = await rt.embed("tiny-random-bert", ["hello world", "the quick brown fox"]);
    for (const v of vectors) expect(Math.hypot(...v)).toBeCloseTo(1, 4);
    expect(Array.from(vectors[0]!)).not.toEqual(Array.from(vectors[1]!));
    await rt.close();
  });

  test("unknown model, wrong task and tier aliases", async () => {
    const rt = runtime({ tiers: { operational: tier({ name: "tiny-random-bert" }), tactical: tier() } });
    expect(() => rt.resolve("nope")).toThrow(ModelNotFoundError);
    expect(await rt.generate("tiny-random-bert", { prompt: "x" }).catch((e) => e)).toBeInstanceOf(TaskMismatchError);
    expect((await rt.embed("operational", ["alias"])).vectors).toHaveLength(1);
    expect(() => rt.resolve("tactical")).toThrow("model tactical: no model is configured for this tier (models.tactical.name)");
    await rt.close();
  });

  test("the memory budget evicts the least recently used idle model", async () => {
    // Each tiny model is estimated at 9 MiB: two fit in 20, three do not.
    const rt = runtime({ budgetMb: 20 });
    const seen = events(rt);
    await rt.embed("tiny-random-bert", ["a"]);
    await rt.classify("tiny-random-bert-classifier", ["b"]);
    await rt.embed("tiny-random-bert", ["a again"]); // the classifier is now least recently used
    await rt.generate("tiny-random-gpt2", { prompt: "c", maxTokens: 2 });
    expect(seen.filter((e) => e.type === "unload")).toEqual([
      { type: "unload", model: "tiny-random-bert-classifier", reason: "memory budget: making room for tiny-random-gpt2" },
    ]);
    expect(rt.status().loaded.map((s) => s.name).sort()).toEqual(["tiny-random-bert", "tiny-random-gpt2"]);
    expect(rt.status().usedMb).toBeLessThanOrEqual(20);
    await rt.close();
  });

  test("a model bigger than the budget is refused with BudgetError", async () => {
    const rt = runtime({ budgetMb: 5 });
    const err = await rt.embed("tiny-random-bert", ["x"]).catch((e) => e);
    expect(err).toBeInstanceOf(BudgetError);
    expect(err.message).toBe("model tiny-random-bert: needs ~9 MiB, 5 of the 5 MiB model budget can be freed (models.memory_budget_mb)");
    await rt.close();
  });

  test("an idle model is unloaded after unload_after_idle", async () => {
    const rt = runtime({ tiers: { operational: tier({ idleMs: 300 }), tactical: tier() } });
    const seen = events(rt);
    await rt.embed("tiny-random-bert", ["x"]);
    expect(rt.status().loaded).toHaveLength(1);
    await Bun.sleep(200);
    await rt.embed("tiny-random-bert", ["use resets the clock"]);
    await Bun.sleep(200);
    expect(rt.status().loaded).toHaveLength(1);
    await Bun.sleep(400);
    expect(rt.status().loaded).toHaveLength(0);
    expect(seen.at(-1)).toEqual({ type: "unload", model: "tiny-random-bert", reason: "idle for 300 ms" });
    await rt.close();
  });

  test("always_loaded pins a model: never unloaded for idleness nor evicted", async () => {
    const rt = runtime({
      budgetMb: 20,
      tiers: { operational: tier({ name: "tiny-random-bert", alwaysLoaded: true, idleMs: 20 }), tactical: tier({ idleMs: 20 }) },
    });
    await rt.load("tiny-random-bert", "models.operational.always_loaded");
    await rt.generate("tiny-random-gpt2", { prompt: "x", maxTokens: 1 });
    // The budget now holds bert (pinned) and gpt2: the classifier can only evict gpt2.
    await rt.classify("tiny-random-bert-classifier", ["y"]);
    await Bun.sleep(60);
    const loaded = rt.status().loaded;
    expect(loaded.map((s) => [s.name, s.pinned])).toEqual([["tiny-random-bert", true]]);
    await rt.close();
  });

  test("load_on_demand = false refuses to load the tier's model on a request", async () => {
    const rt = runtime({ tiers: { operational: tier(), tactical: tier({ name: "tiny-random-gpt2", loadOnDemand: false }) } });
    expect(await rt.generate("tactical", { prompt: "x" }).catch((e) => e)).toBeInstanceOf(NotLoadedError);
    await rt.load("tiny-random-gpt2");
    expect((await rt.generate("tactical", { prompt: "x", maxTokens: 1 })).completionTokens).toBe(1);
    await rt.close();
  });
});

describe("generation", () => {
  test("greedy generation is deterministic and reports usage and finish reason", async () => {
    const rt = runtime();
    const a = await rt.generate("tiny-random-gpt2", { messages: [{ role: "user", content: "Hello there" }], maxTokens: 8 });
    const b = await rt.generate("tiny-random-gpt2", { messages: [{ role: "user", content: "Hello there" }], maxTokens: 8 });
    expect(a.text).toBe(b.text);
    expect(a.completionTokens).toBe(8);
    expect(a.finishReason).toBe("length");
    expect(a.promptTokens).toBeGreaterThan(3);
    expect(a.model).toBe("tiny-random-gpt2");
    await rt.close();
  });

  test("streamed deltas add up to the final text", async () => {
    const rt = runtime();
    let streamed = "";
    const r = await rt.generate("tiny-random-gpt2", { prompt: "The kernel starts the init process", maxTokens: 24 }, { onText: (d) => (streamed += d) });
    expect(streamed).toBe(r.text);
    await rt.close();
  });

  test("max_tokens above the tier's cap and prompts beyond the context are LimitErrors", async () => {
    const rt = runtime();
    const over = await rt.generate("tiny-random-gpt2", { prompt: "x", maxTokens: 65 }).catch((e) => e);
    expect(over).toBeInstanceOf(LimitError);
    expect(over.field).toBe("max_tokens");
    const long = await rt.generate("tiny-random-gpt2", { prompt: "word ".repeat(2100), maxTokens: 4 }).catch((e) => e);
    expect(long).toBeInstanceOf(LimitError);
    expect(long.field).toBe("messages");
    expect(long.message).toContain("exceed the 2048-token context of tiny-random-gpt2");
    await rt.close();
  });

  test("aborting stops generation between tokens", async () => {
    const rt = runtime({ tiers: { operational: tier(), tactical: tier({ maxTokens: 200 }) } });
    const ac = new AbortController();
    let streamed = "";
    // Aborted as generation starts: the stopping criterion ends it after the first token.
    const p = rt.generate("tiny-random-gpt2", { prompt: "go", maxTokens: 200 }, { signal: ac.signal, onStart: () => ac.abort(), onText: (d) => (streamed += d) });
    expect(await p.catch((e) => e)).toBeInstanceOf(CancelledError);
    expect([...streamed].length).toBeLessThan(10);
    expect(rt.queue.stats().cancelled).toBe(1);
    // The model and the queue are usable afterwards.
    expect((await rt.generate("tiny-random-gpt2", { prompt: "again", maxTokens: 2 })).completionTokens).toBe(2);
    await rt.close();
  });
});

describe("classification and embedder", () => {
  test("classify returns labels from config.json's id2label", async () => {
    const rt = runtime();
    const r = await rt.classify("tiny-random-bert-classifier", ["good", "bad"], { topK: 2 });
    expect(r.labels).toHaveLength(2);
    expect(r.labels[0]!.map((l) => l.label).sort()).toEqual(["negative", "positive"]);
    await rt.close();
  });

  test("the embedder is built from models.embedding, batches past max_batch, and is absent when unset", async () => {
    expect(runtime().embedder()).toBeUndefined();
    expect(runtime({ embedding: "tiny-random-gpt2" }).embedder()).toBeUndefined();
    expect(runtime({ embedding: "missing" }).embedder()).toBeUndefined();
    const rt = runtime({ embedding: "tiny-random-bert" });
    const e = rt.embedder()!;
    expect([e.model, e.dims]).toEqual(["tiny-random-bert", 32]);
    const texts = Array.from({ length: 70 }, (_, i) => `text number ${i}`);
    const vectors = await e.embed(texts);
    expect(vectors).toHaveLength(70);
    expect(vectors.every((v) => v instanceof Float32Array && v.length === 32)).toBe(true);
    await rt.close();
  });

  test("too many inputs in one call is a LimitError naming input", async () => {
    const rt = runtime();
    const err = await rt.embed("tiny-random-bert", Array.from({ length: 65 }, () => "x")).catch((e) => e);
    expect(err).toBeInstanceOf(LimitError);
    expect(err.field).toBe("input");
    await rt.close();
  });
});
