/**
 * A local model server for tests, speaking both wire protocols the gateway
 * uses, over real HTTP on loopback:
 *   POST /v1/messages          Anthropic Messages API (x-api-key, anthropic-version)
 *   POST /v1/chat/completions  OpenAI chat completions (Authorization: Bearer)
 * plain and streamed (SSE), with the providers' own error bodies. Each
 * protocol has a queue of scripted replies (an answer with text and tool calls,
 * an HTTP error with retry-after, malformed JSON, a truncated or stalled
 * stream, a slow answer); when a queue is empty the default reply is used.
 * Every request is recorded (headers, parsed body) for tests to inspect.
 * It checks auth and the request shape the way the real APIs do, so a bad
 * tool name or a missing header is a 400 here too.
 */

export type FakeProtocol = "anthropic" | "openai";

export interface FakeToolCall {
  name: string;
  input: unknown;
  id?: string;
  /** Send these exact argument/partial_json fragments instead of splitting the JSON. */
  fragments?: string[];
}

export interface Answer {
  text?: string;
  toolCalls?: FakeToolCall[];
  stopReason?: string;
  usage?: { input: number; output: number };
  /** OpenAI only: leave usage out of the answer (as some compatible servers do). */
  omitUsage?: boolean;
  model?: string;
  /** Characters per streamed text or argument fragment (default 5). */
  chunk?: number;
  /** Wait before answering (headers included). */
  delayMs?: number;
  /** Streams: wait this long after the first text event. */
  stallMs?: number;
  /** Streams: end the connection right after the start, or after the first text. A plain answer is cut mid-JSON. */
  truncate?: "before-output" | "after-output";
  /** Streams, after the first text: Anthropic's `event: error` or OpenAI's `data: {"error":...}` with this type. */
  streamError?: string;
  message?: string;
}

export type Reply =
  | Answer
  | { status: number; errorType?: string; message?: string; retryAfter?: string; retryAfterMs?: number; headers?: Record<string, string>; echoKey?: boolean; delayMs?: number }
  | { malformed: "json" | "shape" | "tool-args" };

export interface RecordedRequest {
  protocol: FakeProtocol;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  raw: string;
  at: number;
}

export interface FakeLlmOptions {
  /** Keys each protocol accepts; a missing entry means no auth is checked (a local server). */
  keys?: Partial<Record<FakeProtocol, string>>;
  /** Answer when a queue is empty. Default: text "ok". */
  fallback?: Reply;
  /**
   * A scripted policy: the reply computed from the request itself (the
   * conversation so far), used when the protocol's queue is empty, before
   * `fallback`; undefined falls through to it. Multi-step tool use is
   * scripted this way (test/goals/eval-chain.ts).
   */
  respond?: (req: RecordedRequest) => Reply | undefined;
}

export interface FakeLlm {
  /** http://127.0.0.1:<port>; OpenAI-style base URL is `${url}/v1`. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  script(protocol: FakeProtocol, ...replies: Reply[]): void;
  /** Scripted replies not yet used. */
  pending(protocol: FakeProtocol): number;
  /** Drops the scripted replies not yet used and the recorded requests (between tests). */
  reset(): void;
  stop(): Promise<void>;
}

const WIRE_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const enc = new TextEncoder();

class BadRequest extends Error {}

