/**
 * From the [models] section of config.toml to the runtime's options. Config
 * paths are guest paths; `resolve` maps them under the state directory in dev
 * mode (see src/boot/context.ts).
 */
import { type Config, durationMs } from "../config";
import type { Tier } from "./manifest";
import type { ModelRoot } from "./registry";

/** Where the system image keeps the runtime (build/runtime.mk): lib/libonnxruntime.so.1 and models/. */
export const RUNTIME_MOUNT = "/usr/lib/aios";

export interface TierPolicy {
  /** The model this tier uses when a caller names the tier instead of a model. */
  name: string;
  alwaysLoaded: boolean;
  loadOnDemand: boolean;
  maxTokens: number;
  temperature: number;
  /** 0: never unloaded for idleness. */
  idleMs: number;
}

export interface RuntimeOptions {
  roots: ModelRoot[];
  /** Holds lib/libonnxruntime.so.1 for the compiled binary. */
  runtimeDir: string;
  budgetMb: number;
  queueLength: number;
  concurrency: number;
  threads: number;
  /** The embedding model the memory layer uses; "" for none. */
  embedding: string;
  tiers: Record<Tier, TierPolicy>;
}

export function runtimeOptions(config: Config, resolve: (guestPath: string) => string): RuntimeOptions {
  const mc = config.models;
  const tier = (t: Config["models"]["operational"]): TierPolicy => ({
    name: t.name,
    alwaysLoaded: t.always_loaded,
    loadOnDemand: t.load_on_demand,
    maxTokens: t.max_tokens,
    temperature: t.temperature,
    idleMs: durationMs(t.unload_after_idle),
  });
  return {
    roots: [
      { dir: resolve(`${RUNTIME_MOUNT}/models`), origin: "image" },
      { dir: resolve(mc.model_dir), origin: "imported" },
    ],
    runtimeDir: resolve(RUNTIME_MOUNT),
    budgetMb: mc.memory_budget_mb,
    queueLength: mc.queue_length,
    concurrency: mc.concurrency,
    threads: mc.threads,
    embedding: mc.embedding,
    tiers: { operational: tier(mc.operational), tactical: tier(mc.tactical) },
  };
}
