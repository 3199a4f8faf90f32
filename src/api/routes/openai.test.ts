/**
 * /v1 over a real runtime on the tiny generated models: OpenAI's response and
 * error shapes, streaming as server-sent events, backpressure and cancellation.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InferenceRuntime, type RuntimeOptions, type TierPolicy } from "../../inference";
import { installTinyModels } from "../../inference/fixtures.testing";
import { setSink, type SystemInfo } from "../../sys";
import { createApi } from "../app";

const TOKEN = "t0ken";
const auth = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
const dir = mkdtempSync(join(tmpdir(), "aios-openai-test-"));
const tier = (over: Partial<TierPolicy> = {}): TierPolicy => ({ name: "", alwaysLoaded: false, loadOnDemand: true, maxTokens: 64, temperature: 0, idleMs: 0, ...over });
const runtimes: InferenceRuntime[] = [];

function setup(over: Partial<RuntimeOptions> = {}) {
  const rt = new InferenceRuntime({
    roots: [{ dir, origin: "image" }], runtimeDir: dir, budgetMb: 1000, queueLength: 8, concurrency: 1, threads: 1, embedding: "",
    tiers: { operational: tier(), tactical: tier({ name: "tiny-random-gpt2" }) }, ...over,
  });
  runtimes.push(rt);
  const app = createApi({ token: () => TOKEN, system: () => ({}) as SystemInfo, power: () => {}, inference: () => rt });
  const post = async (path: string, body: unknown, init: RequestInit = {}): Promise<Response> =>
    app.request(`/v1${path}`, { method: "POST", headers: auth, body: typeof body === "string" ? body : JSON.stringify(body), ...init });
  return { rt, app, post };
}

/** Holds the runtime's only worker until released, so later requests must wait. */
function holdWorker(rt: InferenceRuntime) {
  let release!: () => void;
  const held = rt.queue.submit("operational", "hold", () => new Promise<void>((r) => (release = r)));
  return async () => {
    release();
    await held;
  };
}

function expectOpenAiError(body: any, type: string, code: string, param: string | null) {
  expect(Object.keys(body.error).sort()).toEqual(["code", "message", "param", "type"]);
  expect(body.error).toMatchObject({ type, code, param });
  expect(body.error.message.length).toBeGreaterThan(0);
}

function parseSse(text: string): Array<any | "[DONE]"> {
  expect(text.endsWith("\n\n")).toBe(true);
  return text.trim().split("\n\n").map((event) => {
    expect(event.startsWith("data: ")).toBe(true);
    const data = event.slice("data: ".length);
    return data === "[DONE]" ? data : JSON.parse(data);
  });
}

const previousSink = setSink(() => {});
beforeAll(async () => {
  await installTinyModels(dir);
}, 60_000);
afterAll(async () => {
  for (const rt of runtimes) await rt.close();
  setSink(previousSink);
  rmSync(dir, { recursive: true, force: true });
});

