/** show disk / memory / process usage: "show disk usage", "how much memory is free", "what processes are running", "show cpu load". */
import { defineIntent } from "../intent";
import { call, task } from "./common";
import type { TaskPlan } from "../../../plan";

export const USAGE_KINDS = ["disk", "memory", "processes", "cpu"] as const;
export type UsageKind = (typeof USAGE_KINDS)[number];

export interface UsageArgs {
  kinds: UsageKind[];
}

const ASK = /^(?:show|display|list|report|print|get|give|tell|check|view|what|what's|whats|which|how|is|are|do|does|top|df|free|ps)\b/;
const WORDS: Array<[RegExp, UsageKind]> = [
  [/\b(?:disks?|disk\s+space|storage|filesystems?|partitions?|space|df)\b/, "disk"],
  [/\b(?:memory|ram|swap|mem)\b|^free(?:\s+-[a-z]+)?$/, "memory"],
  [/\b(?:process(?:es)?|ps|top|programs?\s+running|running\s+programs?)\b/, "processes"],
  [/\b(?:cpu|cpus|processor|load)\b/, "cpu"],
];

export const showUsage = defineIntent<UsageArgs>({
  name: "show-usage",
  summary: "show disk, memory or process usage",
  examples: ["show disk usage", "how much memory is free?", "what processes are running?", "show disk, memory and process usage", "show cpu load"],
  match(clause) {
    const t = clause.lower;
    if (!ASK.test(t) || /\/|https?:/.test(t)) return null;
    // "free disk space" is a request to free it; "how much free disk space" asks.
    if (/^free\s+(?:up\s+)?(?:some\s+)?(?:disk|space|storage)/.test(t)) return null;
    if (/\b(?:system|resource)\s+(?:usage|resources|load)\b/.test(t)) return { kinds: [...USAGE_KINDS] };
    const kinds = WORDS.filter(([re]) => re.test(t)).map(([, k]) => k);
    return kinds.length === 0 ? null : { kinds };
  },
  describe: (a) => a.kinds.join(", "),
  async plan(a) {
    const tasks: TaskPlan[] = [];
    if (a.kinds.includes("disk")) tasks.push(task("disk", "Show disk usage", "storage", [call("monitor.disk", {})]));
    if (a.kinds.includes("memory")) tasks.push(task("memory", "Show memory usage", "system", [call("monitor.memory", {})]));
    if (a.kinds.includes("cpu")) tasks.push(task("cpu", "Show CPU usage", "monitor", [call("monitor.cpu", {})]));
    if (a.kinds.includes("processes")) tasks.push(task("processes", "List running processes", "system", [call("process.list", {})]));
    return tasks;
  },
});
