/** process.list and process.info: what is running, from /proc. */
import * as v from "valibot";
import { clip, indented, plural } from "../summary";
import { formatBytes, formatMs } from "../units";
import { defineTool } from "../define";
import { ProcessError } from "./errors";
import { countFds, pids, readCmdline, readLink, readStat, readStatus, redact } from "./procfs";

const int = (min: number, max: number) => v.pipe(v.number("must be a number"), v.integer("must be an integer"), v.minValue(min, `must be at least ${min}`), v.maxValue(max, `must be at most ${max}`));
export const pidSchema = int(1, 4_194_304);

const row = v.object({
  pid: v.number(),
  ppid: v.number(),
  state: v.string(),
  comm: v.string(),
  cmdline: v.array(v.string()),
  rssBytes: v.number(),
  utimeMs: v.number(),
});

export const processList = defineTool({
  name: "process.list",
  description: "Running processes from /proc: pid, ppid, state, comm, cmdline, RSS and user CPU time; filter matches comm or the command line.",
  input: v.strictObject({ filter: v.optional(v.string()), limit: v.optional(int(1, 100_000), 1000) }),
  output: v.object({ processes: v.array(row), total: v.number(), truncated: v.boolean() }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 10_000,
  execute(args) {
    const out: Array<v.InferOutput<typeof row>> = [];
    let total = 0;
    for (const pid of pids()) {
      const p = readStat(pid);
      if (!p) continue; // exited while we looked
      const cmdline = redact(readCmdline(pid));
      if (args.filter !== undefined && !p.comm.includes(args.filter) && !cmdline.join(" ").includes(args.filter)) continue;
      total++;
      if (out.length < args.limit) out.push({ pid, ppid: p.ppid, state: p.state, comm: p.comm, cmdline, rssBytes: p.rssBytes, utimeMs: p.utimeMs });
    }
    return { processes: out, total, truncated: total > out.length };
  },
  summarize: (o, args) => {
    const rows = o.processes.map((p) => `  ${p.pid} ${p.comm} ${formatBytes(p.rssBytes)}${p.cmdline.length ? `: ${clip(p.cmdline.join(" "), 80)}` : ""}`);
    const what = args.filter === undefined ? "" : ` matching ${JSON.stringify(args.filter)}`;
    if (o.total === 0) return `No process${what} is running`;
    return [`${plural(o.total, "process", "processes")}${what}${o.truncated ? ` (the first ${o.processes.length} shown)` : ""}:`, ...indented(rows.map((r) => r.slice(2)), 25, "head")].join("\n");
  },
});

export const processInfo = defineTool({
  name: "process.info",
  description: "One process in detail: command line, executable, working directory, state, threads, memory, CPU times, open file descriptors and /proc/<pid>/status.",
  input: v.strictObject({ pid: pidSchema }),
  output: v.object({
    pid: v.number(),
    ppid: v.number(),
    state: v.string(),
    comm: v.string(),
    cmdline: v.array(v.string()),
    exe: v.nullable(v.string()),
    cwd: v.nullable(v.string()),
    threads: v.number(),
    rssBytes: v.number(),
    utimeMs: v.number(),
    stimeMs: v.number(),
    fds: v.nullable(v.number()),
    status: v.record(v.string(), v.string()),
  }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 5_000,
  execute(args) {
    const p = readStat(args.pid);
    if (!p) throw new ProcessError("ESRCH", "process.info", args.pid, "ESRCH (no such process)");
    return {
      pid: p.pid,
      ppid: p.ppid,
      state: p.state,
      comm: p.comm,
      cmdline: redact(readCmdline(args.pid)),
      exe: readLink(`/proc/${args.pid}/exe`),
      cwd: readLink(`/proc/${args.pid}/cwd`),
      threads: p.threads,
      rssBytes: p.rssBytes,
      utimeMs: p.utimeMs,
      stimeMs: p.stimeMs,
      fds: countFds(args.pid),
      status: readStatus(args.pid),
    };
  },
  summarize: (o) =>
    `Process ${o.pid} (${o.comm}), state ${o.state}, parent ${o.ppid}: ${formatBytes(o.rssBytes)} resident, ${plural(o.threads, "thread")}, CPU ${formatMs(o.utimeMs + o.stimeMs)} (user ${formatMs(o.utimeMs)})` +
    `${o.fds === null ? "" : `, ${plural(o.fds, "open file")}`}${o.cmdline.length ? `\nCommand: ${clip(o.cmdline.join(" "), 160)}` : ""}${o.exe ? `\nExecutable: ${o.exe}` : ""}`,
});
