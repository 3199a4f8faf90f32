/**
 * The local inference runtime: a registry of installed models, the models
 * loaded now (on demand, least recently used evicted to keep their estimated
 * memory under the budget, unloaded after an idle time, the tier's model
 * pinned when `always_loaded`), and one priority queue every request goes
 * through. The engine (transformers.js + onnxruntime) is imported on first
 * use, so a system that never infers never pays for it.
 */
import { errorMessage, log } from "../sys";
import { BudgetError, LimitError, ModelLoadError, ModelNotFoundError, NotLoadedError, RuntimeUnavailableError, TaskMismatchError } from "./errors";
import type { Manifest, Task, Tier } from "./manifest";
import { preloadOrt } from "./native";
import type { RuntimeOptions, TierPolicy } from "./options";
import { InferenceQueue, type Priority, type QueueStats } from "./queue";
import { ModelRegistry, type ModelEntry, type ModelOrigin } from "./registry";
import type { ClassifyResult, EmbedResult, Embedder, GenerateHooks, GenerateRequest, GenerateResult, LoadedModel, TensorData } from "./types";

type Engine = import("./engine-client").Engine;

interface Slot {
  entry: ModelEntry;
  model?: LoadedModel;
  busy: number;
  lastUsed: number;
  pinned: boolean;
  loadMs: number;
  idleTimer?: ReturnType<typeof setTimeout>;
}

export interface ModelInfo {
  name: string;
  task: Task;
  tier: Tier;
  origin: ModelOrigin;
  description: string;
  test: boolean;
  memoryMb: number;
  dims?: number;
  context?: number;
  loaded: boolean;
  pinned: boolean;
}

export interface RuntimeStatus {
  engine: "not loaded" | "loaded";
  /** Time the first use spent loading onnxruntime and transformers.js, ms. */
  engineLoadMs?: number;
  budgetMb: number;
  usedMb: number;
  loaded: Array<{ name: string; memoryMb: number; busy: number; pinned: boolean; idleMs: number; loadMs: number }>;
  queue: QueueStats;
  /** Model folders skipped at the last scan, with the reason. */
  skipped: string[];
  embedding: string | null;
}

export interface CallOptions {
  /** Defaults to the model's tier; "background" puts the call behind both tiers. */
  priority?: Priority;
  signal?: AbortSignal;
}

export type Event = { type: "load" | "unload"; model: string; reason: string };

export class InferenceRuntime {
  readonly registry: ModelRegistry;
  readonly queue: InferenceQueue;
  private readonly slots = new Map<string, Slot>();
  private enginePromise?: Promise<Engine>;
  private engineLoadMs?: number;
  /** Loads and evictions happen one at a time, so concurrent jobs cannot both spend the same budget. */
  private loadChain: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(e: Event) => void>();
  private closed = false;

  constructor(readonly options: RuntimeOptions) {
    this.registry = new ModelRegistry(options.roots);
    this.queue = new InferenceQueue({ limit: options.queueLength, concurrency: options.concurrency });
  }

  /** Observes loads and unloads (logs, tests). */
  on(listener: (e: Event) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: Event): void {
    log.info(`models: ${e.type} ${e.model} (${e.reason})`);
    for (const l of this.listeners) l(e);
  }

  /** A model name, or a tier name standing for the model that tier is configured with. */
  resolve(name: string): ModelEntry {
    if (name === "operational" || name === "tactical") {
      const configured = this.options.tiers[name].name;
      if (!configured) throw new ModelNotFoundError(name, `no model is configured for this tier (models.${name}.name)`);
      const entry = this.registry.get(configured);
      if (!entry) throw new ModelNotFoundError(configured, `not installed (models.${name}.name)`);
      return entry;
    }
    const entry = this.registry.get(name);
    if (!entry) throw new ModelNotFoundError(name);
    return entry;
  }

  private policy(m: Manifest): TierPolicy {
    return this.options.tiers[m.tier];
  }

