/**
 * The OpenAPI description of /v1 (routes/openai.ts), kept beside it rather
 * than in it: the bodies are the schemas the routes validate with.
 */
import type { RouteDoc } from "./openapi";
import { ChatBody, EmbeddingsBody } from "./routes/openai";

const compat = "OpenAI-compatible; errors in OpenAI's shape {error: {message, type, param, code}}; a full queue is a 429 with Retry-After.";

export const OPENAI_DOCS: Readonly<Record<string, RouteDoc>> = {
  "GET /v1/models": { summary: "Local models (OpenAI's list shape, with task, tier and whether loaded)", description: compat },
  "GET /v1/models/:id": { summary: "One local model", description: compat, responses: { 200: "The model.", 404: "No such model." } },
  "POST /v1/embeddings": { summary: "Embeddings from a local model", description: compat, body: EmbeddingsBody, responses: { 200: "The vectors.", 429: "The queue is full (Retry-After).", 503: "The runtime or the model is not available." } },
  "POST /v1/chat/completions": {
    summary: "Chat completion from a local model; `stream: true` answers server-sent events in OpenAI's chunk format",
    description: `${compat} X-Aios-Priority: background puts a request behind interactive work.`,
    body: ChatBody,
    responses: { 200: "The completion (JSON), or its chunks (text/event-stream, ending with data: [DONE]).", 429: "The queue is full (Retry-After).", 503: "The runtime or the model is not available." },
  },
};
