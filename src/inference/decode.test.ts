/**
 * aiOS's decoding loop against transformers.js's own generate(): on the tiny
 * random GPT-2 (KV cache), greedy decoding must pick the same tokens, and
 * seeded sampling must repeat itself exactly.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "@huggingface/transformers";
import { installTinyModels } from "./fixtures.testing";
import type { TierPolicy } from "./options";
import { InferenceRuntime } from "./runtime";
import { createSampler, logitAdjuster } from "./sampling";
import { StopStrings } from "./text";

const dir = mkdtempSync(join(tmpdir(), "aios-decode-test-"));
const tier = (over: Partial<TierPolicy> = {}): TierPolicy => ({ name: "", alwaysLoaded: false, loadOnDemand: true, maxTokens: 64, temperature: 0, idleMs: 0, ...over });
let rt: InferenceRuntime;

beforeAll(async () => {
  await installTinyModels(dir, ["tiny-random-gpt2"]);
  rt = new InferenceRuntime({ roots: [{ dir, origin: "image" }], runtimeDir: dir, budgetMb: 1000, queueLength: 8, concurrency: 1, threads: 1, embedding: "", tiers: { operational: tier(), tactical: tier() } });
}, 60_000);
afterAll(async () => {
  await rt.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the decoding loop", () => {
  test("greedy: the same text as transformers.js's generate() with its KV cache", async () => {
    const pipe: any = await pipeline("text-generation", join(dir, "tiny-random-gpt2"), { dtype: "fp32", device: "cpu", local_files_only: true } as never);
    for (const prompt of ["Hello world", "The kernel starts the init process, which"]) {
      const theirs = (await pipe(prompt, { max_new_tokens: 40, do_sample: false, return_full_text: false }))[0].generated_text;
      const ours = await rt.generate("tiny-random-gpt2", { prompt, maxTokens: 40, temperature: 0 });
      expect(ours.text).toBe(theirs);
      expect(ours.completionTokens).toBe(40);
    }
    await pipe.dispose();
  });

  test("seeded sampling repeats; temperature and top_p change the choice", async () => {
    const ask = (seed: number, topP?: number) => rt.generate("tiny-random-gpt2", { prompt: "Hello", maxTokens: 30, temperature: 1.2, topP, seed });
    expect((await ask(5)).text).toBe((await ask(5)).text);
    expect((await ask(5)).text).not.toBe((await ask(6)).text);
    expect((await ask(5, 0.05)).text).toBe((await rt.generate("tiny-random-gpt2", { prompt: "Hello", maxTokens: 30, temperature: 0 })).text);
  });
});

describe("sampling and stop strings", () => {
  test("masked logits are never chosen; the nucleus keeps the most likely mass", () => {
    const logits = Float32Array.from([5, -Infinity, 4, 1, -Infinity]);
    const sample = createSampler({ temperature: 1, seed: 1 });
    const seen = new Set(Array.from({ length: 500 }, () => sample(logits.slice())));
    expect([...seen].sort()).toEqual([0, 2, 3]);
    const nucleus = createSampler({ temperature: 1, topP: 0.5, seed: 1 });
    expect(new Set(Array.from({ length: 200 }, () => nucleus(logits.slice())))).toEqual(new Set([0]));
    expect(createSampler({ temperature: 0 })(Float32Array.from([-Infinity, -Infinity]))).toBe(-1);
  });

  test("penalties and logit_bias", () => {
    const adjust = logitAdjuster({ presence: 1, frequency: 0.5 }, { 3: 10 })!;
    const logits = new Float32Array(4);
    adjust(logits, [0, 0, 1]);
    expect([...logits]).toEqual([-2, -1.5, 0, 10]);
  });

  test("stop strings end the text before them, across pieces, holding back what might become one", () => {
    const s = new StopStrings(["END", "\n\n"]);
    expect(s.push("abc E")).toBe("abc ");
    expect(s.push("N")).toBe("");
    expect(s.push("X more")).toBe("ENX more");
    expect(s.push(" tail\n")).toBe(" tail");
    expect(s.push("\nignored")).toBe("");
    expect(s.stopped).toBe(true);
  });
});
