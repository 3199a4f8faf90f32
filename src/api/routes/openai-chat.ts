/**
 * POST /v1/chat/completions: the request body (every parameter OpenAI
 * defines is either honoured or refused with a 400 naming it; unknown ones
 * are refused as OpenAI refuses them), its mapping onto a GenerateRequest,
 * and the answer in OpenAI's shape, plain or streamed as chat.completion.chunk
 * server-sent events, tool calls included (`delta.tool_calls`, with the
 * arguments in pieces as they are generated).
 */
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import * as v from "valibot";
import { CancelledError, type ChatMessage, type GenerateRequest, type GenerateResult, type InferenceRuntime, type Priority, type ResponseFormat, type ToolRequest } from "../../inference";
import { HttpError } from "../errors";
import { json } from "../json";

const ROLES = ["system", "developer", "user", "assistant", "tool"] as const;
const TextPart = v.object({ type: v.literal("text", 'only "text" content parts are supported'), text: v.string() });
const count = (min: number) => v.pipe(v.number(), v.integer("must be an integer"), v.minValue(min, `must be at least ${min}`));
const range = (lo: number, hi: number) => v.pipe(v.number(), v.minValue(lo, `must be ${lo}..${hi}`), v.maxValue(hi, `must be ${lo}..${hi}`));
const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const functionName = v.pipe(v.string(), v.regex(FUNCTION_NAME, "must be 1-64 letters, digits, _ or -"));

const ToolCallIn = v.object({
  id: v.pipe(v.string(), v.minLength(1, "must not be empty")),
  type: v.optional(v.literal("function", 'only "function" tool calls exist')),
  function: v.object({ name: functionName, arguments: v.string() }),
});

const Message = v.object({
  role: v.picklist(ROLES, `must be one of ${ROLES.join(", ")}`),
  content: v.optional(v.union([v.string(), v.array(TextPart), v.null()], "must be a string or an array of text parts")),
  name: v.optional(v.string()),
  tool_calls: v.optional(v.nullable(v.array(ToolCallIn))),
  tool_call_id: v.optional(v.string()),
});

const JsonSchemaObject = v.custom<Record<string, unknown>>((x) => typeof x === "object" && x !== null && !Array.isArray(x), "must be a JSON Schema object");

const ResponseFormatIn = v.variant("type", [
  v.object({ type: v.literal("text") }),
  v.object({ type: v.literal("json_object") }),
  v.object({
    type: v.literal("json_schema"),
    json_schema: v.object({
      name: v.pipe(v.string(), v.regex(FUNCTION_NAME, "must be 1-64 letters, digits, _ or -")),
      description: v.optional(v.string()),
      schema: v.optional(JsonSchemaObject),
      strict: v.optional(v.nullable(v.boolean())),
    }),
  }),
], 'must be {"type": "text" | "json_object" | "json_schema"}');

const ToolIn = v.object({
  type: v.literal("function", 'only "function" tools are supported'),
  function: v.object({
    name: functionName,
    description: v.optional(v.string()),
    parameters: v.optional(JsonSchemaObject),
    strict: v.optional(v.nullable(v.boolean())),
  }),
});

const ToolChoiceIn = v.union([
  v.picklist(["none", "auto", "required"]),
  v.object({ type: v.literal("function"), function: v.object({ name: functionName }) }),
], 'must be "none", "auto", "required" or {"type": "function", "function": {"name"}}');

/** Parameters OpenAI defines that this runtime cannot honour, unless sent with their do-nothing value. */
const REFUSED: Record<string, { ok: (x: unknown) => boolean; why: string }> = {
  logprobs: { ok: (x) => x === false, why: "log probabilities are not returned" },
  top_logprobs: { ok: () => false, why: "log probabilities are not returned" },
  store: { ok: (x) => x === false, why: "completions are not stored" },
  metadata: { ok: () => false, why: "completions are not stored" },
  modalities: { ok: (x) => Array.isArray(x) && x.length === 1 && x[0] === "text", why: "only text output exists" },
  audio: { ok: () => false, why: "only text output exists" },
  prediction: { ok: () => false, why: "predicted outputs are not supported" },
  web_search_options: { ok: () => false, why: "there is no web search" },
  reasoning_effort: { ok: () => false, why: "local models have no reasoning setting" },
  functions: { ok: () => false, why: "deprecated; use tools" },
  function_call: { ok: () => false, why: "deprecated; use tool_choice" },
  service_tier: { ok: (x) => x === "auto" || x === "default", why: "there is one service tier" },
};

