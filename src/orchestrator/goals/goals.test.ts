import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig } from "../../config";
import { applyMigrations, type Db, openDatabase, openMemory, schemaVersion, WorkingMemory } from "../../memory";
import { GoalStore } from "./goals";
import { openGoalStores } from "./index";
import { ACTIVE_GOAL_STATES, FINAL_GOAL_STATES, GOAL_EVENTS, GOAL_MACHINE, GOAL_STATES, GOAL_TRANSITIONS, goalTarget } from "./machine";
import { GOALS_MIGRATIONS } from "./migrations";
import { TaskStore } from "./tasks";
// The first "working" migration as the build before the move shipped it (it also made memory's kv table).
import beforeMove from "./testdata/001_working.before-move.sql" with { type: "text" };

let dir: string;
let memory: WorkingMemory;
let wm: { goals: GoalStore; tasks: TaskStore };
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "aios-goals-"));
  memory = WorkingMemory.open(join(dir, "working.db"));
  wm = { goals: new GoalStore(memory.db), tasks: new TaskStore(memory.fast) };
});
afterEach(() => {
  memory.close();
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
    applyMigrations(db, "working", GOALS_MIGRATIONS.slice(0, 3));
    db.exec("INSERT INTO goals (title, created_at, updated_at, state, answer) VALUES ('a', 1, 1, 'running', 'x')");
    db.exec("INSERT INTO tasks (goal_id, title, created_at, updated_at) VALUES (1, 't', 1, 1)");
    db.exec("INSERT INTO goal_transitions (goal_id, from_state, to_state, at) VALUES (1, 'pending', 'planning', 1)");
    expect(() => db.exec("UPDATE goals SET state = 'replanning'")).toThrow();
    expect(applyMigrations(db, "working", GOALS_MIGRATIONS)).toEqual([4]);
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

/** The "working" chain as the build before the move applied it: its own first migration, then 2-4 as they are. */
function beforeMoveChain(db: Db, upTo: number): void {
  applyMigrations(db, "working", [{ version: 1, name: "working", sql: beforeMove }, ...GOALS_MIGRATIONS.slice(1)].slice(0, upTo));
}

/** Every table, index and trigger with the SQL that made it (what a database's schema is). */
function schema(db: Db): unknown[] {
  return db.query("SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY type, name").all();
}

describe("databases written before the goal tables moved to the orchestrator", () => {
  test("a version-1 working.db keeps its goals, tasks and keys and gains history, attempts and answers", () => {
    const path = join(dir, "old.db");
    const v1 = openDatabase(path);
    beforeMoveChain(v1, 1);
    v1.run("INSERT INTO goals (title, state, created_at, updated_at) VALUES ('from v1', 'running', 1, 1)");
    v1.run("INSERT INTO tasks (goal_id, title, state, created_at, updated_at) VALUES (1, 'step', 'running', 1, 1)");
    v1.run("INSERT INTO kv (key, value, updated_at) VALUES ('k', '\"v\"', 1)");
    v1.close();
    const m = WorkingMemory.open(path);
    try {
      const { goals, tasks } = { goals: new GoalStore(m.db), tasks: new TaskStore(m.fast) };
      expect(schemaVersion(m.db, "working")).toBe(GOALS_MIGRATIONS.at(-1)!.version);
      expect(goals.get(1)).toMatchObject({ title: "from v1", state: "running", answer: null });
      expect(tasks.get(1)).toMatchObject({ title: "step", attempts: 0, startedAt: null });
      expect(m.kv.get("k")).toBe("v");
      expect(goals.transition(1, "done", { answer: "Wrote 6 B to /srv/note.txt" }).answer).toBe("Wrote 6 B to /srv/note.txt");
      expect(goals.history(1)).toHaveLength(1);
    } finally {
      m.close();
    }
  });

  test("a data disk of the last build (working at version 4, kv made by it) opens unchanged, with the schema a new one gets", async () => {
    const old = join(dir, "memory-old");
    const db = openDatabase(join(old, "working.db"));
    beforeMoveChain(db, 4);
    db.run("INSERT INTO goals (title, state, created_at, updated_at, finished_at) VALUES ('kept', 'done', 1, 1, 1)");
    db.run("INSERT INTO tasks (goal_id, title, state, created_at, updated_at) VALUES (1, 'step', 'done', 1, 1)");
    db.run("INSERT INTO goal_transitions (goal_id, from_state, to_state, at) VALUES (1, 'running', 'done', 1)");
    db.run("INSERT INTO kv (key, value, updated_at) VALUES ('memory.maintenance.last', '1', 1)");
    db.close();

    const config = { ...defaultConfig().memory, goal_retention_days: 0 };
    const m = openMemory({ working: join(old, "working.db"), longterm: join(old, "longterm.db") }, config);
    const fresh = openMemory({ working: join(dir, "memory-new/working.db"), longterm: join(dir, "memory-new/longterm.db") }, config);
    try {
      const { goals, tasks } = openGoalStores(m);
      openGoalStores(fresh);
      expect([schemaVersion(m.working.db, "working"), schemaVersion(m.working.db, "kv")]).toEqual([4, 1]);
      expect(schema(m.working.db)).toEqual(schema(fresh.working.db));
      expect(goals.get(1)).toMatchObject({ title: "kept", state: "done" });
      expect(tasks.forGoal(1).map((t) => t.title)).toEqual(["step"]);
      expect(goals.history(1)).toHaveLength(1);
      expect(m.stats()).toMatchObject({ working: { goals: { done: 1 }, tasks: 1, keys: 1 }, lastMaintenance: 1 });
    } finally {
      m.close();
      fresh.close();
    }
  });
});

describe("the goals' part of Memory", () => {
  test("stats count goals by state and tasks; maintenance deletes finished goals past goal_retention_days", () => {
    const config = { ...defaultConfig().memory, goal_retention_days: 90 };
    const m = openMemory({ working: join(dir, "m/working.db"), longterm: join(dir, "m/longterm.db") }, config);
    try {
      expect(m.stats().working).toEqual({ keys: 0 });
      const { goals, tasks } = openGoalStores(m);
      const old = goals.create({ title: "old goal" });
      tasks.create({ goalId: old.id, title: "t" });
      goals.transition(old.id, "cancelled");
      const active = goals.create({ title: "active goal" });
      expect(m.stats().working).toMatchObject({ goals: { pending: 1, cancelled: 1, done: 0 }, tasks: 1, keys: 0 });
      expect(m.maintain({ now: Date.now() + 89 * 86_400_000 })).toMatchObject({ goalsDeleted: 0 });
      expect(m.maintain({ now: Date.now() + 91 * 86_400_000 })).toMatchObject({ decisionsDeleted: 0, goalsDeleted: 1 });
      expect(goals.get(old.id)).toBeNull();
      expect(goals.get(active.id)).not.toBeNull();
      expect(m.stats().working).toMatchObject({ goals: { pending: 1, cancelled: 0 }, tasks: 0 });
      // Opened again (a second engine on the same memory): registered once, counted once.
      openGoalStores(m);
      expect(m.stats().working.goals!.pending).toBe(1);
    } finally {
      m.close();
    }
  });

  test("goal_retention_days = 0 keeps every goal", () => {
    const m = openMemory({ working: join(dir, "m/working.db"), longterm: join(dir, "m/longterm.db") }, { ...defaultConfig().memory, goal_retention_days: 0 });
    try {
      const { goals } = openGoalStores(m);
      goals.transition(goals.create({ title: "x" }).id, "cancelled");
      expect(m.maintain({ now: Date.now() + 10_000 * 86_400_000 })).toMatchObject({ goalsDeleted: 0 });
      expect(goals.counts().cancelled).toBe(1);
    } finally {
      m.close();
    }
  });
});
