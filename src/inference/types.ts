/** Shapes shared by the runtime, the lazily loaded engine and the API. No heavy imports here. */

export interface ChatMessage {
  role: "system" | "user" | "assistant" | "tool" | "developer";
  content: string;
}

export interface GenerateRequest {
  /** Chat messages, formatted with the model's chat template (or a plain "role: text" transcript if it has none). */
  messages?: ChatMessage[];
  /** A raw prompt, used as is; exactly one of messages and prompt. */
  prompt?: string;
  maxTokens: number;
  /** 0 means greedy decoding. */
  temperature: number;
  topP?: number;
}

export type FinishReason = "stop" | "length";

export interface GenerateResult {
  text: string;
  promptTokens: number;
  completionTokens: number;
  finishReason: FinishReason;
}

export interface EmbedResult {
  vectors: Float32Array[];
  /** Tokens read, padding excluded. */
  tokens: number;
}

export interface ClassifyResult {
  /** Per input, labels with scores, best first. */
  labels: Array<Array<{ label: string; score: number }>>;
  tokens: number;
}

export type TensorType = "float32" | "int64" | "int32" | "uint8" | "int8" | "bool";

export interface TensorData {
  type: TensorType;
  data: Float32Array | BigInt64Array | Int32Array | Uint8Array | Int8Array;
  dims: number[];
}

export interface GenerateHooks {
  signal: AbortSignal;
  /** New text as soon as it decodes to whole characters. */
  onText?: (delta: string) => void;
}

/** A model held in memory by the engine. */
export interface LoadedModel {
  countTokens(text: string): number;
  /** Tokens of the prompt `generate` would feed for this request. */
  countPrompt(req: GenerateRequest): number;
  embed(texts: string[]): Promise<EmbedResult>;
  classify(texts: string[], topK: number): Promise<ClassifyResult>;
  generate(req: GenerateRequest, hooks: GenerateHooks): Promise<GenerateResult>;
  run(feeds: Record<string, TensorData>): Promise<Record<string, TensorData>>;
  /** Input names of the ONNX session (task tensor), for checks and tests. */
  inputNames(): string[];
  dispose(): Promise<void>;
}

export interface EngineOptions {
  /** onnxruntime intra-op threads; 0 lets onnxruntime choose (one per core). */
  threads: number;
}

/** What the embedding consumers (the memory layer) code against. */
export interface Embedder {
  model: string;
  dims: number;
  embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>;
}
