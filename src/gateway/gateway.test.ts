/**
 * The gateway across providers, over real HTTP against two fake servers (a
 * keyed one for claude and openai, a keyless "local" OpenAI-compatible one):
 * fallback, order, budgets across a reboot and a month, rate limits, the
 * cache, cancellation, broken streams, and keys that never leak.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { FakeClock, gatewayKit, type Kit, type KitOptions, removeKit } from "../../test/fakes/gateway-kit";
import { type FakeLlm, startFakeLlm } from "../../test/fakes/llm-server";
import { GatewayError } from "./errors";
import type { CompletionRequest, StreamEvent } from "./types";

const KEYS = { claude: "sk-ant-api03-GWTESTclaude-aaaaaaaaaaaaaaaa", openai: "sk-proj-GWTESTopenai-bbbbbbbbbbbbbbbb" };
const HI: CompletionRequest = { messages: [{ role: "user", content: "hi" }] };

let cloud: FakeLlm;
let local: FakeLlm;
const kits: Kit[] = [];
const seen: string[] = [];

beforeAll(() => {
  cloud = startFakeLlm({ keys: { anthropic: KEYS.claude, openai: KEYS.openai } });
  local = startFakeLlm();
});

afterEach(() => {
  cloud.requests.length = 0;
  local.requests.length = 0;
  for (const k of kits.splice(0)) {
    seen.push(...k.logs);
    if (!k.closed) seen.push(JSON.stringify(k.gateway.status()));
    removeKit(k);
  }
});

afterAll(async () => {
  for (const line of seen) for (const key of Object.values(KEYS)) expect(line).not.toContain(key);
  await cloud.stop();
  await local.stop();
});

type Table = Record<string, string | number | boolean>;
const toml = (t: Table) => Object.entries(t).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join("\n");

/** claude and openai (fallback_only) on the keyed fake, with budgets; extra TOML appended. */
function setup(extra = "", opts: KitOptions = {}, claude: Table = {}, openai: Table = {}): Kit {
  const base = { monthly_budget_usd: 10, max_retries: 1 };
  const text = `[api.claude]\n${toml({ base_url: cloud.url, ...base, ...claude })}\n[api.openai]\n${toml({ base_url: `${cloud.url}/v1`, ...base, ...openai })}\n${extra}`;
  const kit = gatewayKit(text, { keys: KEYS, ...opts });
  kits.push(kit);
  return kit;
}

async function failure(p: Promise<unknown>): Promise<GatewayError> {
  const err = await p.then(() => null, (e) => e);
  expect(err).toBeInstanceOf(GatewayError);
  seen.push(err.message);
  return err as GatewayError;
}

async function collect(kit: Kit, req: CompletionRequest, into: StreamEvent[] = []): Promise<StreamEvent[]> {
  for await (const e of kit.gateway.stream(req)) into.push(e);
  return into;
}

const count = (f: FakeLlm, protocol: "anthropic" | "openai") => f.requests.filter((r) => r.protocol === protocol).length;

