/**
 * Both wire protocols, over real HTTP against the fake server: what goes out
 * (headers, body, tool definitions) and what comes back, plain and streamed.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import * as v from "valibot";
import { gatewayKit, type Kit, removeKit } from "../../test/fakes/gateway-kit";
import { type FakeLlm, type FakeProtocol, startFakeLlm } from "../../test/fakes/llm-server";
import { defineTool } from "../tools/define";
import { GatewayError } from "./errors";
import { toolSpec } from "./tools";
import type { CompletionRequest, StreamEvent } from "./types";

const KEYS = { claude: "sk-ant-api03-TESTKEYclaude-0123456789abcdef", openai: "sk-proj-TESTKEYopenai-fedcba9876543210" };

const fsWrite = defineTool({
  name: "fs.write",
  description: "Write a whole file.",
  input: v.strictObject({ path: v.string(), content: v.string(), createParents: v.optional(v.boolean(), false) }),
  output: v.object({ bytes: v.number() }),
  risk: "medium",
  readOnly: false,
  idempotent: true,
  reversible: false,
  timeoutMs: 1000,
  execute: () => ({ bytes: 0 }),
});
const WRITE = toolSpec(fsWrite);

interface Case {
  name: "claude" | "openai";
  protocol: FakeProtocol;
  path: string;
  model: string;
  price: [number, number];
  /** How this provider says "wait". */
  retryAfter: { retryAfter?: string; retryAfterMs?: number };
  waitMs: number;
}

const CASES: Case[] = [
  { name: "claude", protocol: "anthropic", path: "/v1/messages", model: "claude-sonnet-4-5-20250929", price: [3, 15], retryAfter: { retryAfter: "1" }, waitMs: 1000 },
  { name: "openai", protocol: "openai", path: "/v1/chat/completions", model: "gpt-4o", price: [2.5, 10], retryAfter: { retryAfterMs: 300 }, waitMs: 300 },
];

let fake: FakeLlm;
let kit: Kit;
const seen: string[] = [];

beforeAll(() => {
  fake = startFakeLlm({ keys: { anthropic: KEYS.claude, openai: KEYS.openai } });
  kit = gatewayKit(
    `[api.claude]\nbase_url = "${fake.url}"\nmonthly_budget_usd = 10\nmax_retries = 2\n[api.openai]\nbase_url = "${fake.url}/v1"\nmonthly_budget_usd = 10\nmax_retries = 2\n`,
    { keys: KEYS },
  );
});

afterAll(async () => {
  // Nothing the gateway printed, threw or recorded may hold a key.
  const everything = [...kit.logs, ...seen, JSON.stringify(kit.gateway.status()), JSON.stringify(kit.usage.recent(1000))];
  for (const line of everything) for (const key of Object.values(KEYS)) expect(line).not.toContain(key);
  // Each key went only to its own provider, only in its auth header.
  for (const r of fake.requests) {
    expect(r.raw).not.toContain(KEYS.claude);
    expect(r.raw).not.toContain(KEYS.openai);
    if (r.protocol === "anthropic") expect(r.headers.authorization).toBeUndefined();
    else expect(r.headers["x-api-key"]).toBeUndefined();
  }
  removeKit(kit);
  await fake.stop();
});

beforeEach(() => {
  fake.requests.length = 0;
});

async function collect(req: CompletionRequest): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const e of kit.gateway.stream(req)) out.push(e);
  return out;
}

async function failure(p: Promise<unknown>): Promise<GatewayError> {
  const err = await p.then(() => null, (e) => e);
  expect(err).toBeInstanceOf(GatewayError);
  seen.push(err.message, ...err.failures.map((f: Error) => f.message));
  return err as GatewayError;
}