  /** The tier model `always_loaded` pins, if this is it. */
  private pinnedByConfig(name: string): boolean {
    return Object.values(this.options.tiers).some((t) => t.alwaysLoaded && t.name === name);
  }

  list(): ModelInfo[] {
    return this.registry.list().map(({ manifest: m, origin }) => {
      const slot = this.slots.get(m.name);
      return {
        name: m.name, task: m.task, tier: m.tier, origin, description: m.description, test: m.test, memoryMb: m.memory_mb,
        dims: m.limits.dims, context: m.limits.context, loaded: !!slot?.model, pinned: !!slot?.pinned,
      };
    });
  }

  status(): RuntimeStatus {
    const now = performance.now();
    const loaded = [...this.slots.values()].filter((s) => s.model);
    return {
      engine: this.engineLoadMs === undefined ? "not loaded" : "loaded",
      engineLoadMs: this.engineLoadMs,
      budgetMb: this.options.budgetMb,
      usedMb: loaded.reduce((n, s) => n + s.entry.manifest.memory_mb, 0),
      loaded: loaded.map((s) => ({
        name: s.entry.manifest.name, memoryMb: s.entry.manifest.memory_mb, busy: s.busy, pinned: s.pinned,
        idleMs: s.busy ? 0 : Math.round(now - s.lastUsed), loadMs: s.loadMs,
      })),
      queue: this.queue.stats(),
      skipped: this.registry.skipped(),
      embedding: this.options.embedding || null,
    };
  }