describe("fallback", () => {
  test("500s past the retries: the next provider answers and the reason is logged", async () => {
    const kit = setup();
    cloud.script("anthropic", { status: 500, message: "boom" }, { status: 500, message: "boom" });
    const r = await kit.gateway.complete(HI);
    expect(r.provider).toBe("openai");
    expect(count(cloud, "anthropic")).toBe(2);
    expect(count(cloud, "openai")).toBe(1);
    expect(kit.logs).toContain("aios: warn: gateway: claude: HTTP 500 api_error: boom (after 2 attempts); trying the next provider");
  });

  test("a 429 asking for longer than max_wait moves on at once, and holds the provider for later calls", async () => {
    const kit = setup();
    cloud.script("anthropic", { status: 429, retryAfter: "30", message: "slow down" });
    const t0 = performance.now();
    expect((await kit.gateway.complete(HI)).provider).toBe("openai");
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(count(cloud, "anthropic")).toBe(1);
    expect(kit.logs.some((l) => l.includes("claude: HTTP 429 rate_limit_error: slow down; retry-after 30s is more than max_wait 10s; trying the next provider"))).toBe(true);
    // The next call does not knock on claude's door before the 30 s are up.
    expect((await kit.gateway.complete(HI)).provider).toBe("openai");
    expect(count(cloud, "anthropic")).toBe(1);
    const claude = kit.gateway.status().providers.find((p) => p.name === "claude")!;
    expect(claude.rateLimit.blockedForMs).toBeGreaterThan(28_000);
  });

  test("a timeout moves on", async () => {
    const kit = setup("", {}, { timeout: "200ms", max_retries: 0 });
    cloud.script("anthropic", { text: "too late", delayMs: 1500 });
    const t0 = performance.now();
    const r = await kit.gateway.complete(HI);
    expect(r.provider).toBe("openai");
    expect(performance.now() - t0).toBeLessThan(1200);
    expect(kit.logs).toContain("aios: warn: gateway: claude: no answer within 0.2s; trying the next provider");
  });

  test("malformed JSON moves on", async () => {
    const kit = setup();
    cloud.script("anthropic", { malformed: "json" });
    expect((await kit.gateway.complete(HI)).provider).toBe("openai");
  });

  test("when every provider fails, the error lists each one's reason", async () => {
    const kit = setup();
    cloud.script("anthropic", { malformed: "json" });
    cloud.script("openai", { status: 400, message: "bad tool" });
    const err = await failure(kit.gateway.complete({ ...HI, purpose: "plan" }));
    expect(err.code).toBe("no_provider");
    expect(err.failures.map((f) => f.code)).toEqual(["malformed", "bad_request"]);
    expect(err.message).toMatch(/^gateway: no provider answered \(plan\): claude: malformed response: not JSON .*; openai: HTTP 400 invalid_request_error: bad tool$/);
    expect((await failure(kit.gateway.complete({ ...HI, providers: ["nobody"] }))).message).toBe("gateway: no provider answered: none is configured among nobody");
  });

  test("order comes from [gateway] order; fallback_only providers come last", async () => {
    const kit = setup(`[api.local]\nbase_url = "${local.url}/v1"\nmodel = "qwen2.5:7b"\nmax_retries = 0\n[gateway]\norder = ["local", "openai", "claude"]\n`);
    expect(kit.gateway.status().order).toEqual(["local", "claude", "openai"]);
    expect((await kit.gateway.complete(HI)).provider).toBe("local");
    local.script("openai", { status: 500 });
    expect((await kit.gateway.complete(HI)).provider).toBe("claude");
    local.script("openai", { status: 500 });
    cloud.script("anthropic", { status: 500 }, { status: 500 });
    expect((await kit.gateway.complete(HI)).provider).toBe("openai");
  });
});

describe("budgets", () => {
  test("over budget: a clear refusal and the next provider; the spend survives a reopen; a new month starts afresh", async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 30, 23, 59));
    let kit = setup("", { clock }, { monthly_budget_usd: 0.01 });
    cloud.script("anthropic", { text: "expensive", usage: { input: 4000, output: 0 } }); // $0.012
    const first = await kit.gateway.complete(HI);
    expect(first).toMatchObject({ provider: "claude", costUsd: 0.012 });
    const second = await kit.gateway.complete(HI);
    expect(second.provider).toBe("openai");
    expect(kit.logs).toContain("aios: gateway: claude: monthly budget of $0.01 reached ($0.0120 spent in 2026-11); trying the next provider");

    kit = kit.reopen(); // a reboot: same state directory, same working.db
    kits.push(kit);
    expect((await kit.gateway.complete(HI)).provider).toBe("openai");
    const status = kit.gateway.status().providers.find((p) => p.name === "claude")!;
    expect(status).toMatchObject({ available: false, reason: "monthly budget of $0.01 reached ($0.0120 spent in 2026-11)", budget: { month: "2026-11", monthlyUsd: 0.01, spentUsd: 0.012, leftUsd: 0, calls: 1 } });

    clock.t = Date.UTC(2026, 11, 1, 0, 1);
    expect((await kit.gateway.complete(HI)).provider).toBe("claude");
    expect(kit.gateway.status().providers.find((p) => p.name === "claude")!.budget.month).toBe("2026-12");
    expect(kit.usage.spentNano("claude", "2026-11")).toBe(12_000_000);
  });

  test("budget 0 keeps a priced provider off; a keyless free local server needs neither key nor budget", async () => {
    const kit = setup(`[api.local]\nbase_url = "${local.url}/v1"\nmodel = "qwen2.5:7b"\nfallback_only = true\n`, {}, { monthly_budget_usd: 0 }, { monthly_budget_usd: 0 });
    const r = await kit.gateway.complete(HI);
    expect(r).toMatchObject({ provider: "local", model: "qwen2.5:7b", costUsd: 0 });
    expect(cloud.requests).toHaveLength(0);
    expect(local.requests[0]!.headers.authorization).toBeUndefined();
    const status = kit.gateway.status();
    expect(status.providers.find((p) => p.name === "claude")).toMatchObject({ available: false, reason: expect.stringContaining("monthly_budget_usd is 0") });
    expect(status.providers.find((p) => p.name === "local")).toMatchObject({ available: true, key: "none", budget: { leftUsd: null } });
  });

  test("a compatible server that reports no usage is charged an estimate", async () => {
    const kit = setup(`[api.local]\nbase_url = "${local.url}/v1"\nmodel = "m"\nmonthly_budget_usd = 1\nprice_input_per_mtok = 1\nprice_output_per_mtok = 1\n[gateway]\norder = ["local"]\n`);
    local.script("openai", { text: "x".repeat(400), omitUsage: true });
    const r = await kit.gateway.complete(HI);
    expect(r.provider).toBe("local");
    expect(r.usage.outputTokens).toBe(100);
    expect(r.usage.inputTokens).toBeGreaterThan(0);
    expect(r.costUsd).toBeGreaterThan(0);
  });
});

