/**
 * The Anthropic Messages API (`POST {base_url}/v1/messages`, anthropic-version
 * 2023-06-01): x-api-key auth, a top-level system prompt, content blocks
 * (text, tool_use, tool_result), and the SSE stream message_start →
 * content_block_start/delta/stop → message_delta → message_stop, with ping
 * and error events. Unknown block and event types are skipped, as Anthropic's
 * versioning policy asks.
 */
import * as v from "valibot";
import { malformed, ProviderError } from "../errors";
import { redact } from "../secrets";
import type { ToolNames } from "../tools";
import type { ContentPart, Message, StopReason, ToolCall, ToolChoice } from "../types";
import { type Answer, check, type HttpRequest, parseArguments, parseEventJson, type Piece, type ProviderConfig, trimSlash, truncated, type WireProtocol } from "./provider";

export const ANTHROPIC_VERSION = "2023-06-01";

const STOP: Record<string, StopReason> = { end_turn: "end", max_tokens: "max_tokens", tool_use: "tool_use", stop_sequence: "stop_sequence", refusal: "refusal" };
export function anthropicStop(reason: string | null | undefined): StopReason {
  return (reason && STOP[reason]) || "other";
}

function block(part: ContentPart, names: ToolNames): Record<string, unknown> {
  switch (part.type) {
    case "text":
      return { type: "text", text: part.text };
    case "tool_call":
      return { type: "tool_use", id: part.id, name: names.wire(part.name), input: part.input };
    case "tool_result":
      return { type: "tool_result", tool_use_id: part.id, content: part.content, ...(part.isError ? { is_error: true } : {}) };
  }
}

function message(m: Message, names: ToolNames): Record<string, unknown> {
  if (typeof m.content === "string") return { role: m.role, content: m.content };
  // The API wants tool results before any text in a user turn, and rejects empty text blocks.
  const parts = m.content.filter((p) => p.type !== "text" || p.text !== "");
  const ordered = [...parts.filter((p) => p.type === "tool_result"), ...parts.filter((p) => p.type !== "tool_result")];
  return { role: m.role, content: ordered.map((p) => block(p, names)) };
}

function toolChoice(choice: ToolChoice, names: ToolNames): Record<string, unknown> {
  if (typeof choice === "object") return { type: "tool", name: names.wire(choice.name) };
  return { type: choice };
}

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const UsageSchema = v.looseObject({
  input_tokens: count,
  output_tokens: count,
  cache_creation_input_tokens: v.nullish(count),
  cache_read_input_tokens: v.nullish(count),
});
const MessageSchema = v.looseObject({
  model: v.string(),
  content: v.array(v.looseObject({ type: v.string() })),
  stop_reason: v.nullable(v.string()),
  usage: UsageSchema,
});
const TextBlock = v.looseObject({ type: v.literal("text"), text: v.string() });
const ToolUseBlock = v.looseObject({ type: v.literal("tool_use"), id: v.string(), name: v.string(), input: v.record(v.string(), v.unknown()) });

/** Cache writes and reads are input too; charging them at the input price errs on the side of the budget. */
function inputTokens(u: v.InferOutput<typeof UsageSchema>): number {
  return u.input_tokens + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0);
}

function streamError(p: ProviderConfig, d: Record<string, unknown>): ProviderError {
  const e = (d.error ?? {}) as { type?: unknown; message?: unknown };
  const type = typeof e.type === "string" ? e.type : "error";
  const msg = typeof e.message === "string" ? redact(e.message, p.key) : "";
  const retryable = ["overloaded_error", "api_error", "rate_limit_error", "timeout_error"].includes(type);
  return new ProviderError(p.name, "http_error", `stream error ${type}: ${msg.slice(0, 300)}`, { retryable });
}

type Open = { kind: "text" } | { kind: "tool"; id: string; name: string; json: string } | { kind: "other" };

