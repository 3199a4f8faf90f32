/**
 * The ai-runtime phase in dev mode: the runtime files are looked for under
 * the state directory; the registry reads the state directory's /usr/lib/aios/models and
 * /var/lib/aios/models; always_loaded loads (and pins) a tier's model.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig } from "../../config";
import { installTinyModels } from "../../inference/fixtures.testing";
import { setSink } from "../../sys";
import { createContext, layout } from "../context";
import { EMBEDDER, INFERENCE } from "../products";
import { runPhase } from "../runner";
import { runtime } from "./runtime";

const root = mkdtempSync(join(tmpdir(), "aios-runtime-phase-"));
const previousSink = setSink(() => {});
beforeAll(async () => {
  // One model as the image ships it, one imported by the user.
  await installTinyModels(join(root, "usr/lib/aios/models"), ["tiny-random-bert"]);
  await installTinyModels(join(root, "var/lib/aios/models"), ["tiny-random-gpt2"]);
}, 60_000);
afterAll(() => {
  setSink(previousSink);
  rmSync(root, { recursive: true, force: true });
});

function context(models: Record<string, unknown> = {}) {
  const config = defaultConfig();
  Object.assign(config.models, models);
  return createContext({ mode: "dev", config, paths: layout(root) }, () => {});
}

describe("runtime files step", () => {
  test("finds onnxruntime under /usr/lib/aios/lib, or says it is missing", async () => {
    const step = runtime.steps.find((s) => s.name === "runtime files")!;
    const ctx = context();
    expect(await step.run(ctx, {})).toEqual({ skip: expect.stringContaining("no onnxruntime library") });
    mkdirSync(join(root, "usr/lib/aios/lib"), { recursive: true });
    writeFileSync(join(root, "usr/lib/aios/lib/libonnxruntime.so.1"), "");
    try {
      expect(await step.run(ctx, {})).toBe(`onnxruntime in ${join(root, "usr/lib/aios")}`);
    } finally {
      rmSync(join(root, "usr/lib/aios/lib"), { recursive: true });
    }
  });
});

describe("ai-runtime phase", () => {
  test("dev mode's --runtime stands in for the runtime disk (make dev: out/build/runtime)", async () => {
    const ctx = createContext({ mode: "dev", config: defaultConfig(), paths: layout(join(root, "elsewhere")), runtimeDir: join(root, "usr/lib/aios") }, () => {});
    const r = await runPhase(ctx, runtime);
    expect(r.status).toBe("ok");
    expect(ctx.products.get(INFERENCE).list().map((m) => [m.name, m.origin])).toEqual([["tiny-random-bert", "image"]]);
    expect(ctx.products.get(INFERENCE).options.runtimeDir).toBe(join(root, "usr/lib/aios"));
    await ctx.services[0]!.stop();
  });

  test("opens the registry over the image's and the imported models; loads nothing by default", async () => {
    const ctx = context({ embedding: "tiny-random-bert" });
    const r = await runPhase(ctx, runtime);
    expect(r.status).toBe("ok");
    expect(r.steps.map((s) => [s.name, s.status])).toEqual([["runtime files", "skipped"], ["registry", "done"], ["always loaded", "skipped"]]);
    expect(r.steps[1]!.detail).toBe("2 models, embedding: tiny-random-bert");
    expect(ctx.products.get(INFERENCE).list().map((m) => [m.name, m.origin])).toEqual([["tiny-random-bert", "image"], ["tiny-random-gpt2", "imported"]]);
    expect(ctx.products.get(INFERENCE).status().loaded).toEqual([]);
    expect([ctx.products.get(EMBEDDER).model, ctx.products.get(EMBEDDER).dims]).toEqual(["tiny-random-bert", 32]);
    expect(ctx.services.map((s) => s.name)).toEqual(["inference"]);
    await ctx.services[0]!.stop();
  });

  test("with nothing needed at boot, the folders are not even scanned until first use", async () => {
    const ctx = context();
    const r = await runPhase(ctx, runtime);
    expect(r.steps[1]).toMatchObject({ status: "done", detail: "no model needed at boot: scanned on first use" });
    expect(ctx.products.find(EMBEDDER)).toBeUndefined();
    expect(ctx.products.get(INFERENCE).list()).toHaveLength(2);
    await ctx.services[0]!.stop();
  });

  test("always_loaded loads the tier's model at boot and pins it", async () => {
    const ctx = context({ operational: { ...defaultConfig().models.operational, name: "tiny-random-bert", always_loaded: true } });
    const r = await runPhase(ctx, runtime);
    expect(r.steps[2]).toMatchObject({ name: "always loaded", status: "done", detail: "loaded tiny-random-bert" });
    expect(ctx.products.get(INFERENCE).status().loaded.map((s) => [s.name, s.pinned])).toEqual([["tiny-random-bert", true]]);
    await ctx.services[0]!.stop();
  });

  test("an always_loaded model that is not installed degrades the phase, boot goes on", async () => {
    const ctx = context({ tactical: { ...defaultConfig().models.tactical, name: "missing-model", always_loaded: true } });
    const r = await runPhase(ctx, runtime);
    expect(r.status).toBe("degraded");
    expect(r.steps[2]!.error).toBe("model missing-model: not installed (GET /v1/models lists the installed ones)");
    expect(runtime.required).toBe(false);
    await ctx.services[0]!.stop();
  });
});
