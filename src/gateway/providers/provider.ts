/**
 * What a wire protocol module provides: render a neutral request into the
 * provider's HTTP request, and read its answer (whole or streamed) back into
 * neutral pieces. Everything else (limits, retries, money) is the gateway's.
 */
import * as v from "valibot";
import { issuePath } from "../../config";
import type { Prices } from "../budget";
import { malformed, ProviderError } from "../errors";
import type { Secret } from "../secrets";
import type { SseEvent } from "../sse";
import type { ToolNames } from "../tools";
import type { CompletionRequest, StopReason, ToolCall, Usage } from "../types";

export type Protocol = "anthropic" | "openai";

/** One provider as the gateway runs it, resolved from an [api.<name>] table. */
export interface ProviderConfig {
  name: string;
  protocol: Protocol;
  baseUrl: string;
  model: string;
  maxTokens: number;
  timeoutMs: number;
  maxRetries: number;
  rpm: number;
  tpm: number;
  monthlyBudgetUsd: number;
  prices: Prices;
  fallbackOnly: boolean;
  key: Secret | null;
  keySource: "file" | "config" | "none";
  /** Keyless providers (a local server) are called without auth; claude and openai need a key. */
  keyRequired: boolean;
  /** Why the gateway will never call it (no key, no base_url), whatever the month. */
  unusable?: string;
}

export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** A finished answer before the gateway prices it. */
export interface Answer {
  model: string;
  text: string;
  toolCalls: ToolCall[];
  stopReason: StopReason;
  usage: Usage;
}

export type Piece = { type: "text"; text: string } | ({ type: "tool_call" } & ToolCall) | { type: "end"; answer: Answer };

export interface WireProtocol {
  request(p: ProviderConfig, req: CompletionRequest, names: ToolNames, stream: boolean): HttpRequest;
  /** A plain answer's parsed JSON; throws malformed naming what is wrong. */
  parse(p: ProviderConfig, json: unknown, names: ToolNames, req: CompletionRequest): Answer;
  /** A streamed answer; throws malformed, the provider's own error event, or a truncation. */
  stream(p: ProviderConfig, events: AsyncIterable<SseEvent>, names: ToolNames, req: CompletionRequest): AsyncGenerator<Piece>;
}

/** Validates a provider's JSON against a schema; the error names the field (`content.1.input`). */
export function check<S extends v.GenericSchema>(provider: string, schema: S, value: unknown, where = ""): v.InferOutput<S> {
  const r = v.safeParse(schema, value);
  if (r.success) return r.output;
  const issue = r.issues[0];
  const path = [where, issuePath(issue)].filter(Boolean).join(".");
  throw malformed(provider, `${path || "body"}: ${issue.message}`);
}

export function parseEventJson(provider: string, ev: SseEvent): Record<string, unknown> {
  try {
    const d = JSON.parse(ev.data) as unknown;
    if (d && typeof d === "object" && !Array.isArray(d)) return d as Record<string, unknown>;
  } catch {
    // named below
  }
  throw malformed(provider, `stream event ${ev.event}: data is not a JSON object: ${ev.data.slice(0, 120)}`);
}

/** Tool arguments arrive as JSON text (OpenAI always, Anthropic when streamed). */
export function parseArguments(provider: string, toolName: string, text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw malformed(provider, `tool call ${toolName}: arguments are not JSON (${(err as Error).message})`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw malformed(provider, `tool call ${toolName}: arguments are not a JSON object`);
  return value as Record<string, unknown>;
}

/** A cut connection is worth another attempt, unlike a malformed answer. */
export function truncated(provider: string, missing: string): ProviderError {
  return new ProviderError(provider, "network", `stream ended before ${missing} (truncated)`, { retryable: true });
}

/** Rough token count (4 characters a token) for rate limits and for servers that report no usage. */
export function estimateTokens(value: unknown): number {
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? "";
  return Math.ceil(text.length / 4);
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
