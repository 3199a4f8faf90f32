/**
 * Seed 003 phase 5, the autonomy loop. Each tick the monitor agent checks
 * cpu, memory, disks and services; watches that are due are probed; a
 * service that gave up (failed) is restarted when its restart policy allows
 * and it was not healed too recently, with the reason recorded as a
 * decision; scheduled jobs that are due run as goals or tool calls; logs
 * whose rotation policy is due are rotated. Every action is a tool call made
 * by an agent, so it passes the same executor, autonomy gate and audit
 * ledger as a person's, with one exception: log rotation applies a policy a
 * person set (log.set_policy, itself a gated and audited call), as the
 * supervisor applies a service's restart policy; what it rotated is recorded
 * as an event.
 */
import { Cron } from "croner";
import type { CheckAnswer, CheckParts } from "../agents";
import { type CallOutcome, monitorWatchlist, netCheckPort, netHttpCheck, resultOf, scheduleList, serviceRestart, serviceStatus, type Tool, type ToolArgs, type ToolResult } from "../tools";
import { PERSON_CONFIG } from "../tools/authority";
import { errorMessage, log } from "../sys";
import type { GoalSubmission } from "./engine";

/** What the loop needs of the agents: questions to one agent, and tool calls in an agent's name. */
export interface LoopAgents {
  ask<R = unknown>(name: string, msg: { type: string; [k: string]: unknown }, timeoutMs?: number): Promise<R>;
  call(req: { tool: string; args?: unknown; agent?: string; correlationId?: string; onBehalfOf?: string }, timeoutMs?: number): Promise<CallOutcome>;
}

export interface LoopJob {
  name: string;
  cron: string;
  goal?: string | null;
  tool?: string | null;
  args?: Record<string, unknown> | null;
  agent?: string | null;
  /** The agent that added it with schedule.add: every run acts on its behalf. */
  owner?: string | null;
  /** Where it comes from: config.toml or schedule.add. */
  origin: "config" | "schedule";
  lastRunAt?: number | null;
}

export interface LoopWatch {
  name: string;
  service: string | null;
  url: string | null;
  port: { host: string; port: number } | null;
  everyS: number;
  lastCheckAt: number | null;
}

export interface AutonomyOptions {
  tickMs: number;
  healIntervalMs: number;
  agents: () => LoopAgents | undefined;
  submit: (goal: GoalSubmission) => { id: number };
  /** Jobs from config.toml ([[autonomy.jobs]]). */
  configJobs: readonly Omit<LoopJob, "origin">[];
  /** Bookkeeping of watches and schedule.add jobs (the tool hosts' stores). */
  records?: {
    watchChecked(name: string, ok: boolean, detail: string | null, at: number): void;
    jobRan(name: string, status: string, detail: string | null, at: number): void;
  };
  /** Log rotation policies (ToolHost.logs): the files that are due are rotated each tick. */
  logs?: {
    rotateDue(): Promise<{ rotated: Array<{ path: string; reason: string; bytes: number }>; skipped: Array<{ path: string; reason: string }>; notes: string[] }>;
  };
  /** Where the loop writes what it saw and why it acted. */
  observe?: {
    metric(name: string, value: number, ts: number): void;
    event(kind: string, source: string, data?: unknown): void;
    decision(d: { title: string; decision: string; rationale: string; outcome: string }): Promise<unknown>;
    maintenance?(): void;
  };
  now?: () => number;
}

export interface TickReport {
  at: number;
  summary?: string;
  problems: string[];
  healed: Array<{ service: string; why: string; outcome: string }>;
  watches: Array<{ name: string; ok: boolean; detail: string }>;
  jobs: Array<{ name: string; outcome: string }>;
  /** Logs rotated by their policy this tick. */
  rotated: Array<{ path: string; reason: string }>;
  ms: number;
}

export interface AutonomyStatus {
  running: boolean;
  tickMs: number;
  ticks: number;
  last?: TickReport;
}

const CHECK_TIMEOUT_MS = 20_000;
const CALL_TIMEOUT_MS = 60_000;
/** Policies under which a failed service is healed; `never` means the person wants it down when it fails. */
const RESTART_POLICIES_HEALED = new Set(["always", "on-failure"]);
/**
 * The loop's own checks and heals act for the administrator who configured
 * it ([autonomy] in config.toml), through agents that hold each tool; jobs
 * act for whoever added them.
 */
const LOOP = PERSON_CONFIG;

/** A call's outcome with its result typed by the tool (the executor checked it against the tool's output schema). */
type TypedOutcome<T extends Tool> = { status: "done"; callId: string; result: ToolResult<T> } | Extract<CallOutcome, { status: "queued" }>;

/** One of the loop's calls, in an agent's name, on behalf of the loop. */
async function callAs<T extends Tool>(agents: LoopAgents, agent: string, tool: T, args: Partial<ToolArgs<T>>): Promise<TypedOutcome<T>> {
  const r = await agents.call({ tool: tool.name, args, agent, correlationId: "autonomy", onBehalfOf: LOOP }, CALL_TIMEOUT_MS);
  return r.status === "done" ? { ...r, result: resultOf(tool, r.result) } : r;
}