export const ChatBody = v.pipe(
  v.looseObject({
    model: v.pipe(v.string(), v.minLength(1, "must not be empty")),
    messages: v.pipe(v.array(Message), v.minLength(1, "must hold at least one message")),
    max_tokens: v.optional(v.nullable(count(1))),
    max_completion_tokens: v.optional(v.nullable(count(1))),
    temperature: v.optional(v.nullable(range(0, 2))),
    top_p: v.optional(v.nullable(range(0, 1))),
    n: v.optional(v.nullable(v.pipe(v.number(), v.value(1, "only 1 is supported")))),
    stop: v.optional(v.nullable(v.union([
      v.pipe(v.string(), v.minLength(1, "must not be empty")),
      v.pipe(v.array(v.pipe(v.string(), v.minLength(1, "must not be empty"))), v.maxLength(4, "at most 4 stop sequences")),
    ], "must be a string or up to 4 strings"))),
    seed: v.optional(v.nullable(v.pipe(v.number(), v.integer("must be an integer")))),
    frequency_penalty: v.optional(v.nullable(range(-2, 2))),
    presence_penalty: v.optional(v.nullable(range(-2, 2))),
    logit_bias: v.optional(v.nullable(v.record(v.pipe(v.string(), v.regex(/^\d+$/, "keys must be token ids")), range(-100, 100)))),
    response_format: v.optional(v.nullable(ResponseFormatIn)),
    tools: v.optional(v.nullable(v.pipe(v.array(ToolIn), v.maxLength(128, "at most 128 tools")))),
    tool_choice: v.optional(v.nullable(ToolChoiceIn)),
    parallel_tool_calls: v.optional(v.nullable(v.boolean())),
    stream: v.optional(v.nullable(v.boolean())),
    stream_options: v.optional(v.nullable(v.object({ include_usage: v.optional(v.boolean()) }))),
    user: v.optional(v.string()),
  }),
);

export type ChatBodyType = v.InferOutput<typeof ChatBody>;

const KNOWN = new Set(["model", "messages", "max_tokens", "max_completion_tokens", "temperature", "top_p", "n", "stop", "seed", "frequency_penalty", "presence_penalty", "logit_bias", "response_format", "tools", "tool_choice", "parallel_tool_calls", "stream", "stream_options", "user"]);

/** Refuses parameters this runtime cannot honour, and unknown ones, naming each. */
export function checkParameters(body: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(body)) {
    if (KNOWN.has(key) || value === null || value === undefined) continue;
    const refused = REFUSED[key];
    if (refused?.ok(value)) continue;
    throw new HttpError(400, refused ? "unsupported_parameter" : "unknown_parameter", refused ? `${key}: ${refused.why}` : `${key}: unrecognized request argument`, { field: key });
  }
  if (body.stream_options && !body.stream) throw new HttpError(400, "invalid_value", "stream_options: only allowed with stream: true", { field: "stream_options" });
  const tools = (body.tools as unknown[] | null | undefined) ?? [];
  const choice = body.tool_choice as ChatBodyType["tool_choice"];
  if (!tools.length && choice && choice !== "none") throw new HttpError(400, "invalid_value", "tool_choice: needs tools", { field: "tool_choice" });
  const names = new Set<string>();
  for (const [i, t] of (tools as Array<{ function: { name: string } }>).entries()) {
    if (names.has(t.function.name)) throw new HttpError(400, "invalid_value", `tools.${i}.function.name: ${t.function.name} is given twice`, { field: `tools.${i}.function.name` });
    names.add(t.function.name);
  }
  if (choice && typeof choice === "object" && !names.has(choice.function.name)) {
    throw new HttpError(400, "invalid_value", `tool_choice: ${choice.function.name} is not among tools`, { field: "tool_choice.function.name" });
  }
}

function textOf(content: v.InferOutput<typeof Message>["content"]): string {
  if (content === null || content === undefined) return "";
  return typeof content === "string" ? content : content.map((p) => p.text).join("");
}

