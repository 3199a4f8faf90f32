/**
 * OpenAI-compatible endpoints over the local inference runtime, mounted at
 * /v1 behind the same bearer token: GET /v1/models, POST /v1/embeddings,
 * POST /v1/chat/completions (with `stream: true` as server-sent events in
 * OpenAI's chunk format). Errors use OpenAI's shape,
 * `{"error":{"message","type","param","code"}}`, so OpenAI client libraries
 * report them properly. A full queue is a 429 with Retry-After; a client that
 * goes away cancels its request (queued or generating).
 * `X-Aios-Priority: background` puts a request behind interactive work.
 */
import { Hono, type Context } from "hono";
import * as v from "valibot";
import {
  BudgetError, CancelledError, LimitError, ModelLoadError, ModelNotFoundError, NotLoadedError, PRIORITIES, QueueFullError,
  RuntimeUnavailableError, TaskMismatchError, type ChatMessage, type InferenceRuntime, type Priority,
} from "../../inference";
import { log } from "../../sys";
import { bearerAuth } from "../auth";
import { HttpError } from "../errors";
import type { ApiDeps } from "../types";
import { readJson } from "../validate";

const ROLES = ["system", "developer", "user", "assistant", "tool"] as const;
const TextPart = v.object({ type: v.literal("text", 'only "text" content parts are supported'), text: v.string() });

const Message = v.object({
  role: v.picklist(ROLES, `must be one of ${ROLES.join(", ")}`),
  content: v.union([v.string(), v.array(TextPart), v.null()], "must be a string or an array of text parts"),
});

const count = (min: number) => v.pipe(v.number(), v.integer("must be an integer"), v.minValue(min, `must be at least ${min}`));

// Unknown fields are ignored (clients send many defaults); known ones the runtime cannot honour are refused below.
export const ChatBody = v.object({
  model: v.pipe(v.string(), v.minLength(1, "must not be empty")),
  messages: v.pipe(v.array(Message), v.minLength(1, "must hold at least one message")),
  max_tokens: v.optional(v.nullable(count(1))),
  max_completion_tokens: v.optional(v.nullable(count(1))),
  temperature: v.optional(v.nullable(v.pipe(v.number(), v.minValue(0, "must be 0..2"), v.maxValue(2, "must be 0..2")))),
  top_p: v.optional(v.nullable(v.pipe(v.number(), v.minValue(0, "must be 0..1"), v.maxValue(1, "must be 0..1")))),
  n: v.optional(v.nullable(v.pipe(v.number(), v.value(1, "only 1 is supported")))),
  stop: v.optional(v.pipe(v.nullable(v.union([v.string(), v.array(v.string())])), v.check((s) => s === null || s.length === 0, "stop sequences are not supported"))),
  tools: v.optional(v.pipe(v.nullable(v.array(v.unknown())), v.check((t) => !t?.length, "tool calls are not supported by local models"))),
  stream: v.optional(v.nullable(v.boolean())),
  stream_options: v.optional(v.nullable(v.object({ include_usage: v.optional(v.boolean()) }))),
});

export const EmbeddingsBody = v.object({
  model: v.pipe(v.string(), v.minLength(1, "must not be empty")),
  input: v.union([v.string(), v.pipe(v.array(v.string()), v.minLength(1, "must hold at least one string"))], "must be a string or an array of strings (token arrays are not supported)"),
  encoding_format: v.optional(v.picklist(["float", "base64"], "must be float or base64")),
  dimensions: v.optional(count(1)),
});

type ErrorType = "invalid_request_error" | "authentication_error" | "rate_limit_error" | "server_error" | "not_found_error";

interface OpenAiError {
  status: number;
  type: ErrorType;
  code: string;
  message: string;
  param: string | null;
  retryAfterS?: number;
}