export class AutonomyLoop {
  private timer: ReturnType<typeof setInterval> | undefined;
  private ticking: Promise<TickReport> | undefined;
  private ticks = 0;
  private last: TickReport | undefined;
  private readonly healedAt = new Map<string, number>();
  private readonly configLastRun = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly opts: AutonomyOptions) {
    this.now = opts.now ?? Date.now;
    // Config jobs are first seen now: a boot never replays the runs it missed while off.
    for (const j of opts.configJobs) this.configLastRun.set(j.name, this.now());
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.opts.tickMs);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking?.catch(() => {});
  }

  status(): AutonomyStatus {
    return { running: !!this.timer, tickMs: this.opts.tickMs, ticks: this.ticks, last: this.last };
  }

  /** One pass; a tick still running makes this one wait for it instead of overlapping. */
  tick(): Promise<TickReport> {
    if (this.ticking) return this.ticking;
    this.ticking = this.pass().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async pass(): Promise<TickReport> {
    const t0 = performance.now();
    const at = this.now();
    const report: TickReport = { at, problems: [], healed: [], watches: [], jobs: [], rotated: [], ms: 0 };
    const agents = this.opts.agents();
    if (agents) {
      await this.check(agents, report);
      await this.probeWatches(agents, report);
      await this.runJobs(agents, report);
    } else {
      report.problems.push("no agents are running");
    }
    await this.rotateLogs(report);
    try {
      this.opts.observe?.maintenance?.();
    } catch (err) {
      report.problems.push(`memory maintenance: ${errorMessage(err)}`);
    }
    report.ms = Math.round(performance.now() - t0);
    this.ticks++;
    this.last = report;
    for (const p of report.problems) this.opts.observe?.event("problem", "autonomy", p);
    return report;
  }

  /** Rotates the logs whose policy is due; a failure is a problem of this tick, not of the loop. */
  private async rotateLogs(report: TickReport): Promise<void> {
    if (!this.opts.logs) return;
    try {
      const r = await this.opts.logs.rotateDue();
      report.rotated = r.rotated.map((x) => ({ path: x.path, reason: x.reason }));
      for (const s of r.skipped) report.problems.push(`log ${s.path}: ${s.reason}`);
      if (r.rotated.length) {
        log.info(`autonomy: rotated ${r.rotated.map((x) => `${x.path} (${x.reason})`).join(", ")}`);
        this.opts.observe?.event("logs-rotated", "autonomy", { rotated: r.rotated, notes: r.notes });
      }
    } catch (err) {
      report.problems.push(`log rotation: ${errorMessage(err)}`);
    }
  }

  /** The monitor agent's check; failed services are candidates for healing. */
  private async check(agents: LoopAgents, report: TickReport): Promise<void> {
    let check: CheckAnswer;
    try {
      check = await agents.ask<CheckAnswer>("monitor", { type: "check" }, CHECK_TIMEOUT_MS);
    } catch (err) {
      report.problems.push(`monitor check: ${errorMessage(err)}`);
      return;
    }
    report.summary = check.summary;
    report.problems.push(...check.problems);
    this.recordMetrics(check.results, report.at);
    const list = check.results["service.list"];
    const services = list?.ok ? list.result.services : [];
    for (const s of services.filter((x) => x.state === "failed")) {
      await this.heal(agents, s.name, `state failed${s.reason ? ` (${s.reason})` : ""} after ${s.restarts} restarts`, report);
    }
  }

  private recordMetrics(results: CheckParts, ts: number): void {
    const observe = this.opts.observe;
    if (!observe) return;
    const cpu = results["monitor.cpu"];
    const mem = results["monitor.memory"];
    if (cpu?.ok) observe.metric("cpu.busy_percent", cpu.result.total.busyPercent, ts);
    if (mem?.ok) observe.metric("memory.used_percent", mem.result.usedPercent, ts);
  }

  /** Restarts a failed service when its policy allows and it was not healed within heal_interval. */
  private async heal(agents: LoopAgents, service: string, why: string, report: TickReport): Promise<void> {
    const last = this.healedAt.get(service);
    if (last !== undefined && report.at - last < this.opts.healIntervalMs) return;
    let policy = "unknown";
    try {
      const status = await callAs(agents, "monitor", serviceStatus, { name: service, lines: 0 });
      policy = String((status.status === "done" && status.result.definition.restart) || "unknown");
    } catch (err) {
      report.problems.push(`heal ${service}: ${errorMessage(err)}`);
      return;
    }
    if (!RESTART_POLICIES_HEALED.has(policy)) return;
    this.healedAt.set(service, report.at);
    let outcome: string;
    try {
      const r = await callAs(agents, "system", serviceRestart, { name: service });
      outcome = r.status === "queued" ? `held for approval ${r.approvalId} (${r.callId})` : `restarted (${r.callId})`;
    } catch (err) {
      outcome = `restart failed: ${errorMessage(err)}`;
    }
    report.healed.push({ service, why, outcome });
    log.warn(`autonomy: service ${service}: ${why}; restart=${policy}: ${outcome}`);
    await this.opts.observe
      ?.decision({ title: `self-heal ${service}`, decision: `restart service ${service}`, rationale: `${why}; its restart policy is ${policy}`, outcome })
      .catch((err) => log.warn(`autonomy: record decision: ${errorMessage(err)}`));
  }

  private async probeWatches(agents: LoopAgents, report: TickReport): Promise<void> {
    let watches: LoopWatch[];
    try {
      const r = await callAs(agents, "monitor", monitorWatchlist, {});
      watches = r.status === "done" ? r.result.watches : [];
    } catch (err) {
      report.problems.push(`watchlist: ${errorMessage(err)}`);
      return;
    }
    for (const w of watches) {
      if (w.lastCheckAt !== null && report.at - w.lastCheckAt < w.everyS * 1000) continue;
      const { ok, detail } = await this.probe(agents, w);
      report.watches.push({ name: w.name, ok, detail });
      this.opts.records?.watchChecked(w.name, ok, detail, report.at);
      if (!ok) {
        report.problems.push(`watch ${w.name}: ${detail}`);
        if (w.service) await this.heal(agents, w.service, `watch ${w.name} failed: ${detail}`, report);
      }
    }
  }

  private async probe(agents: LoopAgents, w: LoopWatch): Promise<{ ok: boolean; detail: string }> {
    const call = async <T extends Tool>(tool: T, args: Partial<ToolArgs<T>>): Promise<ToolResult<T>> => {
      const r = await callAs(agents, "monitor", tool, args);
      if (r.status !== "done") throw new Error(`${tool.name} held for approval ${r.approvalId}`);
      return r.result;
    };
    try {
      if (w.url) {
        const r = await call(netHttpCheck, { url: w.url });
        return { ok: r.ok, detail: `${w.url}: ${r.status ?? "no answer"}` };
      }
      if (w.port) {
        const r = await call(netCheckPort, { host: w.port.host, port: w.port.port });
        return { ok: r.open, detail: `${w.port.host}:${w.port.port} ${r.state}` };
      }
      if (w.service) {
        const r = await call(serviceStatus, { name: w.service, lines: 0 });
        return { ok: r.state === "running", detail: `service ${w.service} ${r.state}` };
      }
      return { ok: true, detail: "nothing to check" };
    } catch (err) {
      return { ok: false, detail: errorMessage(err) };
    }
  }

  private async runJobs(agents: LoopAgents, report: TickReport): Promise<void> {
    const jobs: LoopJob[] = this.opts.configJobs.map((j) => ({ ...j, origin: "config" as const, lastRunAt: this.configLastRun.get(j.name) }));
    try {
      const r = await callAs(agents, "task", scheduleList, {});
      if (r.status === "done") for (const j of r.result.jobs) jobs.push({ ...j, origin: "schedule", lastRunAt: j.lastRunAt ?? j.createdAt });
    } catch (err) {
      report.problems.push(`schedule: ${errorMessage(err)}`);
    }
    for (const job of jobs) {
      if (!isDue(job.cron, job.lastRunAt ?? report.at, report.at)) continue;
      const outcome = await this.runJob(agents, job);
      report.jobs.push({ name: job.name, outcome });
      if (job.origin === "config") this.configLastRun.set(job.name, report.at);
      else this.opts.records?.jobRan(job.name, outcome.startsWith("failed") ? "failed" : "ok", outcome, report.at);
      this.opts.observe?.event("job", "autonomy", { name: job.name, outcome });
    }
  }

  private async runJob(agents: LoopAgents, job: LoopJob): Promise<string> {
    // A job acts with at most the rights of whoever added it: config.toml's author, or the agent that called schedule.add.
    const principal = job.origin === "config" ? PERSON_CONFIG : job.owner;
    if (!principal) return "failed: the job has no recorded owner (added before owners were kept); add it again";
    try {
      if (job.goal) return `goal ${this.opts.submit({ goal: job.goal, source: `schedule:${job.name}`, principal }).id} submitted`;
      const r = await agents.call({ tool: job.tool!, args: job.args ?? {}, agent: job.agent ?? undefined, correlationId: `job:${job.name}`, onBehalfOf: principal }, CALL_TIMEOUT_MS);
      return r.status === "queued" ? `held for approval ${r.approvalId} (${r.callId})` : `ran ${job.tool} (${r.callId})`;
    } catch (err) {
      return `failed: ${errorMessage(err)}`;
    }
  }
}

/** Whether a cron expression fired in (since, now]. */
export function isDue(cron: string, since: number, now: number): boolean {
  const c = new Cron(cron, { paused: true });
  try {
    const next = c.nextRun(new Date(since));
    return next !== null && next.getTime() <= now;
  } finally {
    c.stop();
  }
}
