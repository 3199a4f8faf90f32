import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { ScheduleStore } from "./store";
import { call, makeCtx, makeEnv, type TestEnv, undo } from "../fs/testing";
import { checkOutput, parseArgs } from "../schema";
import { Capabilities } from "../capabilities";
import { ToolRegistry } from "../registry";
import { fsWrite } from "../fs";
import { processSpawn } from "../process";
import { cronProblem, nextRuns } from "./cron";
import { scheduleAdd, scheduleList, scheduleRemove } from "./tools";

let t: TestEnv;
let schedules: ScheduleStore;
// The built-in task and system agents' capabilities (src/agents/builtin).
const capabilities = new Capabilities();
capabilities.declare("task", ["process", "service", "fs.read", "schedule"]);
capabilities.declare("system", ["fs", "process", "service", "hw", "user"]);
const registry = new ToolRegistry([fsWrite, processSpawn, scheduleAdd]);
const ctx = (agent = "task") => Object.assign(makeCtx(t.env, { schedules, capabilities, registry }), { agent });

beforeEach(() => {
  t = makeEnv();
  schedules = ScheduleStore.open(join(t.env.paths.data, "memory/working.db"));
});
afterEach(() => {
  schedules.close();
  t.cleanup();
});

describe("cron expressions through croner", () => {
  test("valid ones parse and say when they fire; bad ones say why", () => {
    const from = new Date(2025, 0, 31, 12, 7, 0);
    expect(nextRuns("*/5 * * * *", 2, from).map((s) => new Date(s).getMinutes())).toEqual([10, 15]);
    const daily = nextRuns("0 3 * * *", 2, from).map((s) => new Date(s));
    expect(daily.map((d) => [d.getDate(), d.getHours(), d.getMinutes()])).toEqual([[1, 3, 0], [2, 3, 0]]);
    expect(cronProblem("@hourly")).toBeNull();
    expect(cronProblem("61 * * * *")).toContain("minute");
    expect(cronProblem("every day")).toContain("needs 5 fields");
    expect(cronProblem("a b c d e")).toBeString();
    // Issue 11: a seconds field asked for every tick; a date that never comes, for never.
    expect(cronProblem("* * * * * *")).toBe("needs 5 fields (minute hour day-of-month month day-of-week), got 6: seconds are not supported, jobs run at most once per autonomy tick");
    expect(cronProblem("0 0 31 2 *")).toBe("never fires (no such date, such as 31 February)");
    expect(cronProblem("0 0 29 2 *")).toBeNull(); // leap years come
    expect(() => parseArgs(scheduleAdd, { name: "x", cron: "* * * * * *", goal: "g" })).toThrow("args.cron: not a cron expression: needs 5 fields");
    expect(() => parseArgs(scheduleAdd, { name: "x", cron: "0 0 31 2 *", goal: "g" })).toThrow("args.cron: not a cron expression: never fires");
  });
});

describe("authority (issue 11)", () => {
  test("an agent cannot schedule a call it may not make itself, as any agent", async () => {
    // The task agent is refused fs.write; it scheduled fs.write as system, which ran within a minute.
    await expect(call(scheduleAdd, { name: "x", cron: "* * * * *", tool: "fs.write", args: { path: "/etc/x", content: "y" }, agent: "system" }, ctx("task"))).rejects.toThrow(
      "schedule.add x: agent task lacks capability fs.write; a job acts with at most the rights of the agent that adds it (task)",
    );
    await expect(call(scheduleAdd, { name: "x", cron: "* * * * *", tool: "fs.write", args: {} }, ctx("task"))).rejects.toThrow("agent task lacks capability fs.write");
    // Acting for an agent that lacks it is refused too, and so is naming a runner that lacks it.
    await expect(call(scheduleAdd, { name: "x", cron: "* * * * *", tool: "fs.write", args: {} }, Object.assign(ctx("system"), { onBehalfOf: "task" }))).rejects.toThrow("agent task lacks capability fs.write");
    await expect(call(scheduleAdd, { name: "x", cron: "* * * * *", tool: "fs.write", args: {}, agent: "task" }, ctx("system"))).rejects.toThrow("agent task lacks capability fs.write");
    await expect(call(scheduleAdd, { name: "x", cron: "* * * * *", tool: "no.such" }, ctx("task"))).rejects.toThrow("args.tool: no such tool");
    expect(schedules.list()).toEqual([]);
    const ok = await call(scheduleAdd, { name: "y", cron: "* * * * *", tool: "process.spawn", args: { argv: ["true"] }, agent: "system" }, Object.assign(ctx("task"), { onBehalfOf: "person:api" }));
    expect(ok.job).toMatchObject({ owner: "task", onBehalfOf: "person:api" });
  });
});