  /** transformers.js and onnxruntime, loaded once on first use (after the native library is made findable). */
  engine(): Promise<Engine> {
    this.enginePromise ??= (async () => {
      const started = performance.now();
      try {
        await preloadOrt(this.options.runtimeDir);
        const engine = (await import("./engine-client")).startEngine();
        this.engineLoadMs = Math.round(performance.now() - started);
        log.info(`models: inference engine loaded in ${this.engineLoadMs} ms`);
        return engine;
      } catch (err) {
        this.enginePromise = undefined;
        if (err instanceof RuntimeUnavailableError) throw err;
        throw new RuntimeUnavailableError(`inference runtime: ${errorMessage(err)}`, err);
      }
    })();
    return this.enginePromise;
  }

  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.loadChain.then(fn, fn);
    this.loadChain = next.catch(() => {});
    return next;
  }

  /** Loads `name` now (boot's always_loaded, or an explicit request) outside the queue. */
  async load(name: string, reason = "requested"): Promise<void> {
    const slot = await this.ensureLoaded(this.resolve(name), reason, true);
    this.scheduleIdle(slot);
  }

  private ensureLoaded(entry: ModelEntry, reason: string, explicit = false): Promise<Slot> {
    const existing = this.slots.get(entry.manifest.name);
    if (existing?.model && existing.entry.dir === entry.dir) return Promise.resolve(existing);
    return this.serialize(async () => {
      const m = entry.manifest;
      const again = this.slots.get(m.name);
      if (again?.model) return again;
      const policy = this.policy(m);
      if (!explicit && policy.name === m.name && !policy.loadOnDemand) throw new NotLoadedError(m.name, m.tier);
      await this.makeRoom(m);
      const engine = await this.engine();
      const started = performance.now();
      let model: LoadedModel;
      try {
        model = await engine.loadModel(entry.dir, m, { threads: this.options.threads });
      } catch (err) {
        throw new ModelLoadError(m.name, err);
      }
      const slot: Slot = {
        entry, model, busy: 0, lastUsed: performance.now(), pinned: this.pinnedByConfig(m.name), loadMs: Math.round(performance.now() - started),
      };
      this.slots.set(m.name, slot);
      this.emit({ type: "load", model: m.name, reason: `${reason}, ${slot.loadMs} ms` });
      return slot;
    });
  }

  /** Unloads idle models, least recently used first, until `m` fits the budget. */
  private async makeRoom(m: Manifest): Promise<void> {
    const budget = this.options.budgetMb;
    const loaded = () => [...this.slots.values()].filter((s) => s.model);
    const used = () => loaded().reduce((n, s) => n + s.entry.manifest.memory_mb, 0);
    const evictable = loaded().filter((s) => s.busy === 0 && !s.pinned).sort((a, b) => a.lastUsed - b.lastUsed);
    const freeable = evictable.reduce((n, s) => n + s.entry.manifest.memory_mb, 0);
    if (used() + m.memory_mb - freeable > budget) {
      throw new BudgetError(m.name, m.memory_mb, Math.max(0, budget - used()) + freeable, budget);
    }
    for (const victim of evictable) {
      if (used() + m.memory_mb <= budget) break;
      await this.dropSlot(victim, `memory budget: making room for ${m.name}`);
    }
  }

  private async dropSlot(slot: Slot, reason: string): Promise<void> {
    clearTimeout(slot.idleTimer);
    const model = slot.model;
    slot.model = undefined;
    this.slots.delete(slot.entry.manifest.name);
    await model?.dispose().catch((err) => log.warn(`models: unloading ${slot.entry.manifest.name}: ${errorMessage(err)}`));
    this.emit({ type: "unload", model: slot.entry.manifest.name, reason });
  }

  /** Unloads `name` if it is loaded and idle; false if it is busy or not loaded. */
  unload(name: string, reason = "requested"): Promise<boolean> {
    return this.serialize(async () => {
      const slot = this.slots.get(name);
      if (!slot?.model || slot.busy > 0) return false;
      await this.dropSlot(slot, reason);
      return true;
    });
  }

  private scheduleIdle(slot: Slot): void {
    clearTimeout(slot.idleTimer);
    const idleMs = this.policy(slot.entry.manifest).idleMs;
    if (slot.pinned || idleMs <= 0 || slot.busy > 0) return;
    slot.idleTimer = setTimeout(() => {
      if (slot.busy === 0 && this.slots.get(slot.entry.manifest.name) === slot) void this.unload(slot.entry.manifest.name, `idle for ${idleMs} ms`);
    }, idleMs);
    slot.idleTimer.unref?.();
  }

  /**
   * Runs `fn` on the loaded model in the queue, at the model's tier priority
   * unless the caller asks for another. The model is loaded inside the job, so
   * loading also waits its turn and a cancelled request never loads anything.
   */
  private submit<T>(name: string, task: Task, what: string, opts: CallOptions, fn: (model: LoadedModel, entry: ModelEntry, signal: AbortSignal) => Promise<T>): Promise<T> {
    const entry = this.resolve(name);
    const m = entry.manifest;
    if (m.task !== task) return Promise.reject(new TaskMismatchError(m.name, m.task, task));
    return this.queue.submit(opts.priority ?? m.tier, `${what} ${m.name}`, async (signal) => {
      const slot = await this.ensureLoaded(entry, `${what} on demand`);
      slot.busy++;
      clearTimeout(slot.idleTimer);
      try {
        return await fn(slot.model!, entry, signal);
      } finally {
        slot.busy--;
        slot.lastUsed = performance.now();
        this.scheduleIdle(slot);
      }
    }, opts.signal);
  }

  private checkBatch(m: Manifest, texts: string[]): void {
    if (texts.length === 0) throw new LimitError("input: at least one text is required", "input");
    if (texts.length > m.limits.max_batch) throw new LimitError(`input: ${texts.length} texts; model ${m.name} takes at most ${m.limits.max_batch} per call`, "input");
  }

  embed(name: string, texts: string[], opts: CallOptions = {}): Promise<EmbedResult> {
    return this.submit(name, "embed", "embed", opts, (model, { manifest }) => {
      this.checkBatch(manifest, texts);
      return model.embed(texts);
    });
  }

  classify(name: string, texts: string[], opts: CallOptions & { topK?: number } = {}): Promise<ClassifyResult> {
    return this.submit(name, "classify", "classify", opts, (model, { manifest }) => {
      this.checkBatch(manifest, texts);
      return model.classify(texts, opts.topK ?? 1);
    });
  }

  /**
   * Generates text. `maxTokens` and `temperature` default to the tier's
   * settings; asking for more tokens than the tier or the model allows, or a
   * prompt that does not fit the context with them, is a LimitError.
   */
  generate(
    name: string,
    req: Omit<GenerateRequest, "maxTokens" | "temperature"> & { maxTokens?: number; temperature?: number },
    opts: CallOptions & Pick<GenerateHooks, "onText" | "onToolCall"> & { onStart?: () => void } = {},
  ): Promise<GenerateResult & { model: string }> {
    return this.submit(name, "generate", "generate", opts, async (model, { manifest: m }, signal) => {
      const policy = this.policy(m);
      const cap = Math.min(policy.maxTokens, m.limits.max_tokens ?? Number.POSITIVE_INFINITY);
      const maxTokens = req.maxTokens ?? cap;
      if (maxTokens > cap) throw new LimitError(`max_tokens: ${maxTokens} is more than model ${m.name} allows (${cap}: models.${m.tier}.max_tokens / the model's limit)`, "max_tokens");
      const full = { ...req, maxTokens, temperature: req.temperature ?? policy.temperature };
      if (m.limits.context) {
        const promptTokens = await model.countPrompt(full);
        if (promptTokens + maxTokens > m.limits.context) {
          throw new LimitError(`messages: ${promptTokens} prompt tokens + max_tokens ${maxTokens} exceed the ${m.limits.context}-token context of ${m.name}`, "messages");
        }
      }
      // Past the queue, the load and the limit checks: from here on a stream can start.
      opts.onStart?.();
      const result = await model.generate(full, { signal, onText: opts.onText, onToolCall: opts.onToolCall });
      return { ...result, model: m.name };
    });
  }

  /** Runs a task-tensor model (a bare ONNX graph) on named tensors. */
  run(name: string, feeds: Record<string, TensorData>, opts: CallOptions = {}): Promise<Record<string, TensorData>> {
    return this.submit(name, "tensor", "run", opts, (model) => model.run(feeds));
  }

  /** The configured embedding model as an Embedder, or undefined when none is configured or installed. */
  embedder(priority?: Priority): Embedder | undefined {
    const name = this.options.embedding;
    if (!name) return undefined;
    const entry = this.registry.get(name);
    if (!entry) {
      log.warn(`models: models.embedding = ${JSON.stringify(name)} is not installed; memory search uses full text only`);
      return undefined;
    }
    if (entry.manifest.task !== "embed") {
      log.warn(`models: models.embedding = ${name} is a ${entry.manifest.task} model, not an embedding model; memory search uses full text only`);
      return undefined;
    }
    return createEmbedder(this, entry.manifest, priority);
  }

  /** Refuses waiting work and unloads every model (shutdown). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.queue.drain("runtime stopping");
    // The engine's thread ends with every model in it, a call in progress included; the slots then go without a dispose each.
    (await this.enginePromise?.catch(() => undefined))?.stop();
    await this.serialize(async () => {
      for (const slot of [...this.slots.values()]) await this.dropSlot(slot, "runtime stopping");
    });
  }
}

export function createEmbedder(runtime: InferenceRuntime, m: Manifest, priority?: Priority): Embedder {
  if (!m.limits.dims) throw new LimitError(`model ${m.name}: its manifest gives no limits.dims`, "limits.dims");
  return {
    model: m.name,
    dims: m.limits.dims,
    async embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
      const out: Float32Array[] = [];
      // Large ingests are split to the model's batch limit rather than refused.
      for (let i = 0; i < texts.length; i += m.limits.max_batch) {
        const r = await runtime.embed(m.name, texts.slice(i, i + m.limits.max_batch), { priority, signal });
        out.push(...r.vectors);
      }
      return out;
    },
  };
}
