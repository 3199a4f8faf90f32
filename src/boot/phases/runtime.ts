/**
 * AI runtime (seed 003 phase 2): open the model registry and start the
 * inference runtime, and load the tier models that `always_loaded` asks for.
 * onnxruntime and the image's models are in the system image
 * (/usr/lib/aios), read from disk when first used. Nothing else is loaded
 * here: the inference engine is imported on first use, and the model folders
 * are scanned on first use unless models.embedding or an always_loaded model
 * needs them now, so such a boot pays for nothing.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { InferenceRuntime, ORT_LIBRARY, RUNTIME_MOUNT, runtimeOptions, TIERS } from "../../inference";
import type { BootContext } from "../context";
import { EMBEDDER, INFERENCE } from "../products";
import { definePhase, defineStep } from "../step";

/** A guest path on this machine: itself as PID 1; in dev mode under the state directory, the runtime's at --runtime. */
function guestPath(ctx: BootContext): (p: string) => string {
  return (p) => {
    if (ctx.runtimeDir && (p === RUNTIME_MOUNT || p.startsWith(`${RUNTIME_MOUNT}/`))) return join(ctx.runtimeDir, p.slice(RUNTIME_MOUNT.length));
    return ctx.mode === "pid1" ? p : join(ctx.paths.root, p);
  };
}

/** Names of the tier models config.toml asks to keep loaded. */
function pinned(ctx: BootContext): string[] {
  return TIERS.map((t) => ctx.config.models[t]).filter((t) => t.always_loaded && t.name).map((t) => t.name);
}

export const runtime = definePhase({
  name: "ai-runtime",
  required: false,
  steps: [
    defineStep({
      name: "runtime files",
      required: false,
      describe: () => `test -e ${RUNTIME_MOUNT}/lib/${ORT_LIBRARY}`,
      run: (ctx) => {
        const lib = guestPath(ctx)(`${RUNTIME_MOUNT}/lib/${ORT_LIBRARY}`);
        if (!existsSync(lib)) return { skip: `no ${lib}: only imported models, and no onnxruntime library` };
        return `onnxruntime in ${guestPath(ctx)(RUNTIME_MOUNT)}`;
      },
    }),
    defineStep({
      name: "registry",
      provides: [INFERENCE, EMBEDDER],
      describe: (ctx) => `ls ${RUNTIME_MOUNT}/models ${ctx.config.models.model_dir}`,
      run: (ctx) => {
        const rt = new InferenceRuntime(runtimeOptions(ctx.config, guestPath(ctx)));
        ctx.products.provide(INFERENCE, rt);
        ctx.services.push({ name: "inference", stop: () => rt.close() });
        // Scanning costs ~0.1 s under TCG: done now only if the boot needs a model, else on first use.
        if (!ctx.config.models.embedding && !pinned(ctx).length) return "no model needed at boot: scanned on first use";
        const models = rt.list();
        const embedder = rt.embedder();
        if (embedder) ctx.products.provide(EMBEDDER, embedder);
        const skipped = rt.registry.skipped().length;
        return `${models.length} models${skipped ? ` (${skipped} skipped)` : ""}, embedding: ${embedder ? embedder.model : "none"}`;
      },
    }),
    defineStep({
      name: "always loaded",
      required: false,
      needs: { rt: INFERENCE },
      without: { rt: "no runtime" },
      describe: (ctx) => {
        const names = pinned(ctx);
        return names.length ? `aios-runtime load ${names.join(" ")}` : "true  # no tier has always_loaded";
      },
      run: async (_ctx, { rt }) => {
        const tiers = Object.entries(rt.options.tiers).filter(([, t]) => t.alwaysLoaded && t.name);
        if (!tiers.length) return { skip: "no tier has always_loaded with a name" };
        const loaded: string[] = [];
        for (const [tier, t] of tiers) {
          await rt.load(t.name, `models.${tier}.always_loaded`);
          loaded.push(t.name);
        }
        return `loaded ${loaded.join(", ")}`;
      },
    }),
  ],
});
