/**
 * One goal's run, once it is planned: a plan's tasks through the executor
 * (retrying a task that failed for a reason that may pass), or a model's tool
 * loop (each call through the guard, then the executor's gates). The goal's
 * state moves here, by the goal machine's events, and always before the trace
 * event that announces it: whoever reacts to the event reads the new state.
 *
 *   running ──transient──▶ retrying ──retry──▶ running        (at most max_retries per task)
 *   running ──task_failed──▶ replanning ──replanned──▶ running (at most max_replans per goal)
 *   running ──hold──▶ awaiting_approval ──decide──▶ running   (the loop waits with it)
 */
import type { AutonomyLevel } from "../config";
import type { Goal, GoalEvent } from "./goals";
import { AskTimeoutError } from "../actors/errors";
import { AiosError, errorMessage } from "../sys";
import { stricterLevel } from "../tools/gate";
import { isPerson } from "../tools/authority";
import { type AnsweredCall, answeredCall } from "./answer";
import type { DecisionLog } from "./decisions";
import { type AgentPort, executePlan, type ExecutionHooks, TaskFailure } from "./execute";
import { autonomyFloor, vetCall } from "./guard";
import { type LoopBounds, type LoopEnd, runLoop } from "./loop";
import type { Plan, TaskPlan } from "./plan";
import type { EngineStores, EngineTools } from "./ports";
import { type RoutableAgent, type Route, routeTask } from "./router";
import type { TaskOutcome } from "./schedule";
import type { Decision, LoopCall, Observation, PlanningFacts, Reading, Stepper } from "./types";

export type Autonomy = AutonomyLevel;

export interface RunLimits extends LoopBounds {
  maxReplans: number;
  maxRetries: number;
  /** The pause before the first retry of a task; doubled for each next one. */
  retryDelayMs: number;
}

export interface RunHost {
  stores: EngineStores;
  tools: EngineTools;
  log: DecisionLog;
  facts(): PlanningFacts;
  principal(goalId: number): string;
  stopping(): boolean;
  limits: RunLimits;
}

export type PlanRun = { ok: true } | { ok: false; reason: string; code?: string; aborted: boolean };

const TRANSIENT_CODES = new Set(["timeout", "EAGAIN", "EBUSY", "ETIMEDOUT", "ECONNRESET", "ECONNREFUSED", "EINTR", "ENETUNREACH", "EHOSTUNREACH", "EAI_AGAIN", "ETXTBSY"]);

/** Whether a failed call may succeed if made again unchanged: a timeout, a busy or unreachable resource. */
export function isTransient(err: unknown): boolean {
  if (err instanceof AskTimeoutError) return true;
  if (!(err instanceof AiosError)) return false;
  const reason = (err as { reason?: unknown }).reason;
  return TRANSIENT_CODES.has(err.code) || (typeof reason === "string" && TRANSIENT_CODES.has(reason));
}

const codeOf = (err: unknown): string | undefined => {
  if (!(err instanceof AiosError)) return undefined;
  const reason = (err as { reason?: unknown }).reason;
  return typeof reason === "string" ? reason : err.code;
};

export const correlationOf = (goalId: number) => `g${goalId}`;

export class GoalRun {
  /** Each finished call's typed result, with its plan entry, until the answer is composed. */
  readonly calls: AnsweredCall[] = [];
  private replans = 0;
  private readonly held = new Set<string>();
  private pausedSince: number | undefined;
  private pausedTotal = 0;
  private seq = 0;
  private readonly autonomy: Autonomy | undefined;

  constructor(
    private readonly host: RunHost,
    readonly goal: Goal,
    private readonly agents: AgentPort & { list(): RoutableAgent[] },
    private readonly signal: AbortSignal,
    autonomy: Autonomy | undefined,
    readonly reading?: Reading,
  ) {
    // A goal the catalogue does not read gets its changes held for a person, whoever planned it (guard.ts).
    const floor = autonomyFloor(reading);
    this.autonomy = floor ? stricterLevel(floor, autonomy) : autonomy;
  }

  private get id(): number {
    return this.goal.id;
  }

  send(event: GoalEvent, reason: string): void {
    this.host.stores.goals.send(this.id, event, { reason });
  }

  private state(): string | undefined {
    return this.host.stores.goals.get(this.id)?.state;
  }

