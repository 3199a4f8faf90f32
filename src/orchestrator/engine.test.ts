/**
 * The goal engine over real parts (memory, executor, ledger, agents, files in
 * a sandbox): the lifecycle, approvals, denial with rollback, cancellation,
 * recovery after a restart, and reuse of a remembered procedure.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { setSink } from "../sys";
import { ToolTimeoutError } from "../tools/errors";
import type { Plan } from "./plan";
import { fixedPlanner, openWorld, removeWorld, type World } from "./testing";

setSink(() => {});

const worlds: World[] = [];
afterEach(async () => {
  for (const w of worlds.splice(0)) {
    await w.close().catch(() => {});
    removeWorld(w);
  }
});
async function world(...args: Parameters<typeof openWorld>): Promise<World> {
  const w = await openWorld(...args);
  worlds.push(w);
  return w;
}

/** mkdir (low risk) then write (medium risk) then read back. */
const SITE: Plan = {
  summary: "publish a page",
  tasks: [
    { id: "dir", title: "make the site directory", agent: "storage", dependsOn: [], calls: [{ tool: "fs.mkdir", args: { path: "/srv/site", parents: true } }] },
    { id: "page", title: "write the page", dependsOn: ["dir"], calls: [{ tool: "fs.write", args: { path: "/srv/site/index.html", content: "<h1>hi</h1>\n" } }] },
    { id: "check", title: "read it back", dependsOn: ["page"], calls: [{ tool: "fs.read", args: { path: "/srv/site/index.html" } }] },
  ],
};

