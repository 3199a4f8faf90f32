/** Shapes shared by the runtime, the lazily loaded engine and the API. No heavy imports here. */

export interface ChatMessage {
  role: "system" | "user" | "assistant" | "tool" | "developer";
  content: string;
  /** An assistant turn's tool calls (arguments as JSON text). */
  toolCalls?: ToolCall[];
  /** A tool turn: the call it answers. */
  toolCallId?: string;
  name?: string;
}

export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** A function the model may call: a name, what it does, and a JSON Schema for its arguments. */
export interface ToolDef {
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
  /** Refuse schema keywords the grammar would not enforce (OpenAI's function.strict). */
  strict?: boolean;
}

/**
 * What the output must be, enforced token by token (src/inference/grammar):
 * any JSON object, or JSON valid against a schema. With `strict`, a schema
 * keyword the grammar would not enforce is refused instead of relaxed.
 */
export type ResponseFormat = { type: "text" } | { type: "json_object" } | { type: "json_schema"; schema: unknown; strict?: boolean };

/** Tools offered to the model; `choice` as OpenAI's tool_choice ("auto", "required", "none", or one tool by name). */
export interface ToolRequest {
  tools: ToolDef[];
  choice: "auto" | "required" | "none" | { name: string };
  /** More than one call in one answer (OpenAI's parallel_tool_calls, default true). */
  parallel: boolean;
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
  /** Seeds the sampler: the same seed, request and model give the same output. */
  seed?: number;
  /** Generation stops before any of these strings; they are not part of the output. */
  stop?: string[];
  responseFormat?: ResponseFormat;
  tools?: ToolRequest;
  /** OpenAI's presence and frequency penalties (-2..2), on the tokens generated so far. */
  penalties?: { presence: number; frequency: number };
  /** Added to the logits of these token ids (-100..100). */
  logitBias?: Record<number, number>;
}

export type FinishReason = "stop" | "length" | "tool_calls";

export interface GenerateResult {
  /** The answer's text (content outside tool calls). */
  text: string;
  toolCalls?: ToolCall[];
  promptTokens: number;
  completionTokens: number;
  finishReason: FinishReason;
  /** Where the time went (ms): forward passes, grammar masks, sampling, grammar compilation. */
  timings?: { forwardMs: number; maskMs: number; sampleMs: number; compileMs: number };
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
  /** A tool call starts (its id and name), then its arguments arrive in pieces. */
  onToolCall?: (e: { index: number; id?: string; name?: string; arguments: string }) => void;
}

/** A model held in memory by the engine. */
export interface LoadedModel {
  countTokens(text: string): Promise<number>;
  /** Tokens of the prompt `generate` would feed for this request. */
  countPrompt(req: GenerateRequest): Promise<number>;
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