describe("GET /v1/models", () => {
  test("lists the installed models in OpenAI's list shape", async () => {
    const { app } = setup();
    const res = await app.request("/v1/models", { headers: auth });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.object).toBe("list");
    expect(body.data.map((m: any) => m.id)).toEqual(["tiny-random-bert", "tiny-random-bert-classifier", "tiny-random-gpt2"]);
    expect(body.data[0]).toMatchObject({ object: "model", owned_by: "aios", task: "embed", tier: "operational", dimensions: 32, test: true, loaded: false });
    const one = await app.request("/v1/models/tiny-random-gpt2", { headers: auth });
    expect(((await one.json()) as any).id).toBe("tiny-random-gpt2");
    expectOpenAiError(await (await app.request("/v1/models/nope", { headers: auth })).json(), "invalid_request_error", "model_not_found", "model");
  });

  test("requires the bearer token, and answers in OpenAI's error shape", async () => {
    const { app } = setup();
    const res = await app.request("/v1/models");
    expect(res.status).toBe(401);
    expectOpenAiError(await res.json(), "authentication_error", "invalid_api_key", null);
    const wrong = await app.request("/v1/models", { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
  });

  test("an unknown /v1 route is a 404 in OpenAI's shape", async () => {
    const { app } = setup();
    const res = await app.request("/v1/completions", { method: "POST", headers: auth, body: "{}" });
    expect(res.status).toBe(404);
    expectOpenAiError(await res.json(), "not_found_error", "not_found", null);
  });

  test("without a runtime: an empty list, and 503 for inference", async () => {
    const app = createApi({ token: () => TOKEN, system: () => ({}) as SystemInfo, power: () => {} });
    expect(((await (await app.request("/v1/models", { headers: auth })).json()) as any).data).toEqual([]);
    const res = await app.request("/v1/embeddings", { method: "POST", headers: auth, body: JSON.stringify({ model: "x", input: "y" }) });
    expect(res.status).toBe(503);
    expectOpenAiError(await res.json(), "server_error", "no_runtime", null);
  });
});

describe("POST /v1/embeddings", () => {
  test("one vector per input, with usage", async () => {
    const { post } = setup();
    const res = await post("/embeddings", { model: "tiny-random-bert", input: ["hello world", "the init process"] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.object).toBe("list");
    expect(body.model).toBe("tiny-random-bert");
    expect(body.data.map((d: any) => [d.object, d.index, d.embedding.length])).toEqual([["embedding", 0, 32], ["embedding", 1, 32]]);
    expect(body.usage.prompt_tokens).toBeGreaterThan(4);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens);
  });

  test("base64 encoding carries the same float32 values", async () => {
    const { post } = setup();
    const f = (await (await post("/embeddings", { model: "tiny-random-bert", input: "same text" })).json()) as any;
    const b = (await (await post("/embeddings", { model: "tiny-random-bert", input: "same text", encoding_format: "base64" })).json()) as any;
    const bytes = Buffer.from(b.data[0].embedding, "base64");
    const decoded = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
    expect(decoded).toEqual(f.data[0].embedding);
  });

  test("bad requests are 400s naming the parameter", async () => {
    const { post } = setup();
    const cases: Array<[unknown, string, string]> = [
      ["{not json", "bad_json", "body"],
      [{ input: "x" }, "bad_request", "model"],
      [{ model: "tiny-random-bert", input: [1, 2] }, "bad_request", "input"],
      [{ model: "tiny-random-bert", input: "x", dimensions: 8 }, "invalid_value", "dimensions"],
      [{ model: "tiny-random-gpt2", input: "x" }, "model_not_supported", "model"],
    ];
    for (const [body, code, param] of cases) {
      const res = await post("/embeddings", body);
      expect(res.status).toBe(400);
      expectOpenAiError(await res.json(), "invalid_request_error", code, param);
    }
    const missing = await post("/embeddings", { model: "nope", input: "x" });
    expect(missing.status).toBe(404);
    expectOpenAiError(await missing.json(), "invalid_request_error", "model_not_found", "model");
  });
});

describe("POST /v1/chat/completions", () => {
  const chat = { model: "tiny-random-gpt2", messages: [{ role: "system", content: "Be brief." }, { role: "user", content: [{ type: "text", text: "Hello" }] }], max_tokens: 12, temperature: 0 };

  test("answers in chat.completion shape with usage", async () => {
    const { post } = setup();
    const res = await post("/chat/completions", chat);
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.object).toBe("chat.completion");
    expect(body.id).toMatch(/^chatcmpl-/);
    expect(body.model).toBe("tiny-random-gpt2");
    expect(body.choices).toHaveLength(1);
    expect(body.choices[0]).toMatchObject({ index: 0, message: { role: "assistant" }, finish_reason: "length" });
    expect(typeof body.choices[0].message.content).toBe("string");
    expect(body.usage.completion_tokens).toBe(12);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + 12);
  });

  test("the tier name stands for its configured model", async () => {
    const { post } = setup();
    const body = (await (await post("/chat/completions", { ...chat, model: "tactical", max_tokens: 2 })).json()) as any;
    expect(body.model).toBe("tiny-random-gpt2");
  });

  test("stream: true sends chat.completion.chunk events, a finish chunk, usage and [DONE]", async () => {
    const { post } = setup();
    const plain = (await (await post("/chat/completions", chat)).json()) as any;
    const res = await post("/chat/completions", { ...chat, stream: true, stream_options: { include_usage: true } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("text/event-stream");
    const events = parseSse(await res.text());
    expect(events.at(-1)).toBe("[DONE]");
    const chunks = events.slice(0, -1) as any[];
    for (const c of chunks) {
      expect(c.object).toBe("chat.completion.chunk");
      expect(c.id).toBe(chunks[0].id);
      expect(c.model).toBe("tiny-random-gpt2");
    }
    expect(chunks[0].choices[0].delta).toEqual({ role: "assistant", content: "" });
    const usage = chunks.at(-1);
    expect(usage.choices).toEqual([]);
    expect(usage.usage).toEqual(plain.usage);
    const finish = chunks.at(-2);
    expect(finish.choices[0]).toMatchObject({ delta: {}, finish_reason: "length" });
    const text = chunks.slice(1, -2).map((c) => c.choices[0].delta.content).join("");
    // Greedy decoding: the stream says exactly what the plain answer said.
    expect(text).toBe(plain.choices[0].message.content);
  });

  test("errors before the stream starts are plain HTTP errors", async () => {
    const { post } = setup();
    const res = await post("/chat/completions", { ...chat, stream: true, max_tokens: 1000 });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toStartWith("application/json");
    expectOpenAiError(await res.json(), "invalid_request_error", "invalid_value", "max_tokens");
  });

  test("validation: bad values and parameters that cannot be honoured are refused with the parameter named", async () => {
    const { post } = setup();
    const cases: Array<[object, string]> = [
      [{ ...chat, messages: [] }, "messages"],
      [{ ...chat, messages: [{ role: "wizard", content: "x" }] }, "messages.0.role"],
      [{ ...chat, messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "x" } }] }] }, "messages.0.content"],
      [{ ...chat, messages: [{ role: "tool", content: "x" }] }, "messages.0.tool_call_id"],
      [{ ...chat, n: 2 }, "n"],
      [{ ...chat, stop: [""] }, "stop.0"],
      [{ ...chat, stop: ["a", "b", "c", "d", "e"] }, "stop"],
      [{ ...chat, tools: [{ type: "function" }] }, "tools.0.function"],
      [{ ...chat, tools: [{ type: "function", function: { name: "has space" } }] }, "tools.0.function.name"],
      [{ ...chat, tools: [{ type: "function", function: { name: "a" } }, { type: "function", function: { name: "a" } }] }, "tools.1.function.name"],
      [{ ...chat, tool_choice: "required" }, "tool_choice"],
      [{ ...chat, tools: [{ type: "function", function: { name: "a" } }], tool_choice: { type: "function", function: { name: "b" } } }, "tool_choice.function.name"],
      [{ ...chat, response_format: { type: "xml" } }, "response_format.type"],
      [{ ...chat, temperature: 3 }, "temperature"],
      [{ ...chat, frequency_penalty: 3 }, "frequency_penalty"],
      [{ ...chat, logit_bias: { "999999": 1 } }, "logit_bias"],
      [{ ...chat, logprobs: true }, "logprobs"],
      [{ ...chat, top_logprobs: 2 }, "top_logprobs"],
      [{ ...chat, reasoning_effort: "high" }, "reasoning_effort"],
      [{ ...chat, function_call: "auto" }, "function_call"],
      [{ ...chat, frobnicate: 1 }, "frobnicate"],
      [{ ...chat, stream_options: { include_usage: true } }, "stream_options"],
    ];
    for (const [body, param] of cases) {
      const res = await post("/chat/completions", body);
      expect(res.status).toBe(400);
      const err = ((await res.json()) as any).error;
      expect([err.param, err.type]).toEqual([param, "invalid_request_error"]);
    }
    // Defaults clients send are accepted.
    expect((await post("/chat/completions", { ...chat, n: 1, stop: null, tools: [], stream: false, frequency_penalty: 0, logprobs: false, store: false, user: "u", max_tokens: 1 })).status).toBe(200);
  });

  test("a prompt beyond the context is context_length_exceeded", async () => {
    const { post } = setup();
    const res = await post("/chat/completions", { ...chat, messages: [{ role: "user", content: "word ".repeat(2100) }] });
    expect(res.status).toBe(400);
    expectOpenAiError(await res.json(), "invalid_request_error", "context_length_exceeded", "messages");
  });
});