describe("the lifecycle", () => {
  test("planned, routed, run, done: files written, trace complete, tasks stored, procedure remembered", async () => {
    const w = await world({ planners: [fixedPlanner("script", SITE)] });
    const goal = w.engine.submit({ goal: "Publish a page", source: "test" });
    expect(goal.state).toBe("pending");
    expect(await w.until(goal.id, ["done", "failed"])).toBe("done");
    expect(readFileSync(w.host("/srv/site/index.html"), "utf8")).toBe("<h1>hi</h1>\n");

    const kinds = w.engine.trace(goal.id).map((e) => e.kind);
    for (const k of ["submitted", "planning", "planner", "plan", "route", "running", "task", "call", "outcome", "procedure"]) expect(kinds).toContain(k);
    const messages = w.engine.trace(goal.id).map((e) => e.message);
    expect(messages).toContain("script: planned: script knows this one");
    expect(messages.some((m) => /^task dir → storage agent: planner chose storage/.test(m))).toBe(true);
    expect(messages.some((m) => /^task page → \w+ agent: \w+ is the most specialised agent that may call fs\.write/.test(m))).toBe(true);
    expect(messages.at(-2)).toBe("done: publish a page");

    const tasks = w.stores.tasks.forGoal(goal.id);
    expect(tasks.map((t) => [t.title, t.state])).toEqual([["make the site directory", "done"], ["write the page", "done"], ["read it back", "done"]]);
    const callIds = tasks.flatMap((t) => (t.toolCalls as Array<{ callId: string }>).map((c) => c.callId));
    // Every call in the trace is a row of the audit ledger, under the goal's correlation id.
    const audited = w.tools.ledger.query({ correlationId: `g${goal.id}`, limit: 100 }).map((r) => r.callId);
    for (const id of callIds) expect(audited).toContain(id);

    const final = w.engine.get(goal.id)!;
    // The answer: each call's summary from its typed result, in plan order.
    expect(final.answer).toBe("Created /srv, /srv/site\nWrote 12 B to /srv/site/index.html (a new file)\n/srv/site/index.html: 12 B\n  <h1>hi</h1>");
    expect(final.result).toMatchObject({ answer: final.answer, calls: [{ tool: "fs.mkdir" }, { tool: "fs.write" }, { tool: "fs.read" }] });
    const procedures = await w.memory.longterm.search("publish page", { kinds: ["procedure"] });
    expect(procedures.hits[0]?.title).toBe("publish a page");
  });

  test("a goal acts with at most its principal's rights: refused once planned, nothing runs (issue 11)", async () => {
    const w = await world({ planners: [fixedPlanner("script", SITE)] });
    const goal = w.engine.submit({ goal: "Publish a page", source: "schedule:job", principal: "task" });
    expect(await w.until(goal.id, ["done", "failed"])).toBe("failed");
    expect(w.engine.get(goal.id)!.error).toBe("the goal acts for agent task, which lacks capability fs.mkdir");
    expect(existsSync(w.host("/srv/site"))).toBe(false);
    // A person's goal (the default for api and console) is bounded only by the agents it is routed to; the audit names the person.
    const mine = w.engine.submit({ goal: "Publish a page", source: "api" });
    expect(await w.until(mine.id, ["done", "failed"])).toBe("done");
    expect(w.tools.ledger.query({ kind: "request", correlationId: `g${mine.id}` }).map((r) => (r.data as { onBehalfOf?: string }).onBehalfOf)).toEqual(["person:api", "person:api", "person:api"]);
  });

  test("a plan that does not validate against a tool's schema is refused; the next planner plans", async () => {
    const bad: Plan = { summary: "bad", tasks: [{ id: "a", title: "a", dependsOn: [], calls: [{ tool: "fs.mkdir", args: { path: "relative/dir" } }] }] };
    const w = await world({ planners: [fixedPlanner("first", "no idea"), fixedPlanner("sloppy", bad), fixedPlanner("good", SITE)] });
    const goal = w.engine.submit({ goal: "publish" });
    expect(await w.until(goal.id, ["done", "failed"])).toBe("done");
    const planners = w.engine.trace(goal.id).filter((e) => e.kind === "planner").map((e) => e.message);
    expect(planners[0]).toBe("first: passed: no idea");
    expect(planners[1]).toMatch(/^sloppy: passed: its plan does not validate: tasks\.0\.calls\.0\.args\.path: .* \(fs\.mkdir\)$/);
    expect(planners[2]).toBe("good: planned: good knows this one");
  });

  test("a goal no planner can plan fails with every planner's reason and runs nothing", async () => {
    const w = await world({ planners: [fixedPlanner("a", "not mine"), fixedPlanner("b", "nor mine")] });
    const goal = w.engine.submit({ goal: "make coffee" });
    expect(await w.until(goal.id, ["failed"])).toBe("failed");
    expect(w.engine.get(goal.id)!.error).toBe("b: nor mine");
    expect(w.engine.get(goal.id)!.answer).toBe("Not done: b: nor mine");
    expect(w.tools.ledger.query({ correlationId: `g${goal.id}` })).toEqual([]);
  });

  test("a failed task fails the goal, skips what depends on it and rolls back what ran", async () => {
    const plan: Plan = {
      summary: "doomed",
      tasks: [
        { id: "dir", title: "dir", dependsOn: [], calls: [{ tool: "fs.mkdir", args: { path: "/srv/doomed", parents: true } }] },
        { id: "read", title: "read a missing file", dependsOn: ["dir"], calls: [{ tool: "fs.read", args: { path: "/srv/doomed/missing" } }] },
        { id: "after", title: "never", dependsOn: ["read"], calls: [{ tool: "fs.mkdir", args: { path: "/srv/doomed/never" } }] },
      ],
    };
    const w = await world({ planners: [fixedPlanner("script", plan)] });
    const goal = w.engine.submit({ goal: "doomed" });
    expect(await w.until(goal.id, ["failed", "done"])).toBe("failed");
    expect(w.engine.get(goal.id)!.error).toMatch(/^task read: fs\.read: .*; rolled back 1 calls$/);
    expect(existsSync(w.host("/srv/doomed"))).toBe(false);
    expect(w.stores.tasks.forGoal(goal.id).map((t) => t.state)).toEqual(["done", "failed", "skipped"]);
  });
});

