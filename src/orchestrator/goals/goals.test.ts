import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyMigrations, openDatabase, schemaVersion } from "./db";
import { ACTIVE_GOAL_STATES, FINAL_GOAL_STATES, GOAL_EVENTS, GOAL_MACHINE, GOAL_STATES, GOAL_TRANSITIONS, goalTarget } from "./goal-machine";
import { WORKING_MIGRATIONS } from "./migrations/working";
import { WorkingMemory } from "./working";

let dir: string;
let wm: WorkingMemory;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "aios-wm-"));
  wm = WorkingMemory.open(join(dir, "working.db"));
});
afterEach(() => {
  wm.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("goals", () => {
  test("the transition table: every target is a state; done and cancelled are final", () => {
    for (const [from, tos] of Object.entries(GOAL_TRANSITIONS)) {
      expect(GOAL_STATES).toContain(from as never);
      for (const to of tos) expect(GOAL_STATES).toContain(to);
    }
    expect(GOAL_TRANSITIONS.done).toEqual([]);
    expect(GOAL_TRANSITIONS.cancelled).toEqual([]);
  });

  test("the machine: every event is declared, every state reachable from pending; the moves before retrying and replanning are unchanged", () => {
    for (const node of Object.values(GOAL_MACHINE.states)) for (const e of Object.keys(node.on)) expect(GOAL_EVENTS).toContain(e as never);
    const seen = new Set([GOAL_MACHINE.initial]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const s of [...seen]) for (const to of GOAL_TRANSITIONS[s]) if (!seen.has(to)) grew = seen.add(to) !== undefined;
    }
    expect([...seen].sort()).toEqual([...GOAL_STATES].sort());
    expect(FINAL_GOAL_STATES).toEqual(["done", "failed", "cancelled"]);
    expect(ACTIVE_GOAL_STATES).toEqual(["planning", "awaiting_approval", "running", "retrying", "replanning"]);
    // The table as it was before the recovery states: no behaviour change for these.
    const before = {
      pending: ["planning", "cancelled"],
      planning: ["pending", "awaiting_approval", "running", "failed", "cancelled"],
      awaiting_approval: ["running", "planning", "failed", "cancelled"],
      running: ["done", "failed", "planning", "awaiting_approval", "cancelled"],
      done: [],
      failed: ["pending"],
      cancelled: [],
    };
    for (const [from, tos] of Object.entries(before)) expect(GOAL_TRANSITIONS[from as keyof typeof before].filter((t) => t !== "retrying" && t !== "replanning").sort() as string[]).toEqual([...tos].sort());
    expect(goalTarget("running", "task_failed")).toBe("replanning");
    expect(goalTarget("replanning", "replanned")).toBe("running");
    expect(goalTarget("running", "transient")).toBe("retrying");
    expect(goalTarget("retrying", "retry")).toBe("running");
    expect(goalTarget("done", "fail")).toBeUndefined();
  });

  test("send: an event moves the goal where the table says; one its state does not take is refused", () => {
    const g = wm.goals.create({ title: "restart nginx" });
    wm.goals.send(g.id, "pick");
    wm.goals.send(g.id, "run", { reason: "1 task routed" });
    wm.goals.send(g.id, "transient", { reason: "service.restart: timed out" });
    wm.goals.send(g.id, "retry");
    wm.goals.send(g.id, "task_failed", { reason: "service.restart: failed" });
    wm.goals.send(g.id, "replanned");
    expect(wm.goals.send(g.id, "succeed").state).toBe("done");
    expect(() => wm.goals.send(g.id, "retry")).toThrow(`goal ${g.id}: done → retry (an event done does not take) is not allowed`);
    expect(wm.goals.history(g.id).map((h) => h.to as string)).toEqual(["planning", "running", "retrying", "running", "replanning", "running", "done"]);
  });

  test("migration 4 rebuilds goals for the new states and keeps every task and transition", () => {
    const db = openDatabase(join(dir, "old.db"));
    applyMigrations(db, "working", WORKING_MIGRATIONS.slice(0, 3));
    db.exec("INSERT INTO goals (title, created_at, updated_at, state, answer) VALUES ('a', 1, 1, 'running', 'x')");
    db.exec("INSERT INTO tasks (goal_id, title, created_at, updated_at) VALUES (1, 't', 1, 1)");
    db.exec("INSERT INTO goal_transitions (goal_id, from_state, to_state, at) VALUES (1, 'pending', 'planning', 1)");
    expect(() => db.exec("UPDATE goals SET state = 'replanning'")).toThrow();
    expect(applyMigrations(db, "working", WORKING_MIGRATIONS)).toEqual([4]);
    expect(db.query("SELECT (SELECT count(*) FROM tasks) AS t, (SELECT count(*) FROM goal_transitions) AS h, (SELECT answer FROM goals) AS a").get()).toEqual({ t: 1, h: 1, a: "x" });
    db.exec("UPDATE goals SET state = 'replanning'");
    expect(db.query("PRAGMA foreign_keys").get()).toEqual({ foreign_keys: 1 });
    db.exec("DELETE FROM goals");
    expect(db.query("SELECT count(*) AS n FROM tasks").get()).toEqual({ n: 0 });
    db.close();
  });

  test("a goal's life: plan, approval, run, done; history records each move", () => {
    const g = wm.goals.create({ title: "Install nginx as a reverse proxy", source: "api", priority: 5 });
    expect(g).toMatchObject({ state: "pending", priority: 5, plan: null, finishedAt: null });
    wm.goals.transition(g.id, "planning");
    wm.goals.transition(g.id, "awaiting_approval", { plan: { steps: ["install", "configure"] }, reason: "plan ready" });
    wm.goals.transition(g.id, "running", { reason: "approved by admin" });
    const done = wm.goals.transition(g.id, "done", { result: { ok: true } });
    expect(done).toMatchObject({ state: "done", plan: { steps: ["install", "configure"] }, result: { ok: true }, error: null });
    expect(done.finishedAt).toBeNumber();
    expect(wm.goals.history(g.id).map((h) => `${h.from}>${h.to}:${h.reason ?? ""}`)).toEqual([
      "pending>planning:",
      "planning>awaiting_approval:plan ready",
      "awaiting_approval>running:approved by admin",
      "running>done:",
    ]);
  });

  test("a move the table forbids is refused and changes nothing", () => {
    const g = wm.goals.create({ title: "x" });
    expect(() => wm.goals.transition(g.id, "done")).toThrow(`goal ${g.id}: pending → done is not allowed`);
    expect(() => wm.goals.transition(999, "planning")).toThrow("goal 999: no such goal");
    expect(wm.goals.get(g.id)!.state).toBe("pending");
    expect(wm.goals.history(g.id)).toEqual([]);
  });

  test("failed goals can be retried; next() takes the highest priority, then the oldest", () => {
    const low = wm.goals.create({ title: "low", priority: 1 });
    const high = wm.goals.create({ title: "high", priority: 9 });
    const high2 = wm.goals.create({ title: "high too", priority: 9 });
    expect(wm.goals.next()!.id).toBe(high.id);
    wm.goals.transition(high.id, "planning");
    wm.goals.transition(high.id, "failed", { error: "no plan" });
    expect(wm.goals.next()!.id).toBe(high2.id);
    const retried = wm.goals.transition(high.id, "pending", { reason: "retry" });
    expect(retried).toMatchObject({ state: "pending", error: "no plan", finishedAt: null });
    expect(wm.goals.list({ state: "pending" }).map((g) => g.id)).toEqual([high2.id, high.id, low.id]);
    expect(wm.goals.counts()).toMatchObject({ pending: 3, failed: 0 });
  });

  test("retention deletes finished goals with their tasks, never active ones", () => {
    const old = wm.goals.create({ title: "old" });
    wm.tasks.create({ goalId: old.id, title: "t" });
    wm.goals.transition(old.id, "cancelled");
    const active = wm.goals.create({ title: "active" });
    expect(wm.goals.deleteFinishedBefore(Date.now() + 1)).toBe(1);
    expect(wm.goals.get(old.id)).toBeNull();
    expect(wm.goals.get(active.id)).not.toBeNull();
    expect(wm.tasks.count()).toBe(0);
  });
});

describe("tasks", () => {
  test("dependencies gate runnable tasks; tool calls append; attempts count runs", () => {
    const g = wm.goals.create({ title: "deploy" });
    const install = wm.tasks.create({ goalId: g.id, title: "install nginx", agent: "system", position: 0 });
    const config = wm.tasks.create({ goalId: g.id, title: "write config", agent: "system", position: 1, dependsOn: [install.id] });
    const test_ = wm.tasks.create({ goalId: g.id, title: "test", agent: "monitor", position: 2, dependsOn: [install.id, config.id] });
    expect(test_.dependsOn).toEqual([install.id, config.id]);
    expect(wm.tasks.runnable(g.id).map((t) => t.title)).toEqual(["install nginx"]);
    wm.tasks.transition(install.id, "running");
    wm.tasks.recordToolCall(install.id, { tool: "pkg.install", callSeq: 12 });
    wm.tasks.transition(install.id, "failed", { error: "mirror down" });
    wm.tasks.transition(install.id, "pending");
    wm.tasks.transition(install.id, "running");
    const done = wm.tasks.transition(install.id, "done", { result: { version: "1.24" } });
    expect(done).toMatchObject({ attempts: 2, toolCalls: [{ tool: "pkg.install", callSeq: 12 }], result: { version: "1.24" }, error: "mirror down" });
    expect(wm.tasks.runnable(g.id).map((t) => t.title)).toEqual(["write config"]);
    wm.tasks.transition(config.id, "skipped");
    expect(wm.tasks.runnable(g.id).map((t) => t.title)).toEqual(["test"]);
    expect(() => wm.tasks.transition(done.id, "running")).toThrow(`task ${done.id}: done → running is not allowed`);
  });

  test("a dependency must belong to the same goal", () => {
    const a = wm.goals.create({ title: "a" });
    const b = wm.goals.create({ title: "b" });
    const ta = wm.tasks.create({ goalId: a.id, title: "ta" });
    expect(() => wm.tasks.create({ goalId: b.id, title: "tb", dependsOn: [ta.id] })).toThrow(`dependency ${ta.id} is not a task of goal ${b.id}`);
    expect(wm.tasks.forGoal(b.id)).toEqual([]);
    expect(() => wm.tasks.create({ goalId: 999, title: "x" })).toThrow("goal 999: no such goal");
  });
});

describe("kv", () => {
  test("JSON values by key, prefix listing, delete", () => {
    wm.kv.set("autonomy.cursor", 42);
    wm.kv.set("autonomy.last", { at: 1 });
    wm.kv.set("other", "x");
    expect(wm.kv.get("autonomy.cursor")).toBe(42);
    expect(wm.kv.list("autonomy.").map((e) => e.key)).toEqual(["autonomy.cursor", "autonomy.last"]);
    wm.kv.set("other", undefined);
    expect(wm.kv.get("other")).toBeUndefined();
    expect(wm.kv.delete("nope")).toBe(false);
  });
});

describe("migrations", () => {
  test("a version-1 working.db keeps its goals and tasks and gains history, attempts and answers", () => {
    const path = join(dir, "old.db");
    const v1 = openDatabase(path);
    applyMigrations(v1, "working", WORKING_MIGRATIONS.slice(0, 1));
    v1.run("INSERT INTO goals (title, state, created_at, updated_at) VALUES ('from v1', 'running', 1, 1)");
    v1.run("INSERT INTO tasks (goal_id, title, state, created_at, updated_at) VALUES (1, 'step', 'running', 1, 1)");
    v1.run("INSERT INTO kv (key, value, updated_at) VALUES ('k', '\"v\"', 1)");
    v1.close();
    const m = WorkingMemory.open(path);
    try {
      expect(schemaVersion(m.db, "working")).toBe(WORKING_MIGRATIONS.at(-1)!.version);
      expect(m.goals.get(1)).toMatchObject({ title: "from v1", state: "running", answer: null });
      expect(m.tasks.get(1)).toMatchObject({ title: "step", attempts: 0, startedAt: null });
      expect(m.kv.get("k")).toBe("v");
      expect(m.goals.transition(1, "done", { answer: "Wrote 6 B to /srv/note.txt" }).answer).toBe("Wrote 6 B to /srv/note.txt");
      expect(m.goals.history(1)).toHaveLength(1);
    } finally {
      m.close();
    }
  });

  test("synchronous=FULL: an acknowledged write survives power loss", () => {
    expect(wm.db.query("PRAGMA synchronous").get()).toEqual({ synchronous: 2 });
    expect(wm.db.query("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
  });
});
