/** sys.uptime: how long the system has been up, since when, and how loaded it is (uptime(1) and /proc/loadavg). */
import { readFileSync } from "node:fs";
import * as v from "valibot";
import { loadavg, parseBootTime, parseCpuTimes, uptimeMs } from "../../sys";
import { defineTool } from "../define";
import { formatClock, formatDuration } from "../units";

export const sysUptime = defineTool({
  name: "sys.uptime",
  description:
    "How long the system has been up and when it booted, the 1/5/15-minute load averages, the number of CPUs (to read the load against) and runnable/total tasks (threads) from /proc/loadavg.",
  input: v.strictObject({}),
  output: v.object({
    uptimeSeconds: v.number(),
    /** ISO time of the boot (/proc/stat btime). */
    bootTime: v.string(),
    load: v.object({ one: v.number(), five: v.number(), fifteen: v.number() }),
    /** Online CPUs: a load equal to this keeps every CPU busy. */
    cpuCount: v.number(),
    /** Scheduling entities (threads) runnable now, and in all. */
    tasks: v.object({ runnable: v.number(), total: v.number() }),
  }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 5_000,
  execute() {
    const up = uptimeMs();
    const stat = readFileSync("/proc/stat", "utf8");
    const btime = parseBootTime(stat);
    const l = loadavg();
    return {
      uptimeSeconds: Math.floor(up / 1000),
      bootTime: new Date(btime !== null ? btime * 1000 : Date.now() - up).toISOString(),
      load: { one: l.one, five: l.five, fifteen: l.fifteen },
      cpuCount: parseCpuTimes(stat).cpus.length,
      tasks: { runnable: l.runnable, total: l.tasks },
    };
  },
  summarize(out) {
    const cpus = `${out.cpuCount} CPU${out.cpuCount === 1 ? "" : "s"}`;
    const load = [out.load.one, out.load.five, out.load.fifteen].map((x) => x.toFixed(2)).join(" ");
    return `Up ${formatDuration(out.uptimeSeconds)} (since ${formatClock(Date.parse(out.bootTime))}); load ${load} on ${cpus}; ${out.tasks.runnable} of ${out.tasks.total} tasks runnable.`;
  },
});
