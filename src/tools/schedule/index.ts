/** The schedule.* tools: cron jobs (a goal or one tool call) that the autonomy loop runs when due. */
import { join } from "node:path";
import { ScheduleStore } from "../../memory";
import type { HostProvider } from "../catalog";
import { scheduleAdd, scheduleList, scheduleRemove } from "./tools";

export { cronProblem, nextRuns } from "./cron";
export { ScheduleError, scheduleAdd, scheduleList, scheduleRemove } from "./tools";

export const scheduleTools = [scheduleAdd, scheduleRemove, scheduleList];

/** ToolHost.schedules: the jobs in the working database, closed with the tool system. */
export const scheduleHost: HostProvider = (env) => {
  const schedules = ScheduleStore.open(join(env.paths.data, "memory/working.db"));
  return { host: { schedules }, stop: () => schedules.close() };
};