describe.each(CASES)("$name ($protocol)", (c) => {
  const only = { providers: [c.name] };

  test("a plain completion: the provider's request format, a neutral priced answer, usage recorded", async () => {
    fake.script(c.protocol, { text: "Hello there", usage: { input: 1234, output: 567 } });
    const r = await kit.gateway.complete({ ...only, system: "You plan.", messages: [{ role: "user", content: "hi" }], maxTokens: 100, temperature: 0.2, purpose: "plan" });
    const cost = (1234 * c.price[0] + 567 * c.price[1]) / 1e6;
    expect(r).toEqual({ provider: c.name, model: c.model, text: "Hello there", toolCalls: [], stopReason: "end", usage: { inputTokens: 1234, outputTokens: 567 }, costUsd: cost, cached: false });
    expect(kit.usage.recent(1)[0]).toMatchObject({ provider: c.name, model: c.model, purpose: "plan", inputTokens: 1234, outputTokens: 567, costNano: Math.round(cost * 1e9) });

    expect(fake.requests).toHaveLength(1);
    const sent = fake.requests[0]!;
    expect(sent.path).toBe(c.path);
    expect(sent.headers["content-type"]).toBe("application/json");
    if (c.protocol === "anthropic") {
      expect(sent.headers["x-api-key"]).toBe(KEYS.claude);
      expect(sent.headers["anthropic-version"]).toBe("2023-06-01");
      expect(sent.body).toEqual({ model: c.model, max_tokens: 100, system: "You plan.", messages: [{ role: "user", content: "hi" }], temperature: 0.2 });
    } else {
      expect(sent.headers.authorization).toBe(`Bearer ${KEYS.openai}`);
      expect(sent.body).toEqual({ model: c.model, max_tokens: 100, messages: [{ role: "system", content: "You plan." }, { role: "user", content: "hi" }], temperature: 0.2 });
    }
  });

  test("tools go out as native definitions with wire names; tool calls come back with aiOS names", async () => {
    fake.script(c.protocol, { toolCalls: [{ name: "fs__write", input: { path: "/etc/motd", content: "hi" } }] });
    const r = await kit.gateway.complete({ ...only, messages: [{ role: "user", content: "write motd" }], tools: [WRITE], toolChoice: { name: "fs.write" } });
    expect(r.stopReason).toBe("tool_use");
    expect(r.toolCalls).toEqual([{ id: expect.any(String), name: "fs.write", input: { path: "/etc/motd", content: "hi" } }]);
    const body = fake.requests[0]!.body;
    if (c.protocol === "anthropic") {
      expect(body.tools).toEqual([{ name: "fs__write", description: "Write a whole file.", input_schema: WRITE.inputSchema }]);
      expect(body.tool_choice).toEqual({ type: "tool", name: "fs__write" });
    } else {
      expect(body.tools).toEqual([{ type: "function", function: { name: "fs__write", description: "Write a whole file.", parameters: WRITE.inputSchema } }]);
      expect(body.tool_choice).toEqual({ type: "function", function: { name: "fs__write" } });
    }
    fake.script(c.protocol, { text: "no" });
    await kit.gateway.complete({ ...only, messages: [{ role: "user", content: "x" }], tools: [WRITE], toolChoice: "any" });
    expect(fake.requests[1]!.body.tool_choice).toEqual(c.protocol === "anthropic" ? { type: "any" } : "required");
  });

  test("a conversation with tool calls and results is rendered the provider's way", async () => {
    await kit.gateway.complete({
      ...only,
      messages: [
        { role: "user", content: "write motd" },
        { role: "assistant", content: [{ type: "text", text: "Writing." }, { type: "tool_call", id: "c1", name: "fs.write", input: { path: "/etc/motd", content: "hi" } }] },
        { role: "user", content: [{ type: "text", text: "and now?" }, { type: "tool_result", id: "c1", content: '{"bytes":2}' }] },
      ],
      tools: [WRITE],
    });
    const msgs = fake.requests[0]!.body.messages;
    if (c.protocol === "anthropic") {
      expect(msgs).toEqual([
        { role: "user", content: "write motd" },
        { role: "assistant", content: [{ type: "text", text: "Writing." }, { type: "tool_use", id: "c1", name: "fs__write", input: { path: "/etc/motd", content: "hi" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "c1", content: '{"bytes":2}' }, { type: "text", text: "and now?" }] },
      ]);
    } else {
      expect(msgs).toEqual([
        { role: "user", content: "write motd" },
        { role: "assistant", content: "Writing.", tool_calls: [{ id: "c1", type: "function", function: { name: "fs__write", arguments: '{"path":"/etc/motd","content":"hi"}' } }] },
        { role: "tool", tool_call_id: "c1", content: '{"bytes":2}' },
        { role: "user", content: "and now?" },
      ]);
    }
  });

  test("streamed text arrives in pieces and ends with the priced result", async () => {
    fake.script(c.protocol, { text: "The quick brown fox jumps", chunk: 3, usage: { input: 40, output: 9 } });
    const events = await collect({ ...only, messages: [{ role: "user", content: "go" }] });
    const texts = events.filter((e) => e.type === "text");
    expect(texts.length).toBe(9);
    expect(texts.map((e) => (e as { text: string }).text).join("")).toBe("The quick brown fox jumps");
    const done = events.at(-1)!;
    expect(done.type).toBe("done");
    if (done.type !== "done") return;
    expect(done.result).toMatchObject({ provider: c.name, text: "The quick brown fox jumps", stopReason: "end", usage: { inputTokens: 40, outputTokens: 9 }, cached: false });
    expect(done.result.costUsd).toBe((40 * c.price[0] + 9 * c.price[1]) / 1e6);
    const body = fake.requests[0]!.body;
    expect(body.stream).toBe(true);
    if (c.protocol === "openai") expect(body.stream_options).toEqual({ include_usage: true });
  });

  test("streamed tool-call arguments split into one-character deltas come back whole", async () => {
    const input = { path: "/etc/nginx/conf.d/proxy.conf", content: 'server { listen 80; location / { proxy_pass http://127.0.0.1:9090; } } # “quotes” é', createParents: true };
    fake.script(c.protocol, { text: "Here:", toolCalls: [{ name: "fs__write", input }, { name: "fs__write", input: { path: "/b", content: "" } }], chunk: 1 });
    const events = await collect({ ...only, messages: [{ role: "user", content: "proxy" }], tools: [WRITE] });
    const calls = events.filter((e) => e.type === "tool_call");
    expect(calls).toEqual([
      { type: "tool_call", id: expect.any(String), name: "fs.write", input },
      { type: "tool_call", id: expect.any(String), name: "fs.write", input: { path: "/b", content: "" } },
    ]);
    const done = events.at(-1)!;
    if (done.type !== "done") throw new Error("no done");
    expect(done.result.toolCalls.map((t) => t.input)).toEqual([input, { path: "/b", content: "" }]);
    expect(done.result.stopReason).toBe("tool_use");
    expect(done.result.text).toBe("Here:");
  });

  test("a 500 is retried with backoff, then answered", async () => {
    fake.script(c.protocol, { status: 500 }, { status: c.protocol === "anthropic" ? 529 : 503 }, { text: "fine" });
    const r = await kit.gateway.complete({ ...only, messages: [{ role: "user", content: "x" }] });
    expect(r.text).toBe("fine");
    expect(fake.requests).toHaveLength(3);
    expect(kit.logs.some((l) => l.includes(`gateway: ${c.name}: HTTP 500`) && l.includes("retry 1/2"))).toBe(true);
  });

  test("a 429's retry-after is waited out before the next attempt", async () => {
    fake.script(c.protocol, { status: 429, ...c.retryAfter }, { text: "after the wait" });
    const r = await kit.gateway.complete({ ...only, messages: [{ role: "user", content: "x" }] });
    expect(r.text).toBe("after the wait");
    const [first, second] = fake.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(c.waitMs - 15);
    expect(kit.logs.some((l) => l.includes(`${c.name}: HTTP 429`) && l.includes("as asked"))).toBe(true);
  });

  test("malformed JSON is an error that names the provider and what was wrong", async () => {
    fake.script(c.protocol, { malformed: "json" });
    const err = await failure(kit.gateway.complete({ ...only, messages: [{ role: "user", content: "x" }] }));
    expect(err.code).toBe("no_provider");
    expect(err.failures[0]!.code).toBe("malformed");
    expect(err.message).toStartWith(`gateway: no provider answered: ${c.name}: malformed response: not JSON (`);
    expect(fake.requests).toHaveLength(1); // a malformed answer is not retried
  });

  test("an answer of the wrong shape names the field", async () => {
    fake.script(c.protocol, { malformed: "shape" }, { malformed: "shape" });
    const err = await failure(kit.gateway.complete({ ...only, messages: [{ role: "user", content: "x" }] }));
    expect(err.failures[0]!.message).toMatch(c.protocol === "anthropic" ? /^claude: malformed response: model: / : /^openai: malformed response: choices: Invalid length/);
    const s = await failure(collect({ ...only, messages: [{ role: "user", content: "x" }] }));
    expect(s.failures[0]!.message).toMatch(c.protocol === "anthropic" ? /^claude: malformed response: message_start\.message\.model: / : /^openai: malformed response: chunk\.choices: /);
  });

  test("tool arguments that are not JSON are malformed, plain or streamed", async () => {
    fake.script(c.protocol, { malformed: "tool-args" }, { malformed: "tool-args" });
    const plain = await failure(kit.gateway.complete({ ...only, messages: [{ role: "user", content: "x" }], tools: [WRITE] }));
    expect(plain.failures[0]!.message).toMatch(c.protocol === "anthropic" ? /^claude: malformed response: content\.0\.input: / : /^openai: malformed response: tool call fs__write: arguments are not JSON/);
    const streamed = await failure(collect({ ...only, messages: [{ role: "user", content: "x" }], tools: [WRITE] }));
    expect(streamed.failures[0]!.message).toStartWith(`${c.name}: malformed response: tool call fs__write: arguments are not JSON`);
  });

  test("a stream error event before any output is retried", async () => {
    fake.script(c.protocol, { streamError: c.protocol === "anthropic" ? "overloaded_error" : "server_error", text: "" }, { text: "second try" });
    const events = await collect({ ...only, messages: [{ role: "user", content: "x" }] });
    expect(events.at(-1)).toMatchObject({ type: "done", result: { text: "second try" } });
    expect(fake.requests).toHaveLength(2);
  });

  test("a rejected key is auth_failed, not retried, and the key quoted back is redacted", async () => {
    fake.script(c.protocol, { status: 401, echoKey: true });
    const err = await failure(kit.gateway.complete({ ...only, messages: [{ role: "user", content: "x" }] }));
    expect(err.failures[0]!.code).toBe("auth_failed");
    expect(err.message).toContain(`${c.name}: HTTP 401`);
    expect(err.message).toContain("[redacted]");
    expect(fake.requests).toHaveLength(1);
  });
});
