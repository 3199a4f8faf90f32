/**
 * OpenAI-compatible endpoints over the local inference runtime, mounted at
 * /v1 behind the same bearer token: GET /v1/models, POST /v1/embeddings,
 * POST /v1/chat/completions (openai-chat.ts: structured output, tools,
 * streaming as server-sent events in OpenAI's chunk format). Errors use OpenAI's shape,
 * `{"error":{"message","type","param","code"}}`, so OpenAI client libraries
 * report them properly. A full queue is a 429 with Retry-After; a client that
 * goes away cancels its request (queued or generating).
 * `X-Aios-Priority: background` puts a request behind interactive work.
 */
import { Hono, type Context } from "hono";
import * as v from "valibot";
import {
  GrammarError, InferenceError, LimitError, ModelNotFoundError, PRIORITIES, QueueFullError,
  RuntimeUnavailableError, TaskMismatchError, type InferenceErrorCode, type InferenceRuntime, type Priority,
} from "../../inference";
import { log } from "../../sys";
import { clip, HttpError } from "../errors";
import type { ApiDeps } from "../types";
import { readJson } from "../validate";
import { ChatBody, chatCompletion, checkParameters } from "./openai-chat";
import { json } from "../json";

export { ChatBody } from "./openai-chat";

const count = (min: number) => v.pipe(v.number(), v.integer("must be an integer"), v.minValue(min, `must be at least ${min}`));

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

/** Each inference code as OpenAI's status, type and code; `undefined`: a broken install, logged and answered 500. */
const INFERENCE_ERRORS: Record<InferenceErrorCode, readonly [number, ErrorType, string] | undefined> = {
  no_model: [404, "invalid_request_error", "model_not_found"],
  wrong_task: [400, "invalid_request_error", "model_not_supported"],
  bad_grammar: [400, "invalid_request_error", "invalid_schema"],
  over_limit: [400, "invalid_request_error", "invalid_value"],
  queue_full: [429, "rate_limit_error", "queue_full"],
  cancelled: [499, "invalid_request_error", "cancelled"],
  over_budget: [503, "server_error", "over_budget"],
  not_loaded: [503, "server_error", "not_loaded"],
  no_runtime: [503, "server_error", "no_runtime"],
  load_failed: [503, "server_error", "load_failed"],
  bad_manifest: undefined,
};

/** Any error to OpenAI's error fields and an HTTP status. */
export function toOpenAiError(err: unknown): OpenAiError {
  const e = (status: number, type: ErrorType, code: string, message: string, param: string | null = null): OpenAiError => ({ status, type, code, message, param });
  if (err instanceof HttpError) {
    const type: ErrorType = err.status === 401 ? "authentication_error" : err.status === 404 ? "not_found_error" : err.status >= 500 ? "server_error" : "invalid_request_error";
    return e(err.status, type, err.status === 401 ? "invalid_api_key" : err.code, err.message, err.field ?? null);
  }
  const known = err instanceof InferenceError ? INFERENCE_ERRORS[err.code] : undefined;
  if (err instanceof InferenceError && known) {
    const [status, type, code] = known;
    const param = err instanceof GrammarError || err instanceof LimitError ? err.field : err instanceof ModelNotFoundError || err instanceof TaskMismatchError ? "model" : null;
    const o = e(status, type, err instanceof LimitError && err.field === "messages" ? "context_length_exceeded" : code, err.message, param);
    return err instanceof QueueFullError ? { ...o, retryAfterS: err.retryAfterS } : o;
  }
  log.error(`v1: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return e(500, "server_error", "internal", "internal error");
}

function errorBody(o: OpenAiError) {
  return { error: { message: clip(o.message), type: o.type, param: o.param, code: o.code } };
}

function respondError(err: unknown): Response {
  const o = toOpenAiError(err);
  return json(errorBody(o), o.status, o.retryAfterS === undefined ? undefined : { "retry-after": String(o.retryAfterS) });
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

export function openaiRoutes(deps: ApiDeps) {
  const runtime = (): InferenceRuntime => {
    const r = deps.inference?.();
    if (!r) throw new RuntimeUnavailableError("inference runtime: not started in this system");
    return r;
  };

  const app = new Hono();
  app.onError((err) => respondError(err));

  app.get("/models", (c) => {
    const models = deps.inference?.()?.list() ?? [];
    return json({
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
    return json({ id: m.name, object: "model", created: 0, owned_by: m.origin === "image" ? "aios" : "user", task: m.task, tier: m.tier, loaded: m.loaded, test: m.test });
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
    return json({
      object: "list",
      data: r.vectors.map((vec, index) => ({ object: "embedding", index, embedding: encode(vec) })),
      model: entry.manifest.name,
      usage: { prompt_tokens: r.tokens, total_tokens: r.tokens },
    });
  });

  app.post("/chat/completions", async (c) => {
    const body = await readJson(c, ChatBody);
    checkParameters(body as Record<string, unknown>);
    const runtime_ = runtime();
    const priority = priorityOf(c);
    noIdleTimeout(c);
    return chatCompletion(c, body, { runtime: runtime_, priority, errorBody: (err) => errorBody(toOpenAiError(err)) });
  });

  return app;
}