function estimate(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function split(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function checkAnthropic(headers: Headers, body: Record<string, unknown>): void {
  if (!headers.get("anthropic-version")) throw new BadRequest("anthropic-version: header is required");
  if (typeof body.model !== "string" || !body.model) throw new BadRequest("model: Field required");
  if (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1) throw new BadRequest("max_tokens: Field required");
  if (!Array.isArray(body.messages) || body.messages.length === 0) throw new BadRequest("messages: at least one message is required");
  for (const [i, m] of (body.messages as Array<Record<string, unknown>>).entries()) {
    if (m.role !== "user" && m.role !== "assistant") throw new BadRequest(`messages.${i}.role: Input should be 'user' or 'assistant'`);
  }
  if (body.tools !== undefined) {
    for (const [i, t] of (body.tools as Array<Record<string, unknown>>).entries()) {
      if (typeof t.name !== "string" || !WIRE_NAME.test(t.name)) throw new BadRequest(`tools.${i}.name: String should match pattern '${WIRE_NAME.source}'`);
      const s = t.input_schema as Record<string, unknown> | undefined;
      if (!s || s.type !== "object") throw new BadRequest(`tools.${i}.input_schema.type: Input should be 'object'`);
    }
  }
}

function checkOpenai(body: Record<string, unknown>): void {
  if (typeof body.model !== "string" || !body.model) throw new BadRequest("you must provide a model parameter");
  if (!Array.isArray(body.messages) || body.messages.length === 0) throw new BadRequest("'messages' must contain at least one message");
  if (body.tools !== undefined) {
    for (const [i, t] of (body.tools as Array<Record<string, unknown>>).entries()) {
      const f = t.function as Record<string, unknown> | undefined;
      if (t.type !== "function" || !f) throw new BadRequest(`Invalid 'tools[${i}]': expected a function tool`);
      if (typeof f.name !== "string" || !WIRE_NAME.test(f.name)) throw new BadRequest(`Invalid 'tools[${i}].function.name': string does not match pattern. Expected a string that matches the pattern '${WIRE_NAME.source}'.`);
    }
  }
  if (body.stream_options !== undefined && body.stream !== true) throw new BadRequest("The 'stream_options' parameter is only allowed when 'stream' is enabled.");
}

function errorJson(protocol: FakeProtocol, type: string, message: string): string {
  return protocol === "anthropic"
    ? JSON.stringify({ type: "error", error: { type, message }, request_id: "req_fake" })
    : JSON.stringify({ error: { message, type, param: null, code: type } });
}

const DEFAULT_ERROR_TYPE: Record<number, [string, string]> = {
  400: ["invalid_request_error", "invalid_request_error"],
  401: ["authentication_error", "invalid_api_key"],
  403: ["permission_error", "insufficient_quota"],
  429: ["rate_limit_error", "rate_limit_exceeded"],
  500: ["api_error", "server_error"],
  503: ["api_error", "server_error"],
  529: ["overloaded_error", "server_error"],
};

function sse(events: Array<{ event?: string; data: unknown } | { wait: number }>): ReadableStream<Uint8Array> {
  let cancelled = false;
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        for (const e of events) {
          if (cancelled) return;
          if ("wait" in e) {
            await Bun.sleep(e.wait);
            continue;
          }
          const data = typeof e.data === "string" ? e.data : JSON.stringify(e.data);
          controller.enqueue(enc.encode(`${e.event ? `event: ${e.event}\n` : ""}data: ${data}\n\n`));
          await Bun.sleep(0); // separate chunks on the wire, as a real server's flushes are
        }
        controller.close();
      } catch {
        // the client went away
      }
    },
    cancel() {
      cancelled = true;
    },
  });
}

interface Plan {
  text: string;
  calls: Array<{ id: string; wire: string; json: string; fragments: string[] }>;
  stop: string;
  usage: { input: number; output: number };
  model: string;
}

function plan(protocol: FakeProtocol, r: Answer, body: Record<string, unknown>, raw: string, n: number): Plan {
  const chunk = r.chunk ?? 5;
  const calls = (r.toolCalls ?? []).map((c, i) => {
    const json = JSON.stringify(c.input);
    return { id: c.id ?? (protocol === "anthropic" ? `toolu_fake${n}_${i}` : `call_fake${n}_${i}`), wire: c.name, json, fragments: c.fragments ?? split(json, chunk) };
  });
  const text = r.text ?? (calls.length ? "" : "ok");
  const stop = r.stopReason ?? (calls.length ? (protocol === "anthropic" ? "tool_use" : "tool_calls") : protocol === "anthropic" ? "end_turn" : "stop");
  const usage = r.usage ?? { input: estimate(raw), output: estimate(text + calls.map((c) => c.json).join("")) };
  return { text, calls, stop, usage, model: r.model ?? String(body.model) };
}

function anthropicPlain(p: Plan, n: number): unknown {
  const content: unknown[] = [];
  if (p.text) content.push({ type: "text", text: p.text });
  for (const c of p.calls) content.push({ type: "tool_use", id: c.id, name: c.wire, input: JSON.parse(c.json) });
  return { id: `msg_fake${n}`, type: "message", role: "assistant", model: p.model, content, stop_reason: p.stop, stop_sequence: null, usage: { input_tokens: p.usage.input, output_tokens: p.usage.output } };
}