  // ---- plans ------------------------------------------------------------------

  /**
   * Runs a routed plan. A task that failed for a reason that may pass runs
   * again from its failed call (retrying), after a pause that doubles; tasks
   * not started wait for it rather than being skipped.
   */
  async runPlan(plan: Plan, routes: ReadonlyMap<string, Route>): Promise<PlanRun> {
    const taskIds = this.host.log.tasks(this.id, plan, routes);
    const retries = new Map<string, number>();
    let current = plan;
    for (;;) {
      const result = await executePlan(current, {
        agents: this.agents,
        routes,
        correlationId: correlationOf(this.id),
        autonomy: this.autonomy,
        onBehalfOf: this.host.principal(this.id),
        signal: this.signal,
        callTimeoutMs: (tool) => this.host.tools.timeoutMs(tool) + 5_000,
        hooks: this.hooks(taskIds),
      });
      if (result.ok) return { ok: true };
      if (this.signal.aborted) return { ok: false, reason: errorMessage(this.signal.reason), aborted: true };
      const failed = result.failed ?? result.tasks.find((t) => t.status !== "done")!;
      const cause = failureOf(failed);
      const n = retries.get(failed.id) ?? 0;
      if (isTransient(cause) && n < this.host.limits.maxRetries) {
        retries.set(failed.id, n + 1);
        const delay = this.host.limits.retryDelayMs * 2 ** n;
        this.send("transient", `task ${failed.id}: ${failed.error}; again in ${delay} ms (retry ${n + 1} of ${this.host.limits.maxRetries})`);
        this.host.log.event(this.id, "retry", `task ${failed.id} failed for a reason that may pass (${failed.error}); running it again in ${delay} ms (retry ${n + 1} of ${this.host.limits.maxRetries})`, { task: failed.id, error: failed.error, delayMs: delay, retry: n + 1 });
        current = remaining(current, result.tasks, this.host.stores, taskIds);
        if (!(await pause(delay, this.signal))) return { ok: false, reason: errorMessage(this.signal.reason), aborted: true };
        this.send("retry", `task ${failed.id}: retry ${n + 1}`);
        continue;
      }
      for (const t of result.tasks) if (t.status === "skipped") this.host.log.taskSkipped(this.id, taskIds.get(t.id)!, t.id, t.error ?? "not started");
      return { ok: false, reason: `task ${failed.id}: ${failed.error ?? "did not finish"}`, code: codeOf(cause), aborted: false };
    }
  }

  private hooks(taskIds: ReadonlyMap<string, number>): ExecutionHooks {
    const { log } = this.host;
    const id = this.id;
    return {
      taskStarted: (task, agent) => log.taskStarted(id, taskIds.get(task.id)!, task, agent),
      taskEnded: (task, agent, o) => log.taskEnded(id, taskIds.get(task.id)!, task, agent, o),
      callDone: (task, agent, r) => {
        this.calls.push(answeredCall(task, r));
        log.callDone(id, taskIds.get(task.id)!, task, agent, r);
      },
      waiting: (task, agent, call) => {
        this.held.add(call.approvalId);
        if (this.held.size === 1) {
          this.pausedSince = performance.now();
          this.send("hold", `approval ${call.approvalId}`);
        }
        log.event(id, "approval", `task ${task.id}: ${call.tool} (${call.callId}) by ${agent} waits for approval ${call.approvalId}`, call);
      },
      resumed: (_task, call) => {
        this.held.delete(call.approvalId);
        if (this.held.size === 0 && this.pausedSince !== undefined) {
          this.pausedTotal += performance.now() - this.pausedSince;
          this.pausedSince = undefined;
        }
        // A call denied because its goal was cancelled is decided after the goal ended; one the
        // shutdown settles stays held in the database, and recover() finds the goal still waiting.
        if (this.held.size === 0 && !this.host.stopping() && this.state() === "awaiting_approval") this.send("decide", `approval ${call.approvalId} decided`);
      },
    };
  }

  // ---- the model's loop ------------------------------------------------------------

  /** Counts a failed plan as the first re-planning, before a model takes over with it in view. */
  replanAfter(reason: string, by: string): boolean {
    if (this.replans >= this.host.limits.maxReplans) return false;
    this.replans++;
    this.send("task_failed", `${reason}; ${by} re-plans (${this.replans} of ${this.host.limits.maxReplans})`);
    this.host.log.event(this.id, "replan", `${reason}; ${by} re-plans with the failure in view (${this.replans} of ${this.host.limits.maxReplans})`, { reason, replan: this.replans });
    return true;
  }