describe("the schedule tools over a real SQLite store", () => {
  test("add stores a goal job and returns the next three runs; undo removes it", async () => {
    const c = ctx();
    const r = await call(scheduleAdd, { name: "cleanup", cron: "0 3 * * *", goal: "free disk space" }, c);
    expect(r).toMatchObject({ replaced: false, job: { name: "cleanup", cron: "0 3 * * *", goal: "free disk space", tool: null, args: null, agent: null } });
    expect(r.job.nextRuns.map((s) => new Date(s).getHours())).toEqual([3, 3, 3]);
    expect(() => checkOutput(scheduleAdd, r)).not.toThrow();
    await undo(scheduleAdd, c);
    expect(schedules.list()).toEqual([]);
  });

  test("a tool job keeps its args and agent; replacing a job keeps its run history, and undo restores the old spec", async () => {
    await call(scheduleAdd, { name: "sync", cron: "*/5 * * * *", tool: "process.spawn", args: { argv: ["sync"] }, agent: "task" }, ctx());
    schedules.recordRun("sync", "done", null, 1234);
    const before = schedules.list();
    const c = ctx();
    const r = await call(scheduleAdd, { name: "sync", cron: "@hourly", tool: "process.spawn" }, c);
    expect(r).toMatchObject({ replaced: true, job: { cron: "@hourly", args: {}, agent: null, lastRunAt: 1234 } });
    await undo(scheduleAdd, c);
    expect(schedules.list()).toEqual(before);
  });

  test("remove takes a job away with its history (undo puts it back); an unknown job is an error", async () => {
    schedules.set({ name: "a", cron: "* * * * *", goal: "check port 80", tool: null, args: null, agent: null });
    schedules.recordRun("a", "failed", "port closed", 99);
    const before = schedules.list();
    const c = ctx();
    expect((await call(scheduleRemove, { name: "a" }, c)).removed).toMatchObject({ name: "a", lastStatus: "failed" });
    expect((await call(scheduleList, {}, ctx())).jobs).toEqual([]);
    await undo(scheduleRemove, c);
    expect(schedules.list()).toEqual(before);
    await expect(call(scheduleRemove, { name: "b" }, ctx())).rejects.toThrow("schedule.remove b: no such job");
  });

  test("exactly one of goal and tool; args only with a tool; the cron expression is checked before anything is stored", () => {
    expect(() => parseArgs(scheduleAdd, { name: "x", cron: "* * * * *" })).toThrow("args.goal: give exactly one of goal and tool");
    expect(() => parseArgs(scheduleAdd, { name: "x", cron: "* * * * *", goal: "g", tool: "fs.read" })).toThrow("args.goal");
    expect(() => parseArgs(scheduleAdd, { name: "x", cron: "* * * * *", goal: "g", args: { a: 1 } })).toThrow("args.args: args go with tool");
    expect(() => parseArgs(scheduleAdd, { name: "x", cron: "0 25 * * *", goal: "g" })).toThrow("args.cron: not a cron expression");
    expect(() => parseArgs(scheduleAdd, { name: "x", cron: "* * * * *", tool: "sync" })).toThrow("args.tool");
  });
});