describe("approvals", () => {
  test("supervised: the goal waits for approval, runs when a person approves", async () => {
    const w = await world({ planners: [fixedPlanner("script", SITE)], level: "supervised" });
    const goal = w.engine.submit({ goal: "publish" });
    expect(await w.until(goal.id, ["awaiting_approval"])).toBe("awaiting_approval");
    expect(existsSync(w.host("/srv/site/index.html"))).toBe(false);
    const [held] = w.tools.executor.approvals.pending();
    expect(held!.tool).toBe("fs.write");
    await w.tools.executor.approvals.approve(held!.approvalId, { by: "test" });
    expect(await w.until(goal.id, ["done", "failed"])).toBe("done");
    expect(w.engine.trace(goal.id).some((e) => e.message.includes(`approved as ${held!.approvalId}`))).toBe(true);
    expect(w.stores.goals.history(goal.id).map((h) => h.to)).toEqual(["planning", "running", "awaiting_approval", "running", "done"]);
  });

  test("a denied approval fails the goal and rolls back what ran before it", async () => {
    const w = await world({ planners: [fixedPlanner("script", SITE)], level: "supervised" });
    const goal = w.engine.submit({ goal: "publish" });
    await w.until(goal.id, ["awaiting_approval"]);
    expect(existsSync(w.host("/srv/site"))).toBe(true); // mkdir is low risk: it ran
    w.tools.executor.approvals.deny(w.tools.executor.approvals.pending()[0]!.approvalId, { by: "test", reason: "not today" });
    expect(await w.until(goal.id, ["failed", "done"])).toBe("failed");
    expect(w.engine.get(goal.id)!.error).toContain("denied");
    expect(existsSync(w.host("/srv/site"))).toBe(false);
  });

  test("a goal submitted as manual holds even a low-risk change under a full system level", async () => {
    const w = await world({ planners: [fixedPlanner("script", SITE)], level: "full" });
    const goal = w.engine.submit({ goal: "publish", autonomy: "manual" });
    await w.until(goal.id, ["awaiting_approval"]);
    expect(w.tools.executor.approvals.pending().map((a) => a.tool)).toEqual(["fs.mkdir"]);
  });

  test("cancel while waiting: the approval is denied, the goal is cancelled and rolled back", async () => {
    const w = await world({ planners: [fixedPlanner("script", SITE)], level: "supervised" });
    const goal = w.engine.submit({ goal: "publish" });
    await w.until(goal.id, ["awaiting_approval"]);
    w.engine.cancel(goal.id, "test");
    expect(await w.until(goal.id, ["cancelled", "failed", "done"])).toBe("cancelled");
    expect(w.tools.executor.approvals.pending()).toEqual([]);
    expect(existsSync(w.host("/srv/site"))).toBe(false);
    expect(() => w.engine.cancel(goal.id, "test")).toThrow("already cancelled");
  });
});

describe("restarts", () => {
  test("a run interrupted by a restart is rolled back and failed with the reason; a pending goal runs after start", async () => {
    const first = await world({ planners: [fixedPlanner("script", SITE)], level: "supervised" });
    const interrupted = first.engine.submit({ goal: "publish" });
    await first.until(interrupted.id, ["awaiting_approval"]);
    first.engine.stop();
    const waiting = first.engine.submit({ goal: "publish again" }); // stopped engine: stays pending
    await first.close();
    worlds.splice(worlds.indexOf(first), 1);

    const again = await world({ planners: [fixedPlanner("script", SITE)], level: "full", dir: first.dir, start: false });
    const recovered = await again.engine.recover();
    expect(recovered).toEqual({ replanned: 0, failed: 1 });
    const g = again.engine.get(interrupted.id)!;
    expect(g.state).toBe("failed");
    expect(g.error).toBe("interrupted by a restart while waiting for approval; rolled back 1 calls");
    expect(existsSync(again.host("/srv/site"))).toBe(false);
    expect(again.tools.executor.approvals.pending()).toEqual([]);

    expect(again.engine.get(waiting.id)!.state).toBe("pending");
    again.engine.start();
    expect(await again.until(waiting.id, ["done", "failed"])).toBe("done");
  });

  test("a run cut off before its first call: failed with the reason, not 'rollback failed: no such call'", async () => {
    const first = await world({ planners: [fixedPlanner("script", SITE)], start: false });
    const goal = first.stores.goals.create({ title: "publish", description: "publish", source: "test", priority: 0 });
    first.stores.goals.transition(goal.id, "planning");
    first.stores.goals.transition(goal.id, "running");
    await first.close();
    worlds.splice(worlds.indexOf(first), 1);
    const again = await world({ planners: [fixedPlanner("script", SITE)], dir: first.dir, start: false });
    await again.engine.recover();
    expect(again.engine.get(goal.id)!.error).toBe("interrupted by a restart while running");
    expect(again.engine.trace(goal.id).map((e) => e.message)).toContain("rollback: the goal made no calls; nothing to roll back");
  });

  test("a run whose call the power cut: the goal says which call, what was found and what was done", async () => {
    const first = await world({ planners: [fixedPlanner("script", SITE)], start: false });
    const goal = first.stores.goals.create({ title: "publish", description: "publish", source: "test", priority: 0 });
    first.stores.goals.transition(goal.id, "planning");
    first.stores.goals.transition(goal.id, "running");
    // The request and undo record of an append reached the disk, and the append; its result did not.
    mkdirSync(first.host("/srv"), { recursive: true });
    writeFileSync(first.host("/srv/log"), "abcdef");
    const calls = first.tools.executor.calls;
    const seq = calls.nextSeq();
    calls.insert({ seq, ts: Date.now(), tool: "fs.append", agent: "storage", correlationId: `g${goal.id}`, args: JSON.stringify({ path: "/srv/log", content: "def" }), status: "running" });
    calls.saveUndo(seq, JSON.stringify({ path: "/srv/log", size: 3 }));
    first.tools.executor.close = () => {}; // a crash
    await first.close();
    worlds.splice(worlds.indexOf(first), 1);
    const again = await world({ planners: [fixedPlanner("script", SITE)], dir: first.dir, start: false });
    await again.engine.recover();
    expect(again.engine.get(goal.id)!.error).toBe(`interrupted by a restart while running; interrupted calls: c${seq} fs.append (found present (/srv/log ends with the 3 bytes appended); rolled back)`);
    expect(readFileSync(again.host("/srv/log"), "utf8")).toBe("abc");
  });
});

