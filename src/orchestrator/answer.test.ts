/**
 * The answer of every kind of goal, composed by the real engine from the real
 * tools' typed results: a question, a change, a compound goal with a plan's
 * own check left out, a failure with its rollback, a refusal naming the
 * closest tools, a cancellation. And the engine's ordering: whoever reacts to
 * an event reads the state it announces.
 */
import { describe, expect, test } from "bun:test";
import { FINAL_GOAL_STATES } from "./goals";
import { setSink } from "../sys";
import { ToolRegistry } from "../tools/registry";
import { CATALOG } from "../tools/catalog";
import { readFileSync } from "node:fs";
import { answerEnded, closestTools } from "./answer";
import type { Plan } from "./plan";
import { fixedPlanner, type World, worldPerTest } from "./testing";
import type { TraceEvent } from "./trace";

setSink(() => {});

const world = worldPerTest();

const one = (tool: string, args: Record<string, unknown>, extra: Partial<Plan["tasks"][number]["calls"][number]> = {}) => ({ tool, args, ...extra });

async function finished(w: World, goal: string): Promise<{ state: string; answer: string | null; error: string | null }> {
  const g = w.engine.submit({ goal });
  const state = await w.until(g.id, [...FINAL_GOAL_STATES]);
  const after = w.engine.get(g.id)!;
  return { state, answer: after.answer, error: after.error };
}

describe("answers", () => {
  test("a question: the figures its tool found", async () => {
    const plan: Plan = { summary: "show memory", tasks: [{ id: "m", title: "memory", dependsOn: [], calls: [one("monitor.memory", {})] }] };
    const w = await world({ planners: [fixedPlanner("script", plan)] });
    const r = await finished(w, "how much memory is free?");
    expect(r.state).toBe("done");
    expect(r.answer).toMatch(/^Memory: [\d.]+ [KMG]iB used of [\d.]+ [KMG]iB \([\d.]+%\), [\d.]+ [KMG]iB available(; no swap|; swap .*)$/);
  });

  test("a knowledge question: passages from aiOS's own documents, cited", async () => {
    const plan: Plan = { summary: "answer from the knowledge base", tasks: [{ id: "kb", title: "search", dependsOn: [], calls: [one("memory.search", { query: "how do I import a model?" })] }] };
    const w = await world({ planners: [fixedPlanner("script", plan)] });
    await w.memory.longterm.ingest({ title: "Models", source: "models/README.md", text: readFileSync(new URL("../../models/README.md", import.meta.url), "utf8") });
    const r = await finished(w, "how do I import a model?");
    expect(r.state).toBe("done");
    expect(r.answer).toMatch(/^From the knowledge base \(full-text search\), \d passages?:\n {2}\[1\] /);
    expect(r.answer!.split("\n").at(-1)).toMatch(/^Sources: .*models\/README\.md/);
  });

  test("a change: what was done, with the figures", async () => {
    const plan: Plan = { summary: "write a note", tasks: [{ id: "w", title: "write", dependsOn: [], calls: [one("fs.write", { path: "/srv/note.txt", content: "hello\n", createParents: true })] }] };
    const w = await world({ planners: [fixedPlanner("script", plan)] });
    expect(await finished(w, "write hello to /srv/note.txt")).toEqual({ state: "done", answer: "Wrote 6 B to /srv/note.txt (a new file)", error: null });
  });

  test("a compound goal: one line per part, in plan order; the plan's own check (answer: false) left out", async () => {
    const plan: Plan = {
      summary: "make a directory, then list it",
      tasks: [
        { id: "check", title: "is it there?", dependsOn: [], calls: [one("fs.stat", { path: "/srv/app" }, { answer: false })] },
        { id: "mk", title: "make it", dependsOn: ["check"], calls: [one("fs.mkdir", { path: "/srv/app/conf", parents: true })] },
        { id: "ls", title: "list it", dependsOn: ["mk"], calls: [one("fs.list", { path: "/srv/app" })] },
      ],
    };
    const w = await world({ planners: [fixedPlanner("script", plan)] });
    const r = await finished(w, "create /srv/app/conf and list /srv/app");
    expect(r.answer).toBe("Created /srv, /srv/app, /srv/app/conf\n/srv/app: 1 entry: conf/");
  });

  test("a failed goal: what failed, what was rolled back, and that nothing is left", async () => {
    const plan: Plan = {
      summary: "doomed",
      tasks: [
        { id: "dir", title: "dir", dependsOn: [], calls: [one("fs.mkdir", { path: "/srv/doomed", parents: true })] },
        { id: "read", title: "read a missing file", dependsOn: ["dir"], calls: [one("fs.read", { path: "/srv/doomed/missing" })] },
      ],
    };
    const w = await world({ planners: [fixedPlanner("script", plan)] });
    const r = await finished(w, "doomed");
    expect(r.state).toBe("failed");
    const lines = r.answer!.split("\n");
    expect(lines[0]).toMatch(/^Failed: task read: fs\.read: .*\/srv\/doomed\/missing.*ENOENT/);
    expect(lines.slice(1)).toEqual(["Rolled back 1 change:", expect.stringMatching(/^ {2}Created \/srv, \/srv\/doomed \(fs\.mkdir, c\d+\): undone$/)]);
  });

  test("a failed question changes nothing, and says so", async () => {
    const plan: Plan = { summary: "read", tasks: [{ id: "r", title: "read", dependsOn: [], calls: [one("fs.read", { path: "/srv/none" })] }] };
    const w = await world({ planners: [fixedPlanner("script", plan)] });
    const r = await finished(w, "show /srv/none");
    expect(r.answer!.split("\n").slice(1)).toEqual(["Nothing was changed."]);
  });

  test("a refused goal: what was not understood, and the closest things aiOS can do", async () => {
    const w = await world({ planners: [fixedPlanner("heuristic", 'no intent in the catalogue matches "open the pod bay doors"')] });
    const r = await finished(w, "open the pod bay doors");
    expect(r.state).toBe("failed");
    expect(r.error).toBe('no intent in the catalogue matches "open the pod bay doors"');
    expect(r.answer).toBe('Not done: no intent in the catalogue matches "open the pod bay doors"');
    const r2 = await finished(w, "kill the nginx process");
    expect(r2.answer!.split("\n")[1]).toMatch(/^Closest things aiOS can do: process\.kill \(Terminate a process by pid\); /);
  });

  test("a cancelled goal: by whom, and what was rolled back", async () => {
    const plan: Plan = {
      summary: "publish",
      tasks: [
        { id: "dir", title: "dir", dependsOn: [], calls: [one("fs.mkdir", { path: "/srv/site", parents: true })] },
        { id: "page", title: "page", dependsOn: ["dir"], calls: [one("fs.write", { path: "/srv/site/index.html", content: "x" })] },
      ],
    };
    const w = await world({ planners: [fixedPlanner("script", plan)], level: "supervised" });
    const g = w.engine.submit({ goal: "publish" });
    await w.until(g.id, ["awaiting_approval"]);
    w.engine.cancel(g.id, "console");
    expect(await w.until(g.id, ["cancelled"])).toBe("cancelled");
    const lines = w.engine.get(g.id)!.answer!.split("\n");
    expect(lines[0]).toBe("Cancelled: cancelled by console");
    expect(lines[1]).toBe("Rolled back 1 change:");
  });
});