describe("rate limits", () => {
  test("a short wait is waited: 2 requests a minute, the third call waits 30 s on the clock", async () => {
    const clock = new FakeClock();
    const kit = setup('[gateway]\nmax_wait = "60s"\n', { clock }, { rate_limit_rpm: 2 });
    for (let i = 0; i < 3; i++) expect((await kit.gateway.complete(HI)).provider).toBe("claude");
    expect(clock.sleeps).toEqual([30_000]);
  });

  test("a long wait gives way to the next provider", async () => {
    const clock = new FakeClock();
    const kit = setup("", { clock }, { rate_limit_rpm: 2 });
    const providers = [];
    for (let i = 0; i < 3; i++) providers.push((await kit.gateway.complete(HI)).provider);
    expect(providers).toEqual(["claude", "claude", "openai"]);
    expect(clock.sleeps).toEqual([]);
    expect(kit.logs).toContain("aios: warn: gateway: claude: rate limit (2 requests/min): next request in 30s, more than max_wait 10s; trying the next provider");
  });

  test("tokens per minute count what the answers really used", async () => {
    const clock = new FakeClock();
    const kit = setup('[gateway]\nmax_wait = "5m"\n', { clock }, { rate_limit_tpm: 1000 });
    cloud.script("anthropic", { text: "long", usage: { input: 100, output: 1900 } });
    await kit.gateway.complete(HI);
    await kit.gateway.complete(HI);
    // 2000 used of 1000/min: the bucket is 1000 in debt, so the second call waited for it to refill.
    expect(clock.sleeps.length).toBe(1);
    expect(clock.sleeps[0]!).toBeGreaterThan(60_000);
  });
});

describe("cancellation", () => {
  test("an AbortSignal stops a slow call at once, and no other provider is tried", async () => {
    const kit = setup();
    cloud.script("anthropic", { text: "slow", delayMs: 3000 });
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 100);
    const t0 = performance.now();
    const err = await failure(kit.gateway.complete({ ...HI, signal: ctl.signal, purpose: "plan" }));
    expect(err.code).toBe("aborted");
    expect(err.message).toBe("gateway: call to claude cancelled");
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(count(cloud, "openai")).toBe(0);
  });

  test("a signal already aborted, or one that fires during a backoff, cancels too", async () => {
    const kit = setup("", { backoff: { baseMs: 5000, maxMs: 5000 } });
    const ctl = new AbortController();
    ctl.abort();
    expect((await failure(kit.gateway.complete({ ...HI, signal: ctl.signal }))).code).toBe("aborted");
    expect(cloud.requests).toHaveLength(0);

    cloud.script("anthropic", { status: 500 });
    const ctl2 = new AbortController();
    setTimeout(() => ctl2.abort(), 150);
    const t0 = performance.now();
    const err = await failure(kit.gateway.complete({ ...HI, signal: ctl2.signal }));
    expect(err.code).toBe("aborted");
    expect(performance.now() - t0).toBeLessThan(1500);
  });

  test("aborting mid-stream ends the stream with aborted", async () => {
    const kit = setup();
    cloud.script("anthropic", { text: "first words then a long pause", stallMs: 3000 });
    const ctl = new AbortController();
    const events: StreamEvent[] = [];
    const err = await failure(
      (async () => {
        for await (const e of kit.gateway.stream({ ...HI, signal: ctl.signal })) {
          events.push(e);
          ctl.abort();
        }
      })(),
    );
    expect(err.code).toBe("aborted");
    expect(events).toEqual([{ type: "text", text: "first" }]);
  });
});

