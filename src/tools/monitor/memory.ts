/** monitor.memory: RAM and swap use from /proc/meminfo. */
import * as v from "valibot";
import { memoryStats } from "../../sys";
import { formatBytes, formatPercent } from "../units";
import { defineTool } from "../define";

export const monitorMemory = defineTool({
  name: "monitor.memory",
  description:
    "Memory use from /proc/meminfo in bytes: total, available (what can be had without swapping), free, buffers, cached, used (total - available) and used percent; swap total, free, used and used percent.",
  input: v.strictObject({}),
  output: v.object({
    totalBytes: v.number(),
    availableBytes: v.number(),
    freeBytes: v.number(),
    buffersBytes: v.number(),
    cachedBytes: v.number(),
    usedBytes: v.number(),
    usedPercent: v.number(),
    swapTotalBytes: v.number(),
    swapFreeBytes: v.number(),
    swapUsedBytes: v.number(),
    swapUsedPercent: v.number(),
  }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 5_000,
  execute() {
    return memoryStats();
  },
  summarize: (o) =>
    `Memory: ${formatBytes(o.usedBytes)} used of ${formatBytes(o.totalBytes)} (${formatPercent(o.usedPercent)}), ${formatBytes(o.availableBytes)} available` +
    (o.swapTotalBytes > 0 ? `; swap ${formatBytes(o.swapUsedBytes)} used of ${formatBytes(o.swapTotalBytes)} (${formatPercent(o.swapUsedPercent)})` : "; no swap"),
});