function anthropicEvents(p: Plan, n: number, r: Answer): Array<{ event?: string; data: unknown } | { wait: number }> {
  const ev = (type: string, data: Record<string, unknown>) => ({ event: type, data: { type, ...data } });
  const out: Array<{ event?: string; data: unknown } | { wait: number }> = [
    ev("message_start", { message: { id: `msg_fake${n}`, type: "message", role: "assistant", model: p.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: p.usage.input, output_tokens: 1 } } }),
  ];
  if (r.truncate === "before-output") return out;
  let index = 0;
  if (p.text || p.calls.length === 0) {
    out.push(ev("content_block_start", { index, content_block: { type: "text", text: "" } }));
    out.push(ev("ping", {}));
    const parts = split(p.text, r.chunk ?? 5);
    parts.forEach((t, i) => {
      out.push(ev("content_block_delta", { index, delta: { type: "text_delta", text: t } }));
      if (i === 0 && r.stallMs) out.push({ wait: r.stallMs });
    });
    if (r.truncate) return out;
    if (r.streamError) {
      out.push(ev("error", { error: { type: r.streamError, message: r.message ?? "Overloaded" } }));
      return out;
    }
    out.push(ev("content_block_stop", { index }));
    index++;
  }
  for (const c of p.calls) {
    out.push(ev("content_block_start", { index, content_block: { type: "tool_use", id: c.id, name: c.wire, input: {} } }));
    out.push(ev("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: "" } }));
    for (const f of c.fragments) out.push(ev("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: f } }));
    out.push(ev("content_block_stop", { index }));
    index++;
  }
  out.push(ev("message_delta", { delta: { stop_reason: p.stop, stop_sequence: null }, usage: { output_tokens: p.usage.output } }));
  out.push(ev("message_stop", {}));
  return out;
}

function openaiPlain(p: Plan, n: number, r: Answer): unknown {
  const message: Record<string, unknown> = { role: "assistant", content: p.text || null, refusal: null };
  if (p.calls.length) message.tool_calls = p.calls.map((c) => ({ id: c.id, type: "function", function: { name: c.wire, arguments: c.json } }));
  const base = { id: `chatcmpl-fake${n}`, object: "chat.completion", created: Math.floor(Date.now() / 1000), model: p.model, choices: [{ index: 0, message, logprobs: null, finish_reason: p.stop }] };
  return r.omitUsage ? base : { ...base, usage: { prompt_tokens: p.usage.input, completion_tokens: p.usage.output, total_tokens: p.usage.input + p.usage.output } };
}

function openaiEvents(p: Plan, n: number, r: Answer, includeUsage: boolean): Array<{ data: unknown } | { wait: number }> {
  const head = { id: `chatcmpl-fake${n}`, object: "chat.completion.chunk", created: Math.floor(Date.now() / 1000), model: p.model, system_fingerprint: "fp_fake" };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({ data: { ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...(includeUsage ? { usage: null } : {}) } });
  const out: Array<{ data: unknown } | { wait: number }> = [chunk({ role: "assistant", content: "", refusal: null })];
  if (r.truncate === "before-output") return out;
  const parts = split(p.text, r.chunk ?? 5);
  parts.forEach((t, i) => {
    out.push(chunk({ content: t }));
    if (i === 0 && r.stallMs) out.push({ wait: r.stallMs });
  });
  if (r.truncate) return out;
  if (r.streamError) {
    out.push({ data: { error: { message: r.message ?? "The server had an error", type: r.streamError, param: null, code: null } } });
    return out;
  }
  p.calls.forEach((c, i) => {
    out.push(chunk({ tool_calls: [{ index: i, id: c.id, type: "function", function: { name: c.wire, arguments: "" } }] }));
    for (const f of c.fragments) out.push(chunk({ tool_calls: [{ index: i, function: { arguments: f } }] }));
  });
  out.push(chunk({}, p.stop));
  if (includeUsage && !r.omitUsage) out.push({ data: { ...head, choices: [], usage: { prompt_tokens: p.usage.input, completion_tokens: p.usage.output, total_tokens: p.usage.input + p.usage.output } } });
  out.push({ data: "[DONE]" });
  return out;
}

export function startFakeLlm(opts: FakeLlmOptions = {}): FakeLlm {
  const queues: Record<FakeProtocol, Reply[]> = { anthropic: [], openai: [] };
  const requests: RecordedRequest[] = [];
  let served = 0;

  async function handle(req: Request): Promise<Response> {
    const path = new URL(req.url).pathname;
    const protocol: FakeProtocol | null = path === "/v1/messages" ? "anthropic" : path === "/v1/chat/completions" ? "openai" : null;
    if (!protocol || req.method !== "POST") return new Response(JSON.stringify({ error: { message: `no route ${req.method} ${path}` } }), { status: 404 });
    const raw = await req.text();
    const headers: Record<string, string> = {};
    req.headers.forEach((value, name) => (headers[name] = value));
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return json(protocol, 400, errorJson(protocol, "invalid_request_error", "request body is not valid JSON"));
    }
    requests.push({ protocol, method: req.method, path, headers, body, raw, at: Date.now() });
    const n = ++served;

    const key = opts.keys?.[protocol];
    if (key !== undefined) {
      const given = protocol === "anthropic" ? req.headers.get("x-api-key") : req.headers.get("authorization")?.replace(/^Bearer /, "");
      if (given !== key) {
        return protocol === "anthropic"
          ? json(protocol, 401, errorJson(protocol, "authentication_error", "invalid x-api-key"))
          : json(protocol, 401, errorJson(protocol, "invalid_api_key", `Incorrect API key provided: ${given ? `${given.slice(0, 3)}****${given.slice(-4)}` : "none"}.`));
      }
    }
    try {
      if (protocol === "anthropic") checkAnthropic(req.headers, body);
      else checkOpenai(body);
    } catch (err) {
      if (err instanceof BadRequest) return json(protocol, 400, errorJson(protocol, "invalid_request_error", err.message));
      throw err;
    }

    const r = queues[protocol].shift() ?? opts.respond?.(requests.at(-1)!) ?? opts.fallback ?? { text: "ok" };
    if ("delayMs" in r && r.delayMs) await Bun.sleep(r.delayMs);
    const stream = body.stream === true;

    if ("status" in r) {
      const [aType, oType] = DEFAULT_ERROR_TYPE[r.status] ?? ["api_error", "server_error"];
      const message = r.echoKey ? `bad key ${key ?? ""} rejected` : (r.message ?? `fake ${r.status}`);
      const h: Record<string, string> = { ...r.headers };
      if (r.retryAfter !== undefined) h["retry-after"] = r.retryAfter;
      if (r.retryAfterMs !== undefined) h["retry-after-ms"] = String(r.retryAfterMs);
      return json(protocol, r.status, errorJson(protocol, r.errorType ?? (protocol === "anthropic" ? aType : oType), message), h);
    }
    if ("malformed" in r) {
      if (r.malformed === "json") return new Response(stream ? "event: message_start\ndata: {not json\n\n" : '{"id": "msg_1", "content": [', { headers: { "content-type": stream ? "text/event-stream" : "application/json" } });
      if (r.malformed === "shape") {
        const bad = protocol === "anthropic" ? { id: "msg_x", type: "message", content: "not a list", usage: {} } : { id: "chatcmpl-x", choices: [] };
        if (!stream) return json(protocol, 200, JSON.stringify(bad));
        return new Response(sse(protocol === "anthropic" ? [{ event: "message_start", data: { type: "message_start", message: { usage: "none" } } }] : [{ data: { choices: "none" } }, { data: "[DONE]" }]), { headers: { "content-type": "text/event-stream" } });
      }
      // tool-args: the arguments are not JSON
      const p = plan(protocol, { toolCalls: [{ name: "fs__write", input: {}, fragments: ['{"path": "/x", '] }] }, body, raw, n);
      p.calls[0]!.json = '{"path": "/x", ';
      if (!stream) {
        const plain = protocol === "anthropic" ? { ...(anthropicPlain({ ...p, calls: [] }, n) as object), content: [{ type: "tool_use", id: "toolu_x", name: "fs__write", input: "not an object" }] } : openaiPlain(p, n, {});
        return json(protocol, 200, JSON.stringify(plain));
      }
      return new Response(sse(protocol === "anthropic" ? anthropicEvents(p, n, {}) : openaiEvents(p, n, {}, true)), { headers: { "content-type": "text/event-stream" } });
    }

    const p = plan(protocol, r, body, raw, n);
    if (!stream) {
      if (r.truncate || r.streamError) return new Response('{"id": "msg_', { headers: { "content-type": "application/json" } });
      return json(protocol, 200, JSON.stringify(protocol === "anthropic" ? anthropicPlain(p, n) : openaiPlain(p, n, r)));
    }
    const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    const events = protocol === "anthropic" ? anthropicEvents(p, n, r) : openaiEvents(p, n, r, includeUsage);
    return new Response(sse(events), { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } });
  }

  function json(protocol: FakeProtocol, status: number, text: string, headers: Record<string, string> = {}): Response {
    return new Response(text, { status, headers: { "content-type": "application/json", [protocol === "anthropic" ? "request-id" : "x-request-id"]: `req_fake${served}`, ...headers } });
  }

  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: handle, idleTimeout: 30 });
  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    script: (protocol, ...replies) => void queues[protocol].push(...replies),
    pending: (protocol) => queues[protocol].length,
    reset: () => {
      queues.anthropic.length = 0;
      queues.openai.length = 0;
      requests.length = 0;
    },
    stop: async () => {
      await server.stop(true);
    },
  };
}