describe("backpressure and cancellation", () => {
  test("a full queue answers 429 with Retry-After", async () => {
    const { rt, post } = setup({ queueLength: 0 });
    const release = holdWorker(rt);
    const res = await post("/embeddings", { model: "tiny-random-bert", input: "x" });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expectOpenAiError(await res.json(), "rate_limit_error", "queue_full", null);
    const stream = await post("/chat/completions", { model: "tiny-random-gpt2", messages: [{ role: "user", content: "x" }], stream: true });
    expect(stream.status).toBe(429);
    await release();
    expect((await post("/embeddings", { model: "tiny-random-bert", input: "x" })).status).toBe(200);
  });

  test("operational requests overtake waiting background ones (X-Aios-Priority)", async () => {
    const { rt, post } = setup();
    const release = holdWorker(rt);
    const order: string[] = [];
    const bg = post("/embeddings", { model: "tiny-random-bert", input: "bg" }, { headers: { ...auth, "x-aios-priority": "background" } }).then(() => order.push("background"));
    const tac = post("/chat/completions", { model: "tiny-random-gpt2", messages: [{ role: "user", content: "t" }], max_tokens: 1 }).then(() => order.push("tactical"));
    const op = post("/embeddings", { model: "tiny-random-bert", input: "op" }).then(() => order.push("operational"));
    await Bun.sleep(20);
    expect(rt.queue.stats().waiting).toEqual({ operational: 1, tactical: 1, background: 1 });
    await release();
    await Promise.all([bg, tac, op]);
    expect(order).toEqual(["operational", "tactical", "background"]);
    const bad = await post("/embeddings", { model: "tiny-random-bert", input: "x" }, { headers: { ...auth, "x-aios-priority": "urgent" } });
    expect(((await bad.json()) as any).error.param).toBe("x-aios-priority");
  });

  test("a client that goes away while queued is removed from the queue", async () => {
    const { rt, post } = setup();
    const release = holdWorker(rt);
    const ac = new AbortController();
    const pending = post("/embeddings", { model: "tiny-random-bert", input: "x" }, { signal: ac.signal }).catch((e) => e);
    await Bun.sleep(20);
    expect(rt.queue.size).toBe(1);
    ac.abort();
    await pending;
    expect(rt.queue.size).toBe(0);
    expect(rt.queue.stats().cancelled).toBe(1);
    await release();
  });

  test("a streaming client that disconnects stops the generation", async () => {
    const { rt, post } = setup({ tiers: { operational: tier(), tactical: tier({ maxTokens: 256 }) } });
    const res = await post("/chat/completions", { model: "tiny-random-gpt2", messages: [{ role: "user", content: "x" }], max_tokens: 200, stream: true });
    const reader = res.body!.getReader();
    await reader.read(); // the role chunk
    await reader.cancel();
    for (let i = 0; i < 100 && rt.queue.stats().running > 0; i++) await Bun.sleep(10);
    expect(rt.queue.stats()).toMatchObject({ running: 0, cancelled: 1, completed: 0 });
  });
});
