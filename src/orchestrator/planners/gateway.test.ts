/**
 * The strategic planner against the fake provider server (the real Anthropic
 * wire format over loopback): the registry goes out as native tools, the
 * first step must call one, each later step carries the earlier calls and
 * their results paired by id, and the chain moves on when the model cannot
 * answer. The engine side of the loop is in ../loop.test.ts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { gatewayKit, type Kit, removeKit } from "../../../test/fakes/gateway-kit";
import { type FakeLlm, startFakeLlm } from "../../../test/fakes/llm-server";
import { CATALOG } from "../../tools/catalog";
import { ToolRegistry } from "../../tools/registry";
import { LoopStop } from "../loop";
import type { PlanningContext, StepContext } from "../types";
import { gatewayPlanner, gatewayStepper } from "./gateway";

const KEY = "sk-ant-test-planner-key-0123456789";
const registry = new ToolRegistry(CATALOG);
let llm: FakeLlm;
let kit: Kit | undefined;
beforeAll(() => {
  llm = startFakeLlm({ keys: { anthropic: KEY } });
});
afterEach(() => {
  if (kit) removeKit(kit);
  kit = undefined;
  llm.reset();
});
afterAll(() => llm.stop());

const facts = { apiPort: 9090, hostname: "aios", mode: "dev" as const };
const ctx = (goal: string): PlanningContext => ({ goal, goalId: 7, tools: registry.describeAll(), probe: async () => ({}), facts, procedures: [], signal: new AbortController().signal });

function gateway(budget = 5) {
  kit = gatewayKit(`[api.claude]\nbase_url = "${llm.url}"\nmonthly_budget_usd = ${budget}\nmax_retries = 0\n[api.openai]\nbase_url = "${llm.url}/v1"\n`, { keys: { claude: KEY } });
  return kit.gateway;
}
const planner = () => gatewayPlanner({ gateway: () => gateway(), whyNone: () => "none", registry });

describe("gateway planner", () => {
  test("every tool goes out as a native tool; the first step must call one; the loop starts with it", async () => {
    llm.script("anthropic", { toolCalls: [{ name: "fs__stat", input: { path: "/etc" } }], usage: { input: 900, output: 30 } });
    const r = await planner().plan(ctx("Is there an /etc?"));
    if (!("loop" in r)) throw new Error(JSON.stringify(r));
    expect(r.loop.first).toMatchObject({ kind: "calls", calls: [{ tool: "fs.stat", args: { path: "/etc" } }] });
    expect(r.why).toMatch(/^claude \(.+, 900\+30 tokens, \$0\.\d{4}\) takes it step by step, starting with fs\.stat$/);
    const body = llm.requests[0]!.body as any;
    const names = body.tools.map((t: any) => t.name);
    expect(names).toContain("fs__write");
    expect(names).toContain("pkg__install");
    expect(names).toHaveLength(registry.list().length);
    expect(body.tool_choice).toEqual({ type: "any" });
    expect(body.tools.find((t: any) => t.name === "fs__write").input_schema.properties.path.type).toBe("string");
    expect(JSON.stringify(body.messages)).toContain("Goal: Is there an /etc?");
  });

  test("a later step sends each earlier call and its typed, truncated result, paired by id; an answer without calls finishes", async () => {
    const g = gateway();
    const s = gatewayStepper(g, { gateway: () => g, whyNone: () => "", registry, resultChars: 300 });
    llm.script("anthropic", { text: "All there." });
    const big = { path: "/etc", entries: Array.from({ length: 100 }, (_, i) => ({ name: `file-${i}`, type: "file", size: i })) };
    const step: StepContext = {
      goal: "list /etc",
      goalId: 7,
      facts,
      tools: registry.describeAll(),
      signal: new AbortController().signal,
      turns: [
        {
          decision: { kind: "calls", calls: [{ id: "toolu_1", tool: "fs.list", args: { path: "/etc" } }, { id: "toolu_2", tool: "fs.read", args: { path: "/nope" } }], usage: { tokens: 1, by: "x" } },
          observations: [
            { call: { id: "toolu_1", tool: "fs.list", args: { path: "/etc" } }, outcome: "done", callId: "c1", result: big },
            { call: { id: "toolu_2", tool: "fs.read", args: { path: "/nope" } }, outcome: "failed", error: "ENOENT", code: "ENOENT" },
          ],
        },
      ],
    };
    const d = await s.decide(step);
    expect(d).toMatchObject({ kind: "finish", text: "All there." });
    const body = llm.requests[0]!.body as any;
    expect(body.tool_choice).toEqual({ type: "auto" });
    expect(body.messages[1].content.map((c: any) => [c.type, c.id, c.name])).toEqual([["tool_use", "toolu_1", "fs__list"], ["tool_use", "toolu_2", "fs__read"]]);
    const [ok, failed] = body.messages[2].content;
    expect(ok.tool_use_id).toBe("toolu_1");
    expect(ok.content.length).toBeLessThanOrEqual(320);
    expect(JSON.parse(ok.content)).toMatchObject({ ok: true, tool: "fs.list", callId: "c1" });
    expect(JSON.parse(ok.content).result).toMatch(/… \(\d+ more characters\)$/);
    expect(failed).toMatchObject({ tool_use_id: "toolu_2", is_error: true });
    expect(JSON.parse(failed.content)).toEqual({ ok: false, tool: "fs.read", error: "ENOENT", code: "ENOENT" });
  });

  test("a month's budget already spent stops the loop (LoopStop), it is not a passing failure", async () => {
    const g = gateway(0.000001);
    kit!.usage.record({ ts: Date.now(), provider: "claude", model: "m", inputTokens: 1000, outputTokens: 0, costNano: 1_000_000, purpose: "earlier" });
    const s = gatewayStepper(g, { gateway: () => g, whyNone: () => "", registry });
    const err = await s.decide({ goal: "x", goalId: 1, facts, tools: [], turns: [], signal: new AbortController().signal }).catch((e) => e);
    expect(err).toBeInstanceOf(LoopStop);
    expect((err as LoopStop).reason).toBe("budget");
    expect(llm.requests.length).toBe(0);
  });

  test("no gateway, an answer without a call, or every provider failing: the planner passes with the reason", async () => {
    const none = gatewayPlanner({ gateway: () => undefined, whyNone: () => "claude: no key", registry });
    expect(await none.plan(ctx("x"))).toEqual({ pass: "no external model: claude: no key" });
    llm.script("anthropic", { text: "Sure, nginx is fine." });
    const r = await planner().plan(ctx("x"));
    expect("pass" in r && r.pass).toMatch(/answered without looking at the system$/);
    removeKit(kit!);
    llm.script("anthropic", { status: 500, errorType: "api_error", message: "boom" });
    const failed = await planner().plan(ctx("x"));
    expect("pass" in failed && failed.pass).toContain("claude");
  });
});