  /** Runs the model's tool loop to its end: finished, stopped (the goal fails) or cancelled. */
  loop(stepper: Stepper, first?: Decision, prelude?: string): Promise<LoopEnd> {
    const { log, limits } = this.host;
    return runLoop(
      stepper,
      { goal: this.goal.description || this.goal.title, goalId: this.id, facts: this.host.facts(), tools: this.host.tools.describe(), prelude, reading: this.reading, signal: this.signal },
      {
        act: (call, step) => this.act(call, step),
        failed: (o) => {
          // A person said no: no model argues with that.
          if (o.code === "denied") return false;
          return this.replanAfter(`${o.call.tool} failed: ${o.error}`, stepper.name);
        },
        decided: (d, step) => {
          if (this.state() === "replanning") this.send("replanned", `${d.usage.by} decided step ${step}`);
        },
        trace: (kind, message, data) => log.event(this.id, kind, message, data),
        pausedMs: () => this.pausedTotal + (this.pausedSince === undefined ? 0 : performance.now() - this.pausedSince),
      },
      limits,
      first,
    );
  }

  /** One call of the model: the guard, the principal's rights, routing, then the executor like any task. */
  private async act(call: LoopCall, step: number): Promise<Observation> {
    const refuse = (why: string): Observation => {
      this.host.log.event(this.id, "refused", `step ${step}: ${call.tool} refused: ${why}`, { step, tool: call.tool, args: call.args, why });
      return { call, outcome: "refused", why };
    };
    const vetted = vetCall(call, this.reading, this.host.tools.registry, this.host.facts());
    if (!vetted.ok) return refuse(vetted.why);
    const principal = this.host.principal(this.id);
    if (!isPerson(principal) && !this.host.tools.allows(principal, call.tool)) return refuse(`the goal acts for agent ${principal}, which lacks capability ${call.tool}`);
    const task: TaskPlan = { id: `s${step}-${++this.seq}`, title: `step ${step}: ${call.tool}`, calls: [{ tool: call.tool, args: vetted.args }], dependsOn: [] };
    let route: Route;
    try {
      route = routeTask(task, this.agents.list(), (a, tool) => this.host.tools.allows(a, tool));
    } catch (err) {
      return refuse(errorMessage(err));
    }
    this.host.log.event(this.id, "route", `task ${route.taskId} → ${route.agent} agent: ${route.why}`, route);
    const r = await this.runPlan({ summary: task.title, tasks: [task] }, new Map([[task.id, route]]));
    if (r.ok) {
      const done = this.calls.at(-1)!;
      return { call, outcome: "done", callId: done.callId, result: done.result };
    }
    return { call, outcome: "failed", error: r.reason.replace(/^task [^:]+: /, ""), ...(r.code ? { code: r.code } : {}) };
  }
}

/** The tool error behind a failed task. */
function failureOf(t: TaskOutcome): unknown {
  const f = t.cause;
  return f instanceof TaskFailure ? f.cause : f;
}

/** The part of a plan still to run: tasks not done, a failed task from its failed call; each failed task's row back to pending. */
function remaining(plan: Plan, outcomes: readonly TaskOutcome[], stores: EngineStores, taskIds: ReadonlyMap<string, number>): Plan {
  const byId = new Map(outcomes.map((o) => [o.id, o]));
  const left = plan.tasks.filter((t) => byId.get(t.id)?.status !== "done");
  const keep = new Set(left.map((t) => t.id));
  return {
    summary: plan.summary,
    tasks: left.map((t) => {
      const o = byId.get(t.id)!;
      if (o.status !== "failed") return { ...t, dependsOn: t.dependsOn.filter((d) => keep.has(d)) };
      stores.tasks.transition(taskIds.get(t.id)!, "pending");
      const done = o.cause instanceof TaskFailure ? o.cause.calls.length : 0;
      return { ...t, calls: t.calls.slice(done), dependsOn: t.dependsOn.filter((d) => keep.has(d)) };
    }),
  };
}

/** Waits, or stops waiting when the goal is cancelled (false). */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
