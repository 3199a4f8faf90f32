/**
 * The model's tool loop in the real engine (real memory, executor, ledger and
 * agents in a sandbox), the model being the fake provider server speaking
 * Anthropic's wire format over loopback, scripted step by step: it sees each
 * result, re-plans after a failure, stops at the step limit and when the
 * month's budget is spent, pauses while a call waits for approval, retries a
 * call that timed out, and never gets round the catalogue guard.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { gatewayKit, type Kit, removeKit } from "../../test/fakes/gateway-kit";
import { type FakeLlm, type Reply, startFakeLlm } from "../../test/fakes/llm-server";
import { setSink } from "../sys";
import { CATALOG } from "../tools/catalog";
import { ToolTimeoutError } from "../tools/errors";
import { ToolRegistry } from "../tools/registry";
import { catalogueGuard, guardedCatalogue } from "./guard";
import { gatewayPlanner } from "./planners/gateway";
import type { RunLimits } from "./run";
import { openWorld, removeWorld, type World, type WorldOptions } from "./testing";

setSink(() => {});
const KEY = "sk-ant-test-loop-key-0123456789";
const registry = new ToolRegistry(CATALOG);
let llm: FakeLlm;
let kit: Kit | undefined;
let world: World | undefined;
beforeAll(() => {
  llm = startFakeLlm({ keys: { anthropic: KEY } });
});
afterEach(async () => {
  if (world) {
    await world.close();
    removeWorld(world);
  }
  if (kit) removeKit(kit);
  world = kit = undefined;
  llm.reset();
});
afterAll(() => llm.stop());

async function open(o: { toml?: string; limits?: Partial<RunLimits> } & Partial<WorldOptions> = {}): Promise<World> {
  kit = gatewayKit(o.toml ?? `[api.claude]\nbase_url = "${llm.url}"\nmonthly_budget_usd = 5\nmax_retries = 0\n`, { keys: { claude: KEY } });
  const guard = catalogueGuard();
  world = await openWorld({
    planners: [gatewayPlanner({ gateway: () => kit!.gateway, whyNone: () => "none", registry }), guardedCatalogue(guard)],
    guard,
    level: "full",
    ...o,
    limits: { retryDelayMs: 20, ...o.limits },
  });
  return world;
}

const call = (tool: string, input: Record<string, unknown>): Reply => ({ toolCalls: [{ name: tool.replace(".", "__"), input }], usage: { input: 500, output: 40 } });
const finish = (text: string): Reply => ({ text, usage: { input: 600, output: 20 } });
const put = (w: World, guest: string, text: string) => {
  mkdirSync(dirname(w.host(guest)), { recursive: true });
  writeFileSync(w.host(guest), text);
};
const states = (w: World, id: number) => w.stores.goals.history(id).map((h) => h.to as string);
const trace = (w: World, id: number) => w.engine.trace(id).map((e) => `[${e.kind}] ${e.message}`);
/** The tool results the model was sent in request n (0-based). */
function results(n: number): Array<{ content: string; is_error?: boolean }> {
  const messages = (llm.requests[n]!.body as { messages: Array<{ role: string; content: unknown }> }).messages;
  const last = messages.at(-1)!.content as Array<{ type: string; content: string; is_error?: boolean }>;
  return last.filter((p) => p.type === "tool_result");
}

/** A goal the catalogue does not read (it has no word for "publish"): only a model plans it. */
const UNREAD = "publish a note for the team in /srv";