describe("the recovery states", () => {
  const timeoutOnce = (tool: string, times = 1) => {
    let left = times;
    return (call: import("./execute").AgentPort["call"]): import("./execute").AgentPort["call"] =>
      async (req, ms) => {
        if (req.tool === tool && left-- > 0) throw new ToolTimeoutError(tool, 10);
        return call(req, ms);
      };
  };

  test("a task that timed out runs again from its failed call (retrying), after a pause; the tasks after it wait for it", async () => {
    const w = await world({ planners: [fixedPlanner("script", SITE)], wrapAgents: timeoutOnce("fs.write"), limits: { retryDelayMs: 20 } });
    const goal = w.engine.submit({ goal: "publish" });
    expect(await w.until(goal.id, ["done", "failed"])).toBe("done");
    expect(w.stores.goals.history(goal.id).map((h) => h.to as string)).toEqual(["planning", "running", "retrying", "running", "done"]);
    expect(readFileSync(w.host("/srv/site/index.html"), "utf8")).toBe("<h1>hi</h1>\n");
    const page = w.engine.tasks(goal.id).find((t) => t.title === "write the page")!;
    expect(page).toMatchObject({ state: "done", attempts: 2 });
    expect(w.engine.tasks(goal.id).map((t) => t.state)).toEqual(["done", "done", "done"]);
    expect(w.engine.trace(goal.id).some((e) => e.kind === "retry" && e.message.includes("running it again in 20 ms (retry 1 of 2)"))).toBe(true);
  });

  test("retries are bounded; then, without a model to re-plan, the goal fails as before", async () => {
    const w = await world({ planners: [fixedPlanner("script", SITE)], wrapAgents: timeoutOnce("fs.write", 5), limits: { retryDelayMs: 5, maxRetries: 1 } });
    const goal = w.engine.submit({ goal: "publish" });
    expect(await w.until(goal.id, ["done", "failed"])).toBe("failed");
    expect(w.stores.goals.history(goal.id).map((h) => h.to as string)).toEqual(["planning", "running", "retrying", "running", "failed"]);
    expect(w.engine.get(goal.id)!.error).toBe("task page: fs.write: fs.write: timed out after 10 ms; rolled back 1 calls");
    expect(w.engine.tasks(goal.id).map((t) => t.state)).toEqual(["done", "failed", "skipped"]);
  });

  test("a goal a restart finds retrying or re-planning is failed with the reason", async () => {
    const first = await world({ planners: [fixedPlanner("script", SITE)], start: false });
    const goals = first.stores.goals;
    const a = first.engine.submit({ goal: "one" });
    const b = first.engine.submit({ goal: "two" });
    for (const [g, last] of [[a, "transient"], [b, "task_failed"]] as const) for (const e of ["pick", "run", last] as const) goals.send(g.id, e);
    expect(await first.engine.recover()).toEqual({ replanned: 0, failed: 2 });
    expect(first.engine.get(a.id)).toMatchObject({ state: "failed", error: "interrupted by a restart while waiting to retry a task" });
    expect(first.engine.get(b.id)).toMatchObject({ state: "failed", error: "interrupted by a restart while re-planning" });
  });
});

describe("procedures", () => {
  test("the same goal again reuses the remembered plan before other planners are asked", async () => {
    let asked = 0;
    const counting = fixedPlanner("script", (goal) => (asked++, goal.startsWith("Publish") ? SITE : "no"));
    const w = await world({ planners: [{ name: "memory", plan: (await import("./planners/memory")).memoryPlanner().plan }, counting] });
    const one = w.engine.submit({ goal: "Publish a page!" });
    expect(await w.until(one.id, ["done", "failed"])).toBe("done");
    expect(asked).toBe(1);
    const two = w.engine.submit({ goal: "publish   a PAGE" });
    expect(await w.until(two.id, ["done", "failed"])).toBe("done");
    expect(asked).toBe(1);
    expect(w.engine.trace(two.id).find((e) => e.kind === "planner")!.message).toMatch(/^memory: planned: reusing procedure "publish a page" \(memory document \d+\) that achieved this goal on \d{4}-\d\d-\d\d$/);
  });
});
