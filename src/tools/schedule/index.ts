/** The schedule.* tools: cron jobs (a goal or one tool call) that the autonomy loop runs when due. */
import { ScheduleStore } from "./store";
import type { HostProvider } from "../define";
import { scheduleAdd, scheduleList, scheduleRemove } from "./tools";

export { cronProblem, nextRuns } from "./cron";
export { ScheduleError, scheduleAdd, scheduleList, scheduleRemove } from "./tools";

export const scheduleTools = [scheduleAdd, scheduleRemove, scheduleList];

/** ToolHost.schedules: the jobs in the working database. */
export const scheduleHost: HostProvider = ({ working }) => ({ host: { schedules: new ScheduleStore(working) } });