/** Any error to OpenAI's error fields and an HTTP status. */
export function toOpenAiError(err: unknown): OpenAiError {
  const e = (status: number, type: ErrorType, code: string, message: string, param: string | null = null): OpenAiError => ({ status, type, code, message, param });
  if (err instanceof HttpError) {
    const type: ErrorType = err.status === 401 ? "authentication_error" : err.status === 404 ? "not_found_error" : err.status >= 500 ? "server_error" : "invalid_request_error";
    return e(err.status, type, err.status === 401 ? "invalid_api_key" : err.code, err.message, err.field ?? null);
  }
  if (err instanceof ModelNotFoundError) return e(404, "invalid_request_error", "model_not_found", err.message, "model");
  if (err instanceof TaskMismatchError) return e(400, "invalid_request_error", "model_not_supported", err.message, "model");
  if (err instanceof LimitError) return e(400, "invalid_request_error", err.field === "messages" ? "context_length_exceeded" : "invalid_value", err.message, err.field);
  if (err instanceof QueueFullError) return { ...e(429, "rate_limit_error", "queue_full", err.message), retryAfterS: err.retryAfterS };
  if (err instanceof CancelledError) return e(499, "invalid_request_error", "cancelled", err.message);
  if (err instanceof BudgetError || err instanceof NotLoadedError || err instanceof RuntimeUnavailableError || err instanceof ModelLoadError) {
    return e(503, "server_error", err.code.toLowerCase().replace(/^e/, ""), err.message);
  }
  log.error(`v1: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return e(500, "server_error", "internal", "internal error");
}

function errorBody(o: OpenAiError) {
  return { error: { message: o.message, type: o.type, param: o.param, code: o.code } };
}

function respondError(c: Context, err: unknown): Response {
  const o = toOpenAiError(err);
  if (o.retryAfterS !== undefined) c.header("Retry-After", String(o.retryAfterS));
  return c.json(errorBody(o), o.status as 400);
}

function priorityOf(c: Context): Priority | undefined {
  const p = c.req.header("x-aios-priority");
  if (p === undefined) return undefined;
  if (!(PRIORITIES as readonly string[]).includes(p)) {
    throw new HttpError(400, "bad_request", `x-aios-priority: must be one of ${PRIORITIES.join(", ")}`, { field: "x-aios-priority" });
  }
  return p as Priority;
}

/** Inference can outlast Bun.serve's 10 s idle timeout; lift it for this request when served by Bun. */
function noIdleTimeout(c: Context): void {
  const server = c.env as { timeout?: (req: Request, seconds: number) => void } | undefined;
  server?.timeout?.(c.req.raw, 0);
}

function textOf(content: v.InferOutput<typeof Message>["content"]): string {
  if (content === null) return "";
  return typeof content === "string" ? content : content.map((p) => p.text).join("");
}

const created = () => Math.floor(Date.now() / 1000);
const completionId = () => `chatcmpl-${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;

export function openaiRoutes(deps: ApiDeps) {
  const runtime = (): InferenceRuntime => {
    const r = deps.inference?.();
    if (!r) throw new RuntimeUnavailableError("inference runtime: not started in this system");
    return r;
  };

  const app = new Hono();
  app.use("*", bearerAuth(deps.token));
  app.onError((err, c) => respondError(c, err));

  app.get("/models", (c) => {
    const models = deps.inference?.()?.list() ?? [];
    return c.json({
      object: "list",
      data: models.map((m) => ({
        id: m.name, object: "model", created: 0, owned_by: m.origin === "image" ? "aios" : "user",
        task: m.task, tier: m.tier, loaded: m.loaded, test: m.test, ...(m.dims ? { dimensions: m.dims } : {}), ...(m.context ? { context_length: m.context } : {}),
      })),
    });
  });

  app.get("/models/:id", (c) => {
    const id = c.req.param("id");
    const m = deps.inference?.()?.list().find((x) => x.name === id);
    if (!m) throw new ModelNotFoundError(id);
    return c.json({ id: m.name, object: "model", created: 0, owned_by: m.origin === "image" ? "aios" : "user", task: m.task, tier: m.tier, loaded: m.loaded, test: m.test });
  });

  app.post("/embeddings", async (c) => {
    const body = await readJson(c, EmbeddingsBody);
    const rt = runtime();
    const priority = priorityOf(c);
    const input = typeof body.input === "string" ? [body.input] : body.input;
    noIdleTimeout(c);
    const entry = rt.resolve(body.model);
    if (body.dimensions !== undefined && body.dimensions !== entry.manifest.limits.dims) {
      throw new LimitError(`dimensions: model ${entry.manifest.name} gives ${entry.manifest.limits.dims ?? "?"}-dimensional embeddings and cannot shorten them`, "dimensions");
    }
    const r = await rt.embed(body.model, input, { priority, signal: c.req.raw.signal });
    const encode = (vec: Float32Array) => (body.encoding_format === "base64" ? Buffer.from(vec.buffer, vec.byteOffset, vec.byteLength).toString("base64") : Array.from(vec));
    return c.json({
      object: "list",
      data: r.vectors.map((vec, index) => ({ object: "embedding", index, embedding: encode(vec) })),
      model: entry.manifest.name,
      usage: { prompt_tokens: r.tokens, total_tokens: r.tokens },
    });
  });

  app.post("/chat/completions", async (c) => {
    const body = await readJson(c, ChatBody);
    const rt = runtime();
    const priority = priorityOf(c);
    const messages: ChatMessage[] = body.messages.map((m) => ({ role: m.role, content: textOf(m.content) }));
    const req = { messages, maxTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined, temperature: body.temperature ?? undefined, topP: body.top_p ?? undefined };
    const id = completionId();
    const when = created();
    noIdleTimeout(c);

    if (!body.stream) {
      const r = await rt.generate(body.model, req, { priority, signal: c.req.raw.signal });
      return c.json({
        id, object: "chat.completion", created: when, model: r.model,
        choices: [{ index: 0, message: { role: "assistant", content: r.text }, finish_reason: r.finishReason, logprobs: null }],
        usage: { prompt_tokens: r.promptTokens, completion_tokens: r.completionTokens, total_tokens: r.promptTokens + r.completionTokens },
      });
    }

    // Streaming: headers go out only once the job has passed the queue, the
    // load and the limit checks, so those failures are plain HTTP errors.
    const abort = new AbortController();
    const signal = AbortSignal.any([c.req.raw.signal, abort.signal]);
    const enc = new TextEncoder();
    const pending: string[] = [];
    let push: ((line: string) => void) | undefined;
    const emit = (line: string) => (push ? push(line) : pending.push(line));
    const model = rt.resolve(body.model).manifest.name;
    const chunk = (delta: object, finish: string | null, extra: object = {}) =>
      JSON.stringify({ id, object: "chat.completion.chunk", created: when, model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }], ...extra });

    let started!: () => void;
    const startedP = new Promise<void>((resolve) => (started = resolve));
    const done = rt.generate(body.model, req, {
      priority,
      signal,
      onStart: () => {
        emit(chunk({ role: "assistant", content: "" }, null));
        started();
      },
      onText: (text) => emit(chunk({ content: text }, null)),
    });
    await Promise.race([startedP, done]);

    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        push = (line) => {
          try {
            controller.enqueue(enc.encode(`data: ${line}\n\n`));
          } catch {
            abort.abort(); // the consumer is gone
          }
        };
        for (const line of pending.splice(0)) push(line);
        done.then(
          (r) => {
            push!(chunk({}, r.finishReason));
            if (body.stream_options?.include_usage) {
              push!(JSON.stringify({ id, object: "chat.completion.chunk", created: when, model, choices: [], usage: { prompt_tokens: r.promptTokens, completion_tokens: r.completionTokens, total_tokens: r.promptTokens + r.completionTokens } }));
            }
          },
          (err) => {
            if (!(err instanceof CancelledError)) push!(JSON.stringify(errorBody(toOpenAiError(err))));
          },
        ).finally(() => {
          try {
            controller.enqueue(enc.encode("data: [DONE]\n\n"));
            controller.close();
          } catch {
            // closed by a client that went away
          }
        });
      },
      cancel() {
        abort.abort();
      },
    });
    return new Response(stream, { headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive" } });
  });

  app.all("*", (c) => respondError(c, new HttpError(404, "not_found", `${c.req.method} ${c.req.path}: no such route`)));
  return app;
}
