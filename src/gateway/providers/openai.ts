/**
 * OpenAI-compatible chat completions (`POST {base_url}/chat/completions`):
 * OpenAI itself, and a host's Ollama or llama.cpp server. Bearer auth (left
 * out for a keyless local server), the system prompt as the first message,
 * tool results as `tool` messages, arguments as JSON text. Streams are
 * `data:` chunks whose tool-call arguments arrive in fragments keyed by
 * index, a usage chunk when asked with stream_options.include_usage, and
 * `data: [DONE]`. Servers that report no usage are charged an estimate.
 */
import * as v from "valibot";
import { log } from "../../sys";
import { ProviderError } from "../errors";
import { redact } from "../secrets";
import type { ToolNames } from "../tools";
import type { CompletionRequest, Message, StopReason, ToolCall, ToolChoice, Usage } from "../types";
import { type Answer, check, estimateTokens, type HttpRequest, parseArguments, parseEventJson, type Piece, type ProviderConfig, trimSlash, truncated, type WireProtocol } from "./provider";

const STOP: Record<string, StopReason> = { stop: "end", length: "max_tokens", tool_calls: "tool_use", function_call: "tool_use", content_filter: "refusal" };
export function openaiStop(reason: string | null | undefined): StopReason {
  return (reason && STOP[reason]) || "other";
}

function messages(m: Message, names: ToolNames): Array<Record<string, unknown>> {
  if (typeof m.content === "string") return [{ role: m.role, content: m.content }];
  const text = m.content.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("\n");
  if (m.role === "assistant") {
    const calls = m.content.flatMap((p) => (p.type === "tool_call" ? [{ id: p.id, type: "function", function: { name: names.wire(p.name), arguments: JSON.stringify(p.input) } }] : []));
    return [{ role: "assistant", content: text || null, ...(calls.length ? { tool_calls: calls } : {}) }];
  }
  // Each tool result is its own `tool` message, and they must directly follow the assistant's calls.
  const out: Array<Record<string, unknown>> = m.content.flatMap((p) => (p.type === "tool_result" ? [{ role: "tool", tool_call_id: p.id, content: p.isError ? `error: ${p.content}` : p.content }] : []));
  if (text) out.push({ role: "user", content: text });
  return out;
}

function toolChoice(choice: ToolChoice, names: ToolNames): unknown {
  if (typeof choice === "object") return { type: "function", function: { name: names.wire(choice.name) } };
  return choice === "any" ? "required" : choice;
}

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const UsageSchema = v.nullish(v.looseObject({ prompt_tokens: count, completion_tokens: count }));
const ToolCallSchema = v.looseObject({
  id: v.nullish(v.string()),
  type: v.nullish(v.literal("function")),
  function: v.looseObject({ name: v.string(), arguments: v.union([v.string(), v.record(v.string(), v.unknown())]) }),
});
const CompletionSchema = v.looseObject({
  model: v.nullish(v.string()),
  choices: v.pipe(v.array(v.looseObject({ message: v.looseObject({ content: v.nullish(v.string()), refusal: v.nullish(v.string()), tool_calls: v.nullish(v.array(ToolCallSchema)) }), finish_reason: v.nullish(v.string()) })), v.minLength(1, "Invalid length: no choices")),
  usage: UsageSchema,
});

function argumentsOf(p: ProviderConfig, name: string, args: string | Record<string, unknown>): Record<string, unknown> {
  // Some compatible servers (older Ollama) send an object where OpenAI sends JSON text.
  return typeof args === "string" ? parseArguments(p.name, name, args) : args;
}

function usageOrEstimate(p: ProviderConfig, reported: v.InferOutput<typeof UsageSchema>, req: CompletionRequest, text: string, calls: ToolCall[]): Usage {
  if (reported) return { inputTokens: reported.prompt_tokens, outputTokens: reported.completion_tokens };
  log.debug(`gateway: ${p.name} reported no usage; charging an estimate`);
  const output = estimateTokens(text) + (calls.length ? estimateTokens(calls.map((c) => [c.name, c.input])) : 0);
  return { inputTokens: estimateTokens([req.system ?? "", req.messages, req.tools ?? []]), outputTokens: output };
}

interface PartialCall {
  id: string;
  name: string;
  args: string;
}

