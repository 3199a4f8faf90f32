/**
 * The strategic planner against the fake provider server (the real
 * Anthropic wire format over loopback): the registry goes out as native
 * tools, the plan comes back through submit_plan, and a plan that does not
 * validate is sent back once with the reason.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { gatewayKit, type Kit, removeKit } from "../../../test/fakes/gateway-kit";
import { type FakeLlm, startFakeLlm } from "../../../test/fakes/llm-server";
import { CATALOG } from "../../tools/catalog";
import { ToolRegistry } from "../../tools/registry";
import type { PlanningContext } from "../types";
import { gatewayPlanner, SUBMIT_PLAN } from "./gateway";

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
  llm.requests.length = 0;
});
afterAll(() => llm.stop());

const ctx = (goal: string): PlanningContext => ({
  goal,
  goalId: 7,
  tools: registry.describeAll(),
  probe: async () => ({}),
  facts: { apiPort: 9090, hostname: "aios", mode: "dev" },
  procedures: [],
  signal: new AbortController().signal,
});

function planner() {
  kit = gatewayKit(`[api.claude]\nbase_url = "${llm.url}"\nmonthly_budget_usd = 5\nmax_retries = 0\n[api.openai]\nbase_url = "${llm.url}/v1"\n`, { keys: { claude: KEY } });
  return gatewayPlanner({ gateway: () => kit!.gateway, whyNone: () => "none", registry });
}

const PLAN = {
  summary: "write the motd",
  tasks: [{ id: "motd", title: "write /etc/motd", agent: "system", calls: [{ tool: "fs.write", args: { path: "/etc/motd", content: "hi\n" } }] }],
};

describe("gateway planner", () => {
  test("sends every tool as a native tool plus submit_plan, forced; takes the submitted plan", async () => {
    const p = planner();
    llm.script("anthropic", { toolCalls: [{ name: SUBMIT_PLAN, input: PLAN }], usage: { input: 900, output: 120 } });
    const r = await p.plan(ctx("Write hi to /etc/motd"));
    expect("plan" in r && r.plan.tasks[0]!.calls[0]!.tool).toBe("fs.write");
    expect("why" in r && r.why).toMatch(/^claude \(.+, 900\+120 tokens, \$0\.\d{4}\) planned it$/);
    const body = llm.requests[0]!.body as any;
    const names = body.tools.map((t: any) => t.name);
    expect(names).toContain("fs__write");
    expect(names).toContain("pkg__install");
    expect(names.at(-1)).toBe(SUBMIT_PLAN);
    expect(body.tool_choice).toEqual({ type: "tool", name: SUBMIT_PLAN });
    const fsWrite = body.tools.find((t: any) => t.name === "fs__write");
    expect(fsWrite.input_schema.properties.path.type).toBe("string");
    expect(JSON.stringify(body.messages)).toContain("Write hi to /etc/motd");
  });

  test("an invalid plan goes back once with the reason; a second invalid one passes", async () => {
    const p = planner();
    const bad = { ...PLAN, tasks: [{ ...PLAN.tasks[0]!, calls: [{ tool: "fs.write", args: { path: "etc/motd", content: "x" } }] }] };
    llm.script("anthropic", { toolCalls: [{ name: SUBMIT_PLAN, input: bad }] }, { toolCalls: [{ name: SUBMIT_PLAN, input: PLAN }] });
    const fixed = await p.plan(ctx("motd"));
    expect("why" in fixed && fixed.why).toContain("planned it on the second try");
    const second = llm.requests[1]!.body as any;
    expect(JSON.stringify(second.messages.at(-1))).toContain("tasks.0.calls.0.args.path");

    llm.script("anthropic", { toolCalls: [{ name: SUBMIT_PLAN, input: bad }] }, { toolCalls: [{ name: SUBMIT_PLAN, input: bad }] });
    const refused = await p.plan(ctx("motd"));
    expect("pass" in refused && refused.pass).toMatch(/its plan did not validate twice: tasks\.0\.calls\.0\.args\.path: /);
  });

  test("no gateway, or every provider failing, passes with the reason", async () => {
    const none = gatewayPlanner({ gateway: () => undefined, whyNone: () => "claude: no key", registry });
    expect(await none.plan(ctx("x"))).toEqual({ pass: "no external model: claude: no key" });
    const p = planner();
    llm.script("anthropic", { status: 500, errorType: "api_error", message: "boom" });
    const r = await p.plan(ctx("x"));
    expect("pass" in r && r.pass).toContain("claude");
  });
});
