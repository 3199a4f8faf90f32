import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { gatewayKit, type Kit, removeKit } from "../../../test/fakes/gateway-kit";
import { type FakeLlm, startFakeLlm } from "../../../test/fakes/llm-server";
import type { SystemInfo } from "../../sys";
import { createApi } from "../app";
import type { ApiDeps } from "../types";

const TOKEN = "t0ken";
const KEY = "sk-ant-api03-ROUTETEST-0123456789abcdef";
const auth = { authorization: `Bearer ${TOKEN}` };
const SYSTEM = {} as SystemInfo;

let fake: FakeLlm;
let kit: Kit;
beforeAll(() => {
  fake = startFakeLlm({ keys: { anthropic: KEY } });
  kit = gatewayKit(`[api.claude]\nbase_url = "${fake.url}"\nmonthly_budget_usd = 2\n`, { keys: { claude: KEY } });
});
afterAll(async () => {
  removeKit(kit);
  await fake.stop();
});

const app = (deps: Partial<ApiDeps>) => createApi({ token: () => TOKEN, system: () => SYSTEM, power: () => {}, ...deps });

describe("GET /api/v1/gateway", () => {
  test("401 without the token", async () => {
    expect((await app({ gateway: () => kit.gateway.status() }).request("/api/v1/gateway")).status).toBe(401);
  });

  test("without a gateway: enabled false and the reason", async () => {
    const res = await app({ gateway: () => ({ enabled: false, reason: "no provider can be called (claude: no key)" }) }).request("/api/v1/gateway", { headers: auth });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ enabled: false, reason: "no provider can be called (claude: no key)" });
    expect(await (await app({}).request("/api/v1/gateway", { headers: auth })).json()).toEqual({ enabled: false, reason: "no gateway in this build" });
  });

  test("providers, budget spent and left this month, limits; never the key", async () => {
    fake.script("anthropic", { text: "x", usage: { input: 100_000, output: 10_000 } }); // $0.30 + $0.15
    await kit.gateway.complete({ messages: [{ role: "user", content: "hi" }] });
    const res = await app({ gateway: () => kit.gateway.status() }).request("/api/v1/gateway", { headers: auth });
    const text = await res.text();
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(KEY.slice(0, 16));
    const body = JSON.parse(text);
    expect(body.enabled).toBe(true);
    expect(body.providers[0]).toMatchObject({ name: "claude", key: "file", available: true, budget: { monthlyUsd: 2, spentUsd: 0.45, leftUsd: 1.55, calls: 1 }, rateLimit: { rpm: 50 } });
    expect(body.providers[1]).toMatchObject({ name: "openai", available: false, reason: expect.stringContaining("no key") });
  });
});
