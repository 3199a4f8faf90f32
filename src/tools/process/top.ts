/**
 * process.top: the processes using the most memory (resident set) or CPU
 * (sampled: two reads of every /proc/<pid>/stat, sampleMs apart). CPU is in
 * percent of one CPU, as top shows it, so a busy multi-threaded process can
 * pass 100. Only the rows returned are looked at closely (command line, owner).
 */
import * as v from "valibot";
import { cpuTimes, meminfo } from "../../sys";
import { intArg } from "../args";
import { sleep } from "../bounded";
import { defineTool } from "../define";
import { formatBytes, formatPercent } from "../units";
import { Tables } from "../user/tables";
import { type ProcInfo, pids, readCmdline, readStat, readStatus, redact } from "./procfs";

/** Processes read between two yields to the event loop. */
const YIELD_EVERY = 128;
const SUMMARY_ROWS = 5;

const round1 = (x: number) => Math.round(x * 10) / 10;

const row = v.object({
  pid: v.number(),
  comm: v.string(),
  /** Secret-looking flag values hidden, as in process.list. */
  cmdline: v.array(v.string()),
  state: v.string(),
  /** Effective uid and its name in /etc/passwd (null: gone, or not in passwd). */
  uid: v.nullable(v.number()),
  user: v.nullable(v.string()),
  rssBytes: v.number(),
  /** Of the machine's memory (MemTotal). */
  memoryPercent: v.number(),
  /** Of one CPU over the sample; null when by is memory (nothing sampled). */
  cpuPercent: v.nullable(v.number()),
});
type Row = v.InferOutput<typeof row>;

/** Every process's stat, keyed by pid; yields now and then and stops when the signal fires. */
async function snapshot(signal: AbortSignal): Promise<Map<number, ProcInfo>> {
  const out = new Map<number, ProcInfo>();
  for (const [i, pid] of pids().entries()) {
    if (i % YIELD_EVERY === YIELD_EVERY - 1) {
      await Bun.sleep(0);
      if (signal.aborted) throw signal.reason;
    }
    const p = readStat(pid);
    if (p) out.set(pid, p); // else it exited while we looked
  }
  return out;
}

/**
 * CPU percent of one CPU per process between two snapshots `ms` apart. A pid
 * whose start time changed is a new process; it and one that started during
 * the interval count all their time, which they spent inside it.
 */
export function cpuShares(before: ReadonlyMap<number, ProcInfo>, after: ReadonlyMap<number, ProcInfo>, ms: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const [pid, a] of after) {
    const b = before.get(pid);
    const same = b !== undefined && b.startTicks === a.startTicks;
    const busyMs = a.utimeMs + a.stimeMs - (same ? b.utimeMs + b.stimeMs : 0);
    out.set(pid, ms > 0 ? round1((Math.max(0, busyMs) / ms) * 100) : 0);
  }
  return out;
}

/** The effective uid from /proc/<pid>/status (`Uid: real effective saved fs`). */
function effectiveUid(pid: number): number | null {
  const uid = readStatus(pid).Uid?.split(/\s+/)[1];
  return uid === undefined ? null : Number(uid);
}

export const processTop = defineTool({
  name: "process.top",
  description:
    "The processes using the most memory (by: memory, the default: resident set size) or CPU (by: cpu: sampled over sampleMs, in percent of one CPU as top shows it), largest first: pid, comm, command line, user, RSS, share of memory and CPU percent. Processes using none (kernel threads for memory, idle ones for CPU) are left out.",
  input: v.strictObject({
    by: v.optional(v.picklist(["memory", "cpu"], "must be memory or cpu"), "memory"),
    limit: v.optional(intArg(1, 100), 10),
    sampleMs: v.optional(intArg(50, 5_000, "ms"), 500),
  }),
  output: v.object({
    by: v.picklist(["memory", "cpu"]),
    /** The measured interval of the CPU sample; null for by: memory. */
    sampleMs: v.nullable(v.number()),
    cpuCount: v.number(),
    memoryTotalBytes: v.number(),
    /** Processes looked at (kernel threads included). */
    scanned: v.number(),
    processes: v.array(row),
  }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 15_000,
  async execute(args, ctx) {
    let procs = await snapshot(ctx.signal);
    let cpu: Map<number, number> | null = null;
    let sampleMs: number | null = null;
    if (args.by === "cpu") {
      const start = performance.now();
      await sleep(args.sampleMs, ctx.signal);
      const later = await snapshot(ctx.signal);
      sampleMs = Math.round(performance.now() - start);
      cpu = cpuShares(procs, later, sampleMs);
      procs = later;
    }
    const memoryTotalBytes = meminfo().totalBytes;
    // Kernel threads hold no memory of their own, and an idle process no CPU: neither answers the question.
    const using = [...procs.values()].filter((p) => (cpu ? (cpu.get(p.pid) ?? 0) > 0 : p.rssBytes > 0));
    const ranked = using.sort((a, b) =>
      cpu ? (cpu.get(b.pid) ?? 0) - (cpu.get(a.pid) ?? 0) || b.rssBytes - a.rssBytes || a.pid - b.pid : b.rssBytes - a.rssBytes || a.pid - b.pid,
    );
    // The machine's passwd, not the sandbox's: /proc shows the machine's processes even in dev mode.
    const names = new Tables("/").namesByUid();
    const rows: Row[] = ranked.slice(0, args.limit).map((p) => {
      const uid = effectiveUid(p.pid);
      return {
        pid: p.pid,
        comm: p.comm,
        cmdline: redact(readCmdline(p.pid)),
        state: p.state,
        uid,
        user: uid === null ? null : (names.get(uid) ?? null),
        rssBytes: p.rssBytes,
        memoryPercent: memoryTotalBytes > 0 ? round1((p.rssBytes / memoryTotalBytes) * 100) : 0,
        cpuPercent: cpu ? (cpu.get(p.pid) ?? 0) : null,
      };
    });
    return { by: args.by, sampleMs, cpuCount: cpuTimes().cpus.length, memoryTotalBytes, scanned: procs.size, processes: rows };
  },
  summarize(out) {
    if (out.processes.length === 0) return out.by === "cpu" ? `No process used measurable CPU over ${round1((out.sampleMs ?? 0) / 1000)} s.` : "No process holds resident memory.";
    const shown = out.processes.slice(0, SUMMARY_ROWS);
    const more = out.processes.length > shown.length ? ", …" : "";
    if (out.by === "cpu") {
      const seconds = round1((out.sampleMs ?? 0) / 1000);
      return `Top CPU over ${seconds} s (percent of one CPU, ${out.cpuCount} CPUs): ${shown.map((p) => `${p.comm} ${formatPercent(p.cpuPercent ?? 0)} (pid ${p.pid})`).join(", ")}${more}`;
    }
    return `Top memory (of ${formatBytes(out.memoryTotalBytes)}): ${shown.map((p) => `${p.comm} ${formatBytes(p.rssBytes)} (pid ${p.pid})`).join(", ")}${more}`;
  },
});
