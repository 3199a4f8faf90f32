/**
 * Local inference: a model registry, a priority queue and a runtime that
 * loads models on demand. Nothing exported here imports transformers.js or
 * onnxruntime; the runtime does so on first use (see engine.ts).
 */
export * from "./errors";
export { InferenceRuntime, createEmbedder, type ModelInfo, type RuntimeStatus, type CallOptions } from "./runtime";
export { InferenceQueue, PRIORITIES, type Priority, type QueueStats } from "./queue";
export { ModelRegistry, type ModelEntry, type ModelRoot, type ModelOrigin } from "./registry";
export { ManifestSchema, parseManifest, readManifest, TASKS, TIERS, type Manifest, type Task, type Tier, type Dtype } from "./manifest";
export { importModel, describeFolder, taskOf, type ImportOptions, type ImportResult } from "./import";
export { runtimeOptions, RUNTIME_MOUNT, type RuntimeOptions, type TierPolicy } from "./options";
export { COMPILED, ORT_LIBRARY, preloadOrt } from "./native";
export { GrammarError } from "./grammar/errors";
export type {
  ChatMessage, ClassifyResult, Embedder, EmbedResult, FinishReason, GenerateHooks, GenerateRequest, GenerateResult, ResponseFormat, TensorData, TensorType,
  ToolCall, ToolDef, ToolRequest,
} from "./types";
