/** `status`, `models`, `logs [-f]`, `power poweroff|reboot`. */
import type { AgentInfo } from "../../agents/runtime";
import { duration, mib, table } from "../../sys/text";
import type { SystemInfo } from "../../sys/info";
import { EXIT, usageError } from "../errors";
import { defineVerb, intFlag, print } from "../verb";

interface Status {
  url: string;
  system: SystemInfo & { version?: string; commit?: string | null; slot?: string };
  agents: AgentInfo[] | null;
  approvals: { level: string; pending: number } | null;
}

/** Words joined by ", " in lines of at most `width` characters, continued under `indent` spaces. */
export function wrap(parts: string[], indent: number, width = 80): string {
  const lines: string[] = [];
  let line = "";
  for (const p of parts) {
    const next = line ? `${line}, ${p}` : p;
    if (line && indent + next.length > width) {
      lines.push(`${line},`);
      line = p;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines.join(`\n${" ".repeat(indent)}`);
}

const gib = (bytes: number) => (bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GiB` : mib(bytes));

export function formatStatus(s: Status): string {
  const sys = s.system;
  const version = sys.version ? `aiOS ${sys.version}${sys.commit ? ` (${sys.commit})` : ""}` : "aiOS";
  const ready = sys.boot.readyMs === null ? "not ready yet" : `ready in ${sys.boot.readyMs} ms`;
  const lines = [`${version} at ${s.url}: ${ready}, up ${duration(sys.uptimeMs)}`];
  const rows: string[][] = [
    ["host", `${sys.hostname} (Linux ${sys.kernel}), pid ${sys.pid}${sys.slot ? `, slot ${sys.slot}` : ""}, ${sys.timezone}`],
    ["memory", `${gib(sys.memory.availableBytes)} available of ${gib(sys.memory.totalBytes)}; aios-init ${mib(sys.rssBytes)}`],
    ["boot", wrap(sys.boot.phases.map((p) => `${p.name} ${p.status}${p.status === "ok" ? ` ${p.ms} ms` : ""}`), 14) || "-"],
  ];
  if (s.agents) {
    const running = s.agents.filter((a) => a.status === "running").length;
    const restarts = s.agents.reduce((n, a) => n + a.restarts, 0);
    const down = s.agents.filter((a) => a.status !== "running").map((a) => `${a.name} ${a.status}`);
    rows.push(["agents", `${running} of ${s.agents.length} running, ${restarts} restart${restarts === 1 ? "" : "s"}${down.length ? `; ${down.join(", ")}` : ""}`]);
  }
  if (s.approvals) rows.push(["approvals", `${s.approvals.pending} waiting (autonomy ${s.approvals.level})${s.approvals.pending ? ": aios-init ctl approvals" : ""}`]);
  if (sys.eventLoop?.stalls) rows.push(["event loop", `${sys.eventLoop.stalls} stalls over ${sys.eventLoop.thresholdMs} ms, worst ${sys.eventLoop.worstMs} ms`]);
  return `${lines.join("\n")}\n${table(rows.map(([k, v]) => [`  ${k}`, v!]))}`;
}

export const status = defineVerb({
  name: "status",
  summary: "the system: version, uptime, memory, boot phases, agents, approvals waiting",
  async run(ctx) {
    const api = ctx.api();
    // The system report decides (a wrong token fails here); the rest is best effort.
    const [system, agents, approvals] = await Promise.all([
      api.get<Status["system"]>("/api/v1/system"),
      api.get<{ agents: AgentInfo[] }>("/api/v1/agents").then((r) => r.agents, () => null),
      api.get<{ level: string; approvals: unknown[] }>("/api/v1/approvals").then((r) => ({ level: r.level, pending: r.approvals.length }), () => null),
    ]);
    print(ctx, { url: api.url, system, agents, approvals }, formatStatus);
    return EXIT.ok;
  },
});

interface Model {
  id: string;
  task?: string;
  tier?: string;
  loaded?: boolean;
  test?: boolean;
  owned_by?: string;
  dimensions?: number;
  context_length?: number;
}

export const models = defineVerb({
  name: "models",
  summary: "the local models (GET /v1/models): task, tier, loaded",
  async run(ctx) {
    const r = await ctx.api().get<{ data: Model[] }>("/v1/models");
    print(ctx, r.data, (list) => {
      if (!list.length) return "no local models (the image's test models are on its runtime disk; import real ones: models/README.md)";
      const rows = [["MODEL", "TASK", "TIER", "LOADED", "FROM"]];
      for (const m of list) rows.push([m.id, m.task ?? "-", m.tier ?? "-", m.loaded ? "yes" : "no", `${m.owned_by === "aios" ? "image" : "imported"}${m.test ? " (test)" : ""}`]);
      return table(rows);
    });
    return EXIT.ok;
  },
});

export const power = defineVerb({
  name: "power",
  args: "poweroff|reboot",
  summary: "power the machine off or reboot it (orderly: services stopped, disks synced)",
  complete: ["poweroff", "reboot"],
  async run(ctx, args) {
    const [action, ...rest] = args;
    if ((action !== "poweroff" && action !== "reboot") || rest.length) throw usageError("power: say poweroff or reboot");
    const r = await ctx.api().post<{ status: string; action: string }>("/api/v1/power", { action });
    print(ctx, r, () => `${action} accepted: ${ctx.api().url} goes away now`);
    return EXIT.ok;
  },
});

interface LogLines {
  lines: string[];
  truncated?: boolean;
  source?: string;
  path?: string;
}

/**
 * aiOS's log through the monitor.logs tool, the one read path there is over
 * the API (an audited call; -f asks again every 2 s). New lines are those
 * after the last one printed.
 */
export const logs = defineVerb({
  name: "logs",
  summary: "the last lines of aiOS's log (or --source service:NAME); -f follows",
  flags: ["follow", "lines", "source"],
  async run(ctx, args) {
    if (args.length) throw usageError(`logs: no arguments (got ${JSON.stringify(args[0])}); --source picks the log`);
    const api = ctx.api();
    const lines = intFlag(ctx, "lines", 50, 1000);
    const read = (n: number) =>
      api.post<{ result: LogLines }>("/api/v1/tools/monitor.logs", { args: { lines: n, ...(ctx.flags.source ? { source: ctx.flags.source } : {}) } }).then((r) => r.result);
    const first = await read(lines);
    print(ctx, first, (r) => r.lines.join("\n") || "(empty)");
    if (!ctx.flags.follow) return EXIT.ok;
    let last = first.lines.slice(-20);
    while (!ctx.signal.aborted) {
      await Promise.race([Bun.sleep(2000), new Promise((resolve) => ctx.signal.addEventListener("abort", resolve, { once: true }))]);
      if (ctx.signal.aborted) break;
      const next = (await read(200)).lines;
      const fresh = newLines(last, next);
      for (const l of fresh) ctx.io.out(ctx.json ? JSON.stringify(l) : l);
      if (fresh.length) last = next.slice(-20);
    }
    return EXIT.ok;
  },
});

/** The lines of `next` after the tail `seen` (matched as a run, so repeated lines are not lost). */
export function newLines(seen: string[], next: string[]): string[] {
  if (!seen.length) return next;
  for (let take = seen.length; take > 0; take--) {
    const tail = seen.slice(-take);
    for (let i = next.length - take; i >= 0; i--) {
      if (tail.every((l, j) => next[i + j] === l)) return next.slice(i + take);
    }
  }
  return next;
}