describe("observe, decide, act", () => {
  test("the model looks, then changes; the change waits for a person (the goal is one the catalogue does not read); the loop waits with it", async () => {
    const w = await open();
    put(w, "/srv/readme.txt", "team space\n");
    llm.script("anthropic", call("fs.list", { path: "/srv" }), call("fs.write", { path: "/srv/team-note.txt", content: "hello team\n" }), finish("The note for the team is in /srv/team-note.txt."));
    const g = w.engine.submit({ goal: UNREAD });
    await w.until(g.id, ["awaiting_approval"]);
    // Held: the model is not asked again until a person decides.
    await Bun.sleep(50);
    expect(llm.requests.length).toBe(2);
    expect(existsSync(w.host("/srv/team-note.txt"))).toBe(false);
    const [held] = w.tools.executor.approvals.pending();
    expect(held!.tool).toBe("fs.write");
    // The first result came back typed: the tool's summary and its output.
    const seen = JSON.parse(results(1)[0]!.content);
    expect(seen).toMatchObject({ ok: true, tool: "fs.list" });
    expect(JSON.stringify(seen.result)).toContain("readme.txt");
    await w.tools.executor.approvals.approve(held!.approvalId, { by: "test" });
    expect(await w.until(g.id, ["done", "failed"])).toBe("done");
    expect(readFileSync(w.host("/srv/team-note.txt"), "utf8")).toBe("hello team\n");
    expect(states(w, g.id)).toEqual(["planning", "running", "awaiting_approval", "running", "done"]);
    const t = trace(w, g.id);
    expect(t.some((l) => l.startsWith("[guard] the catalogue does not read this goal"))).toBe(true);
    expect(t.filter((l) => l.startsWith("[step]")).map((l) => l.replace(/ \(claude \(.*?\)\)/, ""))).toEqual([
      '[step] step 1: fs.list {"path":"/srv"}',
      '[step] step 2: fs.write {"path":"/srv/team-note.txt","content":"hello team\\n"}',
      "[step] step 3: finish: The note for the team is in /srv/team-note.txt.",
    ]);
    // The model's last words are the answer: they state no figure the tools did not report.
    expect(w.engine.get(g.id)!.answer).toBe("The note for the team is in /srv/team-note.txt.");
    expect((w.engine.get(g.id)!.plan as { planner: string }).planner).toBe("gateway");
    // Tools went out as native tools; the first step had to call one.
    const first = llm.requests[0]!.body as { tools: Array<{ name: string }>; tool_choice: unknown };
    expect(first.tools.map((x) => x.name)).toContain("fs__write");
    expect(first.tool_choice).toEqual({ type: "any" });
  });

  test("a failed call: the goal re-plans with the failure in view (replanning), and the model's next step succeeds", async () => {
    const w = await open();
    put(w, "/srv/notes/team.txt", "hi\n");
    llm.script("anthropic", call("fs.read", { path: "/srv/team.txt" }), call("fs.read", { path: "/srv/notes/team.txt" }), finish("The team note says hi."));
    const g = w.engine.submit({ goal: "look at the team notes and summarise them" });
    expect(await w.until(g.id, ["done", "failed"])).toBe("done");
    expect(states(w, g.id)).toEqual(["planning", "running", "replanning", "running", "done"]);
    const failed = results(1)[0]!;
    expect(failed.is_error).toBe(true);
    expect(JSON.parse(failed.content)).toMatchObject({ ok: false, tool: "fs.read" });
    expect(trace(w, g.id).some((l) => l.startsWith("[replan] fs.read failed:") && l.includes("(1 of 2)"))).toBe(true);
  });

  test("re-planning is bounded: past max_replans the goal fails with every reason", async () => {
    const w = await open({ limits: { maxReplans: 1 } });
    llm.script("anthropic", call("fs.read", { path: "/srv/a.txt" }), call("fs.read", { path: "/srv/b.txt" }), finish("unused"));
    const g = w.engine.submit({ goal: "look at the team notes and summarise them" });
    expect(await w.until(g.id, ["done", "failed"])).toBe("failed");
    const error = w.engine.get(g.id)!.error!;
    expect(error).toContain("/srv/a.txt");
    expect(error).toContain("/srv/b.txt");
    expect(states(w, g.id)).toEqual(["planning", "running", "replanning", "running", "failed"]);
    expect(llm.pending("anthropic")).toBe(1);
  });

  test("the step limit stops a model that never finishes", async () => {
    const w = await open({ limits: { maxSteps: 3 } });
    llm.script("anthropic", call("fs.stat", { path: "/srv" }), call("fs.stat", { path: "/tmp" }), call("fs.stat", { path: "/etc" }), call("fs.stat", { path: "/home" }));
    const g = w.engine.submit({ goal: "look at the team notes and summarise them" });
    expect(await w.until(g.id, ["done", "failed"])).toBe("failed");
    expect(w.engine.get(g.id)!.error).toContain("the step limit (3 decisions) was reached before gateway finished");
    expect(llm.requests.length).toBe(3);
  });

  test("the month's budget: once spent, the loop stops and the goal fails saying so", async () => {
    // $3 per million input tokens: 500 tokens cost $0.0015, over a budget of $0.001.
    const w = await open({ toml: `[api.claude]\nbase_url = "${llm.url}"\nmonthly_budget_usd = 0.001\nmax_retries = 0\n` });
    llm.script("anthropic", call("fs.stat", { path: "/srv" }), call("fs.stat", { path: "/tmp" }));
    const g = w.engine.submit({ goal: "look at the team notes and summarise them" });
    expect(await w.until(g.id, ["done", "failed"])).toBe("failed");
    expect(w.engine.get(g.id)!.error).toMatch(/^the month's budget is spent: .*monthly budget of \$0\.0010 reached/);
    expect(llm.requests.length).toBe(1);
    expect(trace(w, g.id).some((l) => l.includes("step 2: stopped: the month's budget is spent"))).toBe(true);
  });

  test("a denied change ends the loop: no model argues with a person", async () => {
    const w = await open();
    llm.script("anthropic", call("fs.write", { path: "/srv/team-note.txt", content: "x\n" }), call("fs.write", { path: "/srv/other.txt", content: "x\n" }));
    const g = w.engine.submit({ goal: UNREAD });
    await w.until(g.id, ["awaiting_approval"]);
    w.tools.executor.approvals.deny(w.tools.executor.approvals.pending()[0]!.approvalId, { by: "test", reason: "no" });
    expect(await w.until(g.id, ["done", "failed"])).toBe("failed");
    expect(w.engine.get(g.id)!.error).toContain("denied by test");
    expect(llm.requests.length).toBe(1);
  });

  test("a call that timed out runs again (retrying), without asking the model", async () => {
    let failOnce = true;
    const w = await open({
      wrapAgents: (call) => async (req, ms) => {
        if (req.tool === "fs.stat" && failOnce) {
          failOnce = false;
          throw new ToolTimeoutError("fs.stat", 10);
        }
        return call(req, ms);
      },
    });
    llm.script("anthropic", call("fs.stat", { path: "/srv" }), finish("/srv is a directory."));
    const g = w.engine.submit({ goal: "look at the team notes and summarise them" });
    expect(await w.until(g.id, ["done", "failed"])).toBe("done");
    expect(states(w, g.id)).toEqual(["planning", "running", "retrying", "running", "done"]);
    expect(llm.requests.length).toBe(2);
    expect(trace(w, g.id).some((l) => l.startsWith("[retry] task s1-1 failed for a reason that may pass"))).toBe(true);
  });
});

describe("the catalogue guard", () => {
  test("an exact intent needs no model: the catalogue plans it and the model is never asked", async () => {
    const w = await open();
    const g = w.engine.submit({ goal: "create the directory /srv/site" });
    expect(await w.until(g.id, ["done", "failed"])).toBe("done");
    expect(existsSync(w.host("/srv/site"))).toBe(true);
    expect(llm.requests.length).toBe(0);
    expect(trace(w, g.id).some((l) => l === "[planner] gateway: passed: the catalogue reads it exactly; no model is needed")).toBe(true);
  });

  test("a goal the catalogue refuses is never handed to a model", async () => {
    const w = await open();
    const g = w.engine.submit({ goal: "format the disk" });
    expect(await w.until(g.id, ["done", "failed"])).toBe("failed");
    expect(llm.requests.length).toBe(0);
    expect(w.engine.get(g.id)!.error).toContain("aiOS has no tool that formats");
  });

  test("re-planning a goal the catalogue reads: a change it does not plan is refused, and giving up fails the goal", async () => {
    const w = await open();
    put(w, "/srv/ro", "a file where a directory should be\n");
    llm.script("anthropic", call("fs.write", { path: "/srv/elsewhere.txt", content: "hello" }), finish("I could not write the note."));
    const g = w.engine.submit({ goal: "write 'hello' to /srv/ro/note.txt" });
    expect(await w.until(g.id, ["done", "failed"])).toBe("failed");
    expect(existsSync(w.host("/srv/elsewhere.txt"))).toBe(false);
    const told = JSON.parse(results(1)[0]!.content);
    expect(told.refused).toContain('the catalogue reads this goal as "write a file: write /srv/ro/note.txt (6 bytes)"; a change it does not plan');
    expect(states(w, g.id)).toEqual(["planning", "running", "replanning", "running", "failed"]);
    expect(w.engine.get(g.id)!.error).toMatch(/^task write-file: fs\.write: .*ENOTDIR.*; then gateway finished after fs\.write refused: /);
    // The model was told what the plan did and how it failed.
    expect(JSON.stringify(llm.requests[0]!.body)).toContain("Then task write-file: fs.write");
  });

  test("safety lines hold for a model too: secrets are not read for a goal", async () => {
    const w = await open();
    llm.script("anthropic", call("fs.read", { path: "/etc/shadow" }), finish("I cannot read it."));
    const g = w.engine.submit({ goal: UNREAD });
    expect(await w.until(g.id, ["done", "failed"])).toBe("failed");
    expect(JSON.parse(results(1)[0]!.content).refused).toBe("refused: /etc/shadow holds secrets; aiOS does not read it for a goal");
  });
});
