/** Contract fixtures for the schedule.* tools (see src/tools/contract.ts): the executor's real store. */
import { expect } from "bun:test";
import type { ScheduleStore } from "./store";
import { type ContractEnv, defineFixtures } from "../contract.testing";

const jobs = (t: ContractEnv): ScheduleStore => t.executor.host.schedules;
const clear = (t: ContractEnv) => {
  for (const j of jobs(t).list()) jobs(t).remove(j.name);
};
/** Two jobs, one that has run, so undo has history to put back. */
const twoJobs = (t: ContractEnv) => {
  clear(t);
  jobs(t).set({ name: "cleanup", cron: "0 3 * * *", goal: "free disk space", tool: null, args: null, agent: null });
  jobs(t).set({ name: "sync", cron: "*/5 * * * *", goal: null, tool: "process.spawn", args: { argv: ["sync"] }, agent: "task" });
  jobs(t).recordRun("cleanup", "done", "goal 7");
};

export const fixtures = defineFixtures({
  "schedule.add": {
    setup: twoJobs,
    args: { name: "cleanup", cron: "30 2 * * 1-5", goal: "free disk space older than 3 days" },
    invalid: [
      { args: { name: "x", cron: "61 * * * *", goal: "g" }, field: "args.cron" },
      { args: { name: "x", cron: "* * * * *" }, field: "args.goal" },
      { args: { name: "x", cron: "* * * * *", goal: "g", tool: "fs.read" }, field: "args.goal" },
      { args: { name: "x", cron: "* * * * *", goal: "g", args: {} }, field: "args.args" },
      { args: { name: "X Y", cron: "* * * * *", goal: "g" }, field: "args.name" },
    ],
    state: (t) => jobs(t).list(),
    verify: (r) => {
      expect(r).toMatchObject({ replaced: true, job: { name: "cleanup", cron: "30 2 * * 1-5", goal: "free disk space older than 3 days", tool: null, lastStatus: "done" } });
      expect(r.job.nextRuns).toHaveLength(3);
    },
    teardown: clear,
  },
  "schedule.remove": {
    setup: twoJobs,
    args: { name: "cleanup" },
    invalid: [{ args: { name: "" }, field: "args.name" }],
    state: (t) => jobs(t).list(),
    verify: (r, t) => {
      expect(r.removed).toMatchObject({ name: "cleanup", lastStatus: "done" });
      expect(jobs(t).list().map((j) => j.name)).toEqual(["sync"]);
    },
    teardown: clear,
  },
  "schedule.list": {
    setup: twoJobs,
    args: {},
    invalid: [{ args: { all: true }, field: "args.all" }],
    verify: (r) => expect(r.jobs.map((j: { name: string; nextRuns: string[] }) => [j.name, j.nextRuns.length])).toEqual([["cleanup", 3], ["sync", 3]]),
    teardown: clear,
  },
});