describe("the engine's ordering", () => {
  test("every event that announces a state is logged after the state changed", async () => {
    const plan: Plan = {
      summary: "publish",
      tasks: [{ id: "page", title: "page", dependsOn: [], calls: [one("fs.write", { path: "/srv/site/index.html", content: "x", createParents: true })] }],
    };
    const w = await world({ planners: [fixedPlanner("script", plan)], level: "supervised" });
    const g = w.engine.submit({ goal: "publish" });
    const seen: Array<[string, string]> = [];
    w.engine.subscribe(g.id, (e: TraceEvent) => seen.push([e.kind, w.engine.get(g.id)!.state]));
    await w.until(g.id, ["awaiting_approval"]);
    expect(seen.find(([k]) => k === "approval")).toEqual(["approval", "awaiting_approval"]);
    await w.tools.executor.approvals.approve(w.tools.executor.approvals.pending()[0]!.approvalId, { by: "test" });
    await w.until(g.id, ["done"]);
    expect(seen.find(([k]) => k === "outcome")).toEqual(["outcome", "done"]);
    expect(w.stores.goals.history(g.id).map((h) => h.to)).toEqual(["planning", "running", "awaiting_approval", "running", "done"]);
  });

  test("a refusal's outcome event finds the goal failed, with its answer", async () => {
    const w = await world({ planners: [fixedPlanner("heuristic", "not understood")] });
    const g = w.engine.submit({ goal: "make coffee" });
    const seen: Array<[string, string, string | null]> = [];
    w.engine.subscribe(g.id, (e) => seen.push([e.kind, w.engine.get(g.id)!.state, w.engine.get(g.id)!.answer]));
    await w.until(g.id, ["failed"]);
    expect(seen.at(-1)).toEqual(["outcome", "failed", "Not done: not understood"]);
  });
});

describe("pieces", () => {
  const registry = new ToolRegistry(CATALOG);

  test("closest tools share content words with the goal; none when nothing does", () => {
    expect(closestTools("make me a sandwich", registry)).toEqual([]);
    expect(closestTools("open the pod bay doors", registry)).toEqual([]);
    expect(closestTools("kill process 42", registry)[0]).toMatch(/^process\.kill \(/);
    expect(closestTools("how busy is the cpu", registry)[0]).toMatch(/^monitor\.cpu \(/);
  });

  test("a rollback that stopped, or was off, is said", () => {
    const calls = [{ tool: "fs.mkdir", callId: "c1", args: { path: "/srv/a" }, result: { path: "/srv/a", created: ["/srv/a"] }, answer: true }];
    const stopped = answerEnded({ state: "failed", reason: "task b: boom", calls, rollback: { undo: { correlationId: "g1", undone: [], skipped: [], failed: { callId: "c1", code: "EBUSY", message: "busy" } } } }, registry);
    expect(stopped).toBe("Failed: task b: boom\nBefore it failed:\n  Created /srv/a\nThe rollback stopped at c1: busy; older changes are still in place");
    const off = answerEnded({ state: "failed", reason: "task b: boom", calls, rollback: { off: true } }, registry);
    expect(off.split("\n").at(-1)).toBe("Nothing was rolled back ([orchestrator] rollback_on_failure is off): the changes above stay");
  });
});

