/** monitor.cpu: how busy each CPU is now, from two /proc/stat samples, plus the load averages. */
import * as v from "valibot";
import { cpuTimes, cpuUsage, loadavg } from "../../sys";
import { plural } from "../summary";
import { formatPercent } from "../units";
import { defineTool } from "../define";
import { intArg, MonitorError, sleep } from "./common";

const usage = v.object({
  name: v.string(),
  busyPercent: v.number(),
  userPercent: v.number(),
  systemPercent: v.number(),
  iowaitPercent: v.number(),
  stealPercent: v.number(),
  idlePercent: v.number(),
});

export const monitorCpu = defineTool({
  name: "monitor.cpu",
  description:
    "CPU utilisation over a short sample (sampleMs between two reads of /proc/stat, default 200): busy, user, system, iowait, steal and idle percent for all CPUs together and for each; plus the 1/5/15-minute load averages and runnable/total tasks.",
  input: v.strictObject({ sampleMs: v.optional(intArg(10, 5_000, "ms"), 200) }),
  output: v.object({
    sampleMs: v.number(),
    cpuCount: v.number(),
    total: usage,
    cpus: v.array(usage),
    load: v.object({ one: v.number(), five: v.number(), fifteen: v.number(), runnable: v.number(), tasks: v.number() }),
  }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 10_000,
  async execute(args, ctx) {
    const before = cpuTimes();
    const start = performance.now();
    await sleep(args.sampleMs, ctx.signal);
    const after = cpuTimes();
    const sampleMs = Math.round(performance.now() - start);
    if (!before.total || !after.total) throw new MonitorError("EIO", "monitor.cpu", "/proc/stat", "no cpu line");
    // CPUs are matched by name: one may go offline or come online between samples.
    const earlier = new Map(before.cpus.map((c) => [c.name, c]));
    const cpus = after.cpus.flatMap((c) => {
      const b = earlier.get(c.name);
      return b ? [cpuUsage(b, c)] : [];
    });
    return { sampleMs, cpuCount: after.cpus.length, total: cpuUsage(before.total, after.total), cpus, load: loadavg() };
  },
  summarize: (o) =>
    `CPU ${formatPercent(o.total.busyPercent)} busy over ${o.sampleMs} ms (user ${formatPercent(o.total.userPercent)}, system ${formatPercent(o.total.systemPercent)}, iowait ${formatPercent(o.total.iowaitPercent)}) on ${plural(o.cpuCount, "CPU")}; ` +
    `load ${o.load.one.toFixed(2)} ${o.load.five.toFixed(2)} ${o.load.fifteen.toFixed(2)}, ${o.load.runnable} of ${plural(o.load.tasks, "task")} runnable`,
});