export const anthropic: WireProtocol = {
  request(p, req, names, stream): HttpRequest {
    const tools = req.tools ?? [];
    const body: Record<string, unknown> = {
      model: p.model,
      max_tokens: req.maxTokens ?? p.maxTokens,
      messages: req.messages.map((m) => message(m, names)),
    };
    if (req.system) body.system = req.system;
    if (tools.length) body.tools = tools.map((t) => ({ name: names.wire(t.name), description: t.description, input_schema: t.inputSchema }));
    if (tools.length && req.toolChoice) body.tool_choice = toolChoice(req.toolChoice, names);
    if (req.temperature !== undefined) body.temperature = req.temperature;
    if (stream) body.stream = true;
    const headers: Record<string, string> = { "anthropic-version": ANTHROPIC_VERSION };
    if (p.key) headers["x-api-key"] = p.key.reveal();
    return { url: `${trimSlash(p.baseUrl)}/v1/messages`, headers, body };
  },

  parse(p, json, names): Answer {
    const m = check(p.name, MessageSchema, json);
    let text = "";
    const toolCalls: ToolCall[] = [];
    m.content.forEach((b, i) => {
      if (b.type === "text") text += check(p.name, TextBlock, b, `content.${i}`).text;
      else if (b.type === "tool_use") {
        const t = check(p.name, ToolUseBlock, b, `content.${i}`);
        toolCalls.push({ id: t.id, name: names.local(t.name), input: t.input });
      }
    });
    return { model: m.model, text, toolCalls, stopReason: anthropicStop(m.stop_reason), usage: { inputTokens: inputTokens(m.usage), outputTokens: m.usage.output_tokens } };
  },

  async *stream(p, events, names): AsyncGenerator<Piece> {
    let model = p.model;
    let stop: string | null = null;
    const usage = { inputTokens: 0, outputTokens: 0 };
    let started = false;
    let text = "";
    const toolCalls: ToolCall[] = [];
    const blocks = new Map<number, Open>();

    for await (const ev of events) {
      const d = parseEventJson(p.name, ev);
      const type = typeof d.type === "string" ? d.type : ev.event;
      if (type === "ping") continue;
      if (type === "error") throw streamError(p, d);
      if (type === "message_start") {
        const m = check(p.name, v.looseObject({ model: v.string(), usage: UsageSchema }), d.message, "message_start.message");
        model = m.model;
        usage.inputTokens = inputTokens(m.usage);
        usage.outputTokens = m.usage.output_tokens;
        started = true;
        continue;
      }
      if (!started && type !== "message_stop") throw malformed(p.name, `stream event ${type} before message_start`);
      switch (type) {
        case "content_block_start": {
          const s = check(p.name, v.looseObject({ index: count, content_block: v.looseObject({ type: v.string() }) }), d, "content_block_start");
          const b = s.content_block as Record<string, unknown>;
          if (b.type === "text") {
            blocks.set(s.index, { kind: "text" });
            if (typeof b.text === "string" && b.text) {
              text += b.text;
              yield { type: "text", text: b.text };
            }
          } else if (b.type === "tool_use") {
            const t = check(p.name, v.looseObject({ id: v.string(), name: v.string() }), b, "content_block_start.content_block");
            blocks.set(s.index, { kind: "tool", id: t.id, name: t.name, json: "" });
          } else blocks.set(s.index, { kind: "other" });
          break;
        }
        case "content_block_delta": {
          const s = check(p.name, v.looseObject({ index: count, delta: v.looseObject({ type: v.string() }) }), d, "content_block_delta");
          const open = blocks.get(s.index);
          if (!open) throw malformed(p.name, `content_block_delta for block ${s.index}, which was never started`);
          const delta = s.delta as Record<string, unknown>;
          if (delta.type === "text_delta" && open.kind === "text") {
            if (typeof delta.text !== "string") throw malformed(p.name, `content_block_delta.delta.text: expected a string`);
            text += delta.text;
            if (delta.text) yield { type: "text", text: delta.text };
          } else if (delta.type === "input_json_delta" && open.kind === "tool") {
            if (typeof delta.partial_json !== "string") throw malformed(p.name, `content_block_delta.delta.partial_json: expected a string`);
            open.json += delta.partial_json;
          }
          break;
        }
        case "content_block_stop": {
          const s = check(p.name, v.looseObject({ index: count }), d, "content_block_stop");
          const open = blocks.get(s.index);
          if (open?.kind === "tool") {
            const call: ToolCall = { id: open.id, name: names.local(open.name), input: parseArguments(p.name, open.name, open.json) };
            toolCalls.push(call);
            yield { type: "tool_call", ...call };
          }
          blocks.delete(s.index);
          break;
        }
        case "message_delta": {
          const s = check(p.name, v.looseObject({ delta: v.looseObject({ stop_reason: v.nullish(v.string()) }), usage: v.nullish(v.looseObject({ output_tokens: v.nullish(count), input_tokens: v.nullish(count) })) }), d, "message_delta");
          if (s.delta.stop_reason) stop = s.delta.stop_reason;
          // output_tokens here is the running total, not an increment.
          if (s.usage?.output_tokens != null) usage.outputTokens = s.usage.output_tokens;
          if (s.usage?.input_tokens != null) usage.inputTokens = Math.max(usage.inputTokens, s.usage.input_tokens);
          break;
        }
        case "message_stop":
          if (!started) throw malformed(p.name, "message_stop before message_start");
          yield { type: "end", answer: { model, text, toolCalls, stopReason: anthropicStop(stop), usage } };
          return;
        default:
          break; // new event types are allowed by the API's versioning policy
      }
    }
    throw truncated(p.name, "message_stop");
  },
};