describe("broken streams", () => {
  test("cut before any output: retried, then the next provider", async () => {
    const kit = setup();
    cloud.script("anthropic", { truncate: "before-output" }, { truncate: "before-output" });
    const events = await collect(kit, HI);
    expect(events.at(-1)).toMatchObject({ type: "done", result: { provider: "openai" } });
    expect(count(cloud, "anthropic")).toBe(2);
    expect(kit.logs.some((l) => l.includes("claude: stream ended before message_stop (truncated)"))).toBe(true);
  });

  test("cut after output: interrupted naming the provider, no fallback", async () => {
    const kit = setup();
    cloud.script("anthropic", { text: "partial answer", truncate: "after-output" });
    const events: StreamEvent[] = [];
    const err = await failure(collect(kit, HI, events));
    expect(err.code).toBe("interrupted");
    expect(err.message).toBe("gateway: claude: stream ended before message_stop (truncated), after part of the answer was streamed");
    expect(events.length).toBeGreaterThan(0);
    expect(count(cloud, "openai")).toBe(0);
  });

  test("a stream that goes silent for longer than the timeout is cut", async () => {
    const kit = setup("", {}, {}, { timeout: "300ms" });
    cloud.script("openai", { text: "hello and then nothing", stallMs: 2000 });
    const t0 = performance.now();
    const err = await failure(collect(kit, { ...HI, providers: ["openai"] }));
    expect(err.code).toBe("interrupted");
    expect(err.message).toContain("openai: no answer within 0.3s");
    expect(performance.now() - t0).toBeLessThan(1500);
  });
});

describe("cache", () => {
  test("an identical request is answered from the cache until the TTL passes", async () => {
    const clock = new FakeClock();
    const kit = setup('[gateway]\ncache = true\ncache_ttl = "1m"\n', { clock });
    cloud.script("anthropic", { text: "cached answer", usage: { input: 10, output: 2 } });
    const first = await kit.gateway.complete({ ...HI, purpose: "a" });
    expect(first.cached).toBe(false);
    const second = await kit.gateway.complete({ ...HI, purpose: "b" });
    expect(second).toEqual({ ...first, costUsd: 0, cached: true });
    expect(cloud.requests).toHaveLength(1);
    expect(kit.usage.recent(10)).toHaveLength(1); // a hit spends nothing

    const streamed = await collect(kit, HI);
    expect(streamed).toEqual([{ type: "text", text: "cached answer" }, { type: "done", result: { ...first, costUsd: 0, cached: true } }]);
    expect(cloud.requests).toHaveLength(1);

    await kit.gateway.complete({ ...HI, temperature: 0 });
    expect(cloud.requests).toHaveLength(2);

    clock.t += 61_000;
    expect((await kit.gateway.complete(HI)).cached).toBe(false);
    expect(cloud.requests).toHaveLength(3);
  });

  test("a completed stream is cached; a broken one is not", async () => {
    const kit = setup('[gateway]\ncache = true\n');
    cloud.script("anthropic", { text: "part", truncate: "after-output" });
    await failure(collect(kit, HI));
    cloud.script("anthropic", { toolCalls: [{ name: "fs__write", input: { path: "/x" } }] });
    const tools = [{ name: "fs.write", description: "w", inputSchema: { type: "object" } }];
    const live = await collect(kit, { ...HI, tools });
    const again = await kit.gateway.complete({ ...HI, tools });
    expect(again.cached).toBe(true);
    expect(again.toolCalls).toEqual([{ id: expect.any(String), name: "fs.write", input: { path: "/x" } }]);
    expect(live.at(-1)).toMatchObject({ type: "done", result: { cached: false } });
    expect(cloud.requests).toHaveLength(2);
  });
});

describe("status", () => {
  test("says what each provider is and has left, never a key", async () => {
    const kit = setup(`[api.local]\nbase_url = "${local.url}/v1"\nmodel = "m"\n`);
    await kit.gateway.complete({ ...HI, providers: ["claude"] });
    const s = kit.gateway.status();
    const text = JSON.stringify(s);
    for (const key of Object.values(KEYS)) expect(text).not.toContain(key);
    expect(s.providers.map((p) => [p.name, p.key, p.available])).toEqual([
      ["claude", "file", true],
      ["local", "none", true],
      ["openai", "file", true],
    ]);
    expect(s.providers[0]).toMatchObject({ protocol: "anthropic", model: "claude-sonnet-4-5-20250929", prices: { inputPerMtokUsd: 3, outputPerMtokUsd: 15 }, rateLimit: { rpm: 50, tpm: 0, tokensAvailable: null } });
    expect(s.providers[0]!.budget.calls).toBe(1);
    expect(s.providers[0]!.rateLimit.requestsAvailable).toBe(49);
  });
});
