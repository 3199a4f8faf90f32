/**
 * The gateway's provider-neutral words. The orchestrator speaks only these;
 * each provider module renders them into its wire format and back.
 */

/** A JSON Schema object (draft-07), as `@valibot/to-json-schema` produces it. */
export type JsonSchema = Record<string, unknown>;

/** A tool offered to the model. `name` is aiOS's own (`fs.write`); providers see a mapped name. */
export interface ToolSpec {
  name: string;
  description: string;
  inputSchema: JsonSchema;
}

export interface ToolCall {
  id: string;
  /** aiOS's name (`fs.write`), mapped back from the wire name. */
  name: string;
  input: Record<string, unknown>;
}

export type ContentPart =
  | { type: "text"; text: string }
  /** In an assistant message: a call the model made earlier. */
  | { type: "tool_call"; id: string; name: string; input: Record<string, unknown> }
  /** In a user message: what a tool call returned. */
  | { type: "tool_result"; id: string; content: string; isError?: boolean };

export interface Message {
  role: "user" | "assistant";
  content: string | ContentPart[];
}

/** auto: the model decides; any: it must call some tool; none: it must not; {name}: it must call that one. */
export type ToolChoice = "auto" | "any" | "none" | { name: string };

export interface CompletionRequest {
  system?: string;
  messages: Message[];
  tools?: ToolSpec[];
  toolChoice?: ToolChoice;
  /** Default: the provider's `max_tokens` from config. */
  maxTokens?: number;
  temperature?: number;
  /** Cancels the call, including waits for rate limits and retries. */
  signal?: AbortSignal;
  /** Why the call is made ("plan", "config"), recorded with its usage. */
  purpose?: string;
  /** Restrict the call to these providers (in the gateway's order). */
  providers?: string[];
}

export type StopReason = "end" | "max_tokens" | "tool_use" | "stop_sequence" | "refusal" | "other";

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

export interface CompletionResult {
  provider: string;
  model: string;
  text: string;
  toolCalls: ToolCall[];
  stopReason: StopReason;
  usage: Usage;
  /** What this call cost; 0 for a cache hit (nothing was spent). */
  costUsd: number;
  cached: boolean;
}

export type StreamEvent =
  | { type: "text"; text: string }
  /** A complete tool call, emitted once its arguments have all arrived and parsed. */
  | ({ type: "tool_call" } & ToolCall)
  | { type: "done"; result: CompletionResult };

export interface ProviderStatus {
  name: string;
  protocol: "anthropic" | "openai";
  baseUrl: string;
  model: string;
  fallbackOnly: boolean;
  /** Where the key came from; never the key. */
  key: "file" | "config" | "none";
  /** False with a reason when the gateway will not use it (no key, budget 0). */
  available: boolean;
  reason?: string;
  budget: { month: string; monthlyUsd: number; spentUsd: number; leftUsd: number | null; calls: number };
  prices: { inputPerMtokUsd: number; outputPerMtokUsd: number };
  rateLimit: { rpm: number; tpm: number; requestsAvailable: number | null; tokensAvailable: number | null; blockedForMs: number };
}

export interface GatewayStatus {
  enabled: true;
  order: string[];
  maxWaitMs: number;
  cache: { enabled: boolean; ttlMs: number; dir: string | null };
  providers: ProviderStatus[];
}

/** What the API shows when boot built no gateway. */
export interface GatewayOff {
  enabled: false;
  reason: string;
}

export interface Gateway {
  complete(req: CompletionRequest): Promise<CompletionResult>;
  stream(req: CompletionRequest): AsyncIterable<StreamEvent>;
  status(): GatewayStatus;
}