export function generateRequest(body: ChatBodyType): Omit<GenerateRequest, "maxTokens" | "temperature"> & { maxTokens?: number; temperature?: number } {
  const messages: ChatMessage[] = body.messages.map((m, i) => {
    if (m.role === "tool" && !m.tool_call_id) throw new HttpError(400, "bad_request", `messages.${i}.tool_call_id: a tool message needs the id of the call it answers`, { field: `messages.${i}.tool_call_id` });
    return {
      role: m.role,
      content: textOf(m.content),
      ...(m.tool_calls?.length ? { toolCalls: m.tool_calls.map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments })) } : {}),
      ...(m.tool_call_id ? { toolCallId: m.tool_call_id } : {}),
      ...(m.name ? { name: m.name } : {}),
    };
  });
  const rf = body.response_format;
  const responseFormat: ResponseFormat | undefined = !rf ? undefined
    : rf.type === "json_schema" ? { type: "json_schema", schema: rf.json_schema.schema ?? {}, strict: rf.json_schema.strict ?? false }
    : rf;
  const choice = body.tool_choice ?? "auto";
  const tools: ToolRequest | undefined = body.tools?.length
    ? {
      tools: body.tools.map((t) => ({ name: t.function.name, description: t.function.description, parameters: t.function.parameters ?? { type: "object", properties: {} }, strict: t.function.strict ?? false })),
      choice: typeof choice === "string" ? choice : { name: choice.function.name },
      parallel: body.parallel_tool_calls ?? true,
    }
    : undefined;
  const stop = body.stop === null || body.stop === undefined ? undefined : typeof body.stop === "string" ? [body.stop] : body.stop;
  const bias = body.logit_bias ? Object.fromEntries(Object.entries(body.logit_bias).map(([k, b]) => [Number(k), b])) : undefined;
  return {
    messages,
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
    temperature: body.temperature ?? undefined,
    topP: body.top_p ?? undefined,
    seed: body.seed ?? undefined,
    ...(stop?.length ? { stop } : {}),
    ...(responseFormat && responseFormat.type !== "text" ? { responseFormat } : {}),
    ...(tools ? { tools } : {}),
    ...(body.frequency_penalty || body.presence_penalty ? { penalties: { frequency: body.frequency_penalty ?? 0, presence: body.presence_penalty ?? 0 } } : {}),
    ...(bias && Object.keys(bias).length ? { logitBias: bias } : {}),
  };
}

const created = () => Math.floor(Date.now() / 1000);
const completionId = () => `chatcmpl-${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;

function usage(r: GenerateResult) {
  return { prompt_tokens: r.promptTokens, completion_tokens: r.completionTokens, total_tokens: r.promptTokens + r.completionTokens };
}

function message(r: GenerateResult) {
  const calls = r.toolCalls?.map((c) => ({ id: c.id, type: "function" as const, function: { name: c.name, arguments: c.arguments } }));
  return { role: "assistant" as const, content: calls && !r.text.trim() ? null : r.text, refusal: null, ...(calls ? { tool_calls: calls } : {}) };
}

export interface ChatDeps {
  runtime: InferenceRuntime;
  priority?: Priority;
  errorBody(err: unknown): object;
}

export async function chatCompletion(c: Context, body: ChatBodyType, deps: ChatDeps): Promise<Response> {
  const req = generateRequest(body);
  const id = completionId();
  const when = created();
  const rt = deps.runtime;

  if (!body.stream) {
    const r = await rt.generate(body.model, req, { priority: deps.priority, signal: c.req.raw.signal });
    return json({
      id, object: "chat.completion", created: when, model: r.model,
      choices: [{ index: 0, message: message(r), finish_reason: r.finishReason, logprobs: null }],
      usage: usage(r),
    });
  }

  // Streaming: the response starts only once the job has passed the queue,
  // the load, the limit and grammar checks, so those failures are plain HTTP errors.
  const abort = new AbortController();
  const signal = AbortSignal.any([c.req.raw.signal, abort.signal]);
  const model = rt.resolve(body.model).manifest.name;
  const chunk = (delta: object, finish: string | null) =>
    JSON.stringify({ id, object: "chat.completion.chunk", created: when, model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] });
  const queue: string[] = [];
  let wake: (() => void) | undefined;
  const emit = (data: string) => {
    queue.push(data);
    wake?.();
  };
  let started!: () => void;
  const startedP = new Promise<void>((resolve) => (started = resolve));
  const done = rt.generate(body.model, req, {
    priority: deps.priority,
    signal,
    onStart: () => {
      emit(chunk({ role: "assistant", content: "" }, null));
      started();
    },
    onText: (text) => emit(chunk({ content: text }, null)),
    onToolCall: (e) => emit(chunk({
      tool_calls: [e.id ? { index: e.index, id: e.id, type: "function", function: { name: e.name, arguments: e.arguments } } : { index: e.index, function: { arguments: e.arguments } }],
    }, null)),
  });
  let finished = false;
  const ended = done.then(
    (r) => {
      emit(chunk({}, r.finishReason));
      if (body.stream_options?.include_usage) emit(JSON.stringify({ id, object: "chat.completion.chunk", created: when, model, choices: [], usage: usage(r) }));
    },
    (err) => {
      if (!(err instanceof CancelledError)) emit(JSON.stringify(deps.errorBody(err)));
    },
  ).finally(() => {
    finished = true;
    wake?.();
  });
  await Promise.race([startedP, done]);

  return streamSSE(c, async (stream) => {
    stream.onAbort(() => abort.abort());
    for (;;) {
      while (queue.length) await stream.writeSSE({ data: queue.shift()! });
      if (finished) break;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
    await ended;
    await stream.writeSSE({ data: "[DONE]" });
  });
}