export const openai: WireProtocol = {
  request(p, req, names, stream): HttpRequest {
    const tools = req.tools ?? [];
    const msgs: Array<Record<string, unknown>> = req.system ? [{ role: "system", content: req.system }] : [];
    for (const m of req.messages) msgs.push(...messages(m, names));
    const body: Record<string, unknown> = { model: p.model, max_tokens: req.maxTokens ?? p.maxTokens, messages: msgs };
    if (tools.length) body.tools = tools.map((t) => ({ type: "function", function: { name: names.wire(t.name), description: t.description, parameters: t.inputSchema } }));
    if (tools.length && req.toolChoice) body.tool_choice = toolChoice(req.toolChoice, names);
    if (req.temperature !== undefined) body.temperature = req.temperature;
    if (stream) {
      body.stream = true;
      body.stream_options = { include_usage: true };
    }
    const headers: Record<string, string> = {};
    if (p.key) headers.authorization = `Bearer ${p.key.reveal()}`;
    return { url: `${trimSlash(p.baseUrl)}/chat/completions`, headers, body };
  },

  parse(p, json, names, req): Answer {
    const c = check(p.name, CompletionSchema, json);
    const choice = c.choices[0]!;
    const toolCalls: ToolCall[] = (choice.message.tool_calls ?? []).map((t, i) => ({
      id: t.id || `call_${i}`,
      name: names.local(t.function.name),
      input: argumentsOf(p, t.function.name, t.function.arguments),
    }));
    const refused = !choice.message.content && choice.message.refusal;
    const text = choice.message.content ?? choice.message.refusal ?? "";
    const answerUsage = usageOrEstimate(p, c.usage, req, text, toolCalls);
    return { model: c.model ?? p.model, text, toolCalls, stopReason: refused ? "refusal" : openaiStop(choice.finish_reason), usage: answerUsage };
  },

  async *stream(p, events, names, req): AsyncGenerator<Piece> {
    let model = p.model;
    let finish: string | null = null;
    let usage: Usage | null = null;
    let text = "";
    const partials = new Map<number, PartialCall>();
    const toolCalls: ToolCall[] = [];
    let flushed = false;

    function* flush(): Generator<Piece> {
      if (flushed) return;
      flushed = true;
      for (const [i, t] of [...partials.entries()].sort((a, b) => a[0] - b[0])) {
        const call: ToolCall = { id: t.id || `call_${i}`, name: names.local(t.name), input: parseArguments(p.name, t.name, t.args) };
        toolCalls.push(call);
        yield { type: "tool_call", ...call };
      }
    }

    for await (const ev of events) {
      if (ev.data.trim() === "[DONE]") {
        yield* flush();
        const u = usage ?? usageOrEstimate(p, null, req, text, toolCalls);
        yield { type: "end", answer: { model, text, toolCalls, stopReason: openaiStop(finish), usage: u } };
        return;
      }
      const d = parseEventJson(p.name, ev);
      if (d.error) {
        const e = d.error as { message?: unknown; type?: unknown };
        const msg = typeof e.message === "string" ? redact(e.message, p.key) : typeof d.error === "string" ? redact(d.error, p.key) : "";
        throw new ProviderError(p.name, "http_error", `stream error${typeof e.type === "string" ? ` ${e.type}` : ""}: ${msg.slice(0, 300)}`, { retryable: e.type === "server_error" });
      }
      if (typeof d.model === "string" && d.model) model = d.model;
      if (d.usage) {
        const u = check(p.name, UsageSchema, d.usage, "chunk.usage");
        if (u) usage = { inputTokens: u.prompt_tokens, outputTokens: u.completion_tokens };
      }
      const choices = d.choices;
      if (choices !== undefined && !Array.isArray(choices)) check(p.name, v.array(v.unknown()), choices, "chunk.choices");
      const choice = (choices as Array<Record<string, unknown>> | undefined)?.[0];
      if (!choice) continue;
      const delta = (choice.delta ?? {}) as Record<string, unknown>;
      if (typeof delta.content === "string" && delta.content) {
        text += delta.content;
        yield { type: "text", text: delta.content };
      }
      if (delta.tool_calls != null) {
        const calls = check(p.name, v.array(v.looseObject({ index: v.optional(count), id: v.nullish(v.string()), function: v.nullish(v.looseObject({ name: v.nullish(v.string()), arguments: v.nullish(v.string()) })) })), delta.tool_calls, "chunk.choices.0.delta.tool_calls");
        calls.forEach((c, n) => {
          const i = c.index ?? n;
          const t = partials.get(i) ?? { id: "", name: "", args: "" };
          if (c.id) t.id = c.id;
          if (c.function?.name && !t.name) t.name = c.function.name;
          if (c.function?.arguments) t.args += c.function.arguments;
          partials.set(i, t);
        });
      }
      if (typeof choice.finish_reason === "string") {
        finish = choice.finish_reason;
        yield* flush();
      }
    }
    throw truncated(p.name, "data: [DONE]");
  },
};
