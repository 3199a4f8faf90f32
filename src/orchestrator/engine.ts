/**
 * The goal engine: seed 003's request lifecycle, step by step. A goal is
 * persisted before it is acknowledged, planned by the chain, routed to
 * agents, executed, and finished as done, failed (rolled back, per config)
 * or cancelled; the decision logger records every step, and a success is
 * written to long-term memory as a procedure. Goals interrupted by a restart
 * are resumed (still pending or planning) or failed with the reason.
 */
import type { Goal, GoalState, GoalTransition, Task, TraceEvent } from "../memory";
import { AiosError, errorMessage, log } from "../sys";
import { planWithChain, whyUnplanned } from "./chain";
import { DecisionLog } from "./decisions";
import { executePlan, type AgentPort, type CallRecord } from "./execute";
import type { Plan } from "./plan";
import { type RoutableAgent, type Route, routeTask } from "./router";
import type { Planner, PlanningContext, PlanningFacts } from "./types";
import type { EngineStores, EngineTools } from "./ports";

export type Autonomy = "full" | "supervised" | "manual";

export interface GoalSubmission {
  goal: string;
  priority?: number;
  /** A stricter autonomy level for this goal's calls. */
  autonomy?: Autonomy;
  /** Who asked: api, console, autonomy, schedule:<job>. */
  source?: string;
}

export interface EngineOptions {
  stores: EngineStores;
  tools: EngineTools;
  /** The running agents, once the agents phase has started them. */
  agents: () => (AgentPort & { list(): RoutableAgent[] }) | undefined;
  planners: readonly Planner[];
  /** Read at each planning, so a port known only once the API listens is right. */
  facts: () => PlanningFacts;
  rollbackOnFailure: boolean;
  maxConcurrentGoals: number;
}

export class GoalError extends AiosError {}

const correlationOf = (goalId: number) => `g${goalId}`;
const AUTONOMY_KEY = (goalId: number) => `goal:${goalId}:autonomy`;

export class GoalEngine {
  private readonly running = new Map<number, AbortController>();
  private readonly log: DecisionLog;
  private started = false;
  private stopping = false;
  private pumping = false;

  constructor(private readonly opts: EngineOptions) {
    this.log = new DecisionLog(opts.stores);
  }

  // ---- what people and the autonomy loop call --------------------------------

  /** Persists the goal (synchronous=FULL: it survives a power cut once this returns) and schedules it. */
  submit(s: GoalSubmission): Goal {
    const text = s.goal.trim();
    if (!text) throw new GoalError("EINVAL", "goal: must not be empty");
    const goal = this.opts.stores.goals.create({ title: text.slice(0, 200), description: text, source: s.source ?? "api", priority: s.priority ?? 0 });
    if (s.autonomy) this.opts.stores.kv.set(AUTONOMY_KEY(goal.id), s.autonomy);
    this.log.event(goal.id, "submitted", `goal ${goal.id} from ${goal.source}: ${text}`, { priority: goal.priority, autonomy: s.autonomy ?? null });
    this.pump();
    return goal;
  }

  cancel(id: number, by: string): Goal {
    const goal = this.require(id);
    if (goal.state === "done" || goal.state === "failed" || goal.state === "cancelled") throw new GoalError("EFINAL", `goal ${id}: already ${goal.state}`);
    const live = this.running.get(id);
    if (live) {
      live.abort(new Error(`cancelled by ${by}`));
      this.denyHeldCalls(id, by, "goal cancelled");
      return this.require(id); // the run ends it as cancelled once its tasks stop
    }
    this.log.event(id, "cancelled", `cancelled by ${by} before it started`);
    return this.opts.stores.goals.transition(id, "cancelled", { reason: `cancelled by ${by}` });
  }

  get(id: number): Goal | null {
    return this.opts.stores.goals.get(id);
  }

  list(limit = 50): Goal[] {
    return this.opts.stores.goals.list({ limit });
  }

  tasks(id: number): Task[] {
    return this.opts.stores.tasks.forGoal(id);
  }

  transitions(id: number): GoalTransition[] {
    return this.opts.stores.goals.history(id);
  }

  trace(id: number, after = 0): TraceEvent[] {
    return this.opts.stores.trace.forGoal(id, after);
  }

  /** Live trace events of one goal; returns the unsubscribe function. */
  subscribe(id: number, listener: (e: TraceEvent) => void): () => void {
    return this.log.subscribe(id, listener);
  }

  isFinal(state: GoalState): boolean {
    return state === "done" || state === "failed" || state === "cancelled";
  }

  // ---- boot and shutdown ------------------------------------------------------

  /**
   * Goals a restart interrupted: planning starts over; a run cannot be
   * trusted to resume half-way, so it is rolled back (per config) and failed
   * with the reason. Pending goals simply wait for `start`.
   */
  async recover(): Promise<{ replanned: number; failed: number }> {
    let replanned = 0;
    let failed = 0;
    for (const goal of this.opts.stores.goals.list({ state: ["planning", "running", "awaiting_approval"], limit: 10_000 })) {
      if (goal.state === "planning") {
        this.log.event(goal.id, "recovered", "planning was interrupted by a restart; planning again");
        this.opts.stores.goals.transition(goal.id, "pending", { reason: "interrupted by a restart while planning" });
        replanned++;
        continue;
      }
      this.denyHeldCalls(goal.id, "recovery", "goal interrupted by a restart");
      const undone = this.opts.rollbackOnFailure ? await this.rollback(goal.id, "recovery") : "";
      const reason = `interrupted by a restart while ${goal.state === "running" ? "running" : "waiting for approval"}${undone}`;
      this.log.event(goal.id, "recovered", reason);
      this.opts.stores.goals.transition(goal.id, "failed", { error: reason, reason });
      failed++;
    }
    return { replanned, failed };
  }

  /** Starts taking pending goals (the autonomy phase calls it once the agents are up). */
  start(): void {
    this.started = true;
    this.pump();
  }

  /** Stops running goals; they stay in their state, and `recover` deals with them at the next boot. */
  stop(): void {
    this.started = false;
    this.stopping = true;
    for (const c of this.running.values()) c.abort(new Error("aios-init is shutting down"));
  }

  // ---- the lifecycle ------------------------------------------------------------

  private pump(): void {
    if (!this.started || this.pumping) return;
    this.pumping = true;
    try {
      while (this.running.size < this.opts.maxConcurrentGoals) {
        const next = this.opts.stores.goals.next();
        if (!next) break;
        const controller = new AbortController();
        this.running.set(next.id, controller);
        this.opts.stores.goals.transition(next.id, "planning", { reason: "picked up" });
        void this.lifecycle(next, controller.signal)
          .catch((err) => log.error(`goal ${next.id}: ${errorMessage(err)}`))
          .finally(() => {
            this.running.delete(next.id);
            this.pump();
          });
      }
    } finally {
      this.pumping = false;
    }
  }

  private async lifecycle(goal: Goal, signal: AbortSignal): Promise<void> {
    const id = goal.id;
    const plan = await this.planGoal(goal, signal);
    if (!plan) return;
    const agents = this.opts.agents();
    if (!agents) return this.fail(id, "planning", "no agents are running", false);
    let routes: Map<string, Route>;
    try {
      const list = agents.list();
      routes = new Map(plan.tasks.map((t) => [t.id, routeTask(t, list, (a, tool) => this.opts.tools.allows(a, tool))]));
    } catch (err) {
      return this.fail(id, "planning", errorMessage(err), false);
    }
    for (const r of routes.values()) this.log.event(id, "route", `task ${r.taskId} → ${r.agent} agent: ${r.why}`, r);
    if (signal.aborted) return this.finishCancelled(id, "planning");
    this.opts.stores.goals.transition(id, "running", { reason: `${plan.tasks.length} tasks routed` });
    this.log.event(id, "running", `running ${plan.tasks.length} tasks`);
    await this.run(goal, plan, routes, agents, signal);
  }

  private async planGoal(goal: Goal, signal: AbortSignal): Promise<Plan | undefined> {
    const id = goal.id;
    this.log.event(id, "planning", "planning");
    const ctx: PlanningContext = {
      goal: goal.description || goal.title,
      goalId: id,
      tools: this.opts.tools.describe(),
      probe: (tool, args) => this.probe(id, tool, args),
      facts: this.opts.facts(),
      procedures: await this.opts.stores.procedures(goal.description || goal.title).catch(() => []),
      signal,
    };
    const chain = await planWithChain(this.opts.planners, ctx, this.opts.tools.registry);
    for (const s of chain.steps) this.log.event(id, "planner", `${s.planner}: ${s.outcome}: ${s.why}`, s);
    if (signal.aborted) {
      this.finishCancelled(id, "planning");
      return undefined;
    }
    if (!chain.plan) {
      this.fail(id, "planning", whyUnplanned(chain.steps), false);
      return undefined;
    }
    this.log.event(id, "plan", `${chain.planner} planned ${chain.plan.tasks.length} tasks: ${chain.plan.summary}`, { planner: chain.planner, plan: chain.plan });
    this.opts.stores.goals.update(id, { plan: { planner: chain.planner, ...chain.plan } });
    return chain.plan;
  }

  /** A read-only look at the system while planning, through the executor like any call (audited). */
  private async probe(goalId: number, tool: string, args: Record<string, unknown>): Promise<unknown> {
    const described = this.opts.tools.describe().find((t) => t.name === tool);
    if (!described) throw new GoalError("EPROBE", `probe ${tool}: no such tool`);
    if (!described.readOnly) throw new GoalError("EPROBE", `probe ${tool}: planners may only look (read-only tools), not change`);
    const agents = this.opts.agents();
    if (!agents) throw new GoalError("EPROBE", `probe ${tool}: no agents are running`);
    const agent = agents.list().find((a) => this.opts.tools.allows(a.name, tool));
    if (!agent) throw new GoalError("EPROBE", `probe ${tool}: no agent may call it`);
    const outcome = await agents.call({ tool, args, agent: agent.name, correlationId: correlationOf(goalId) }, this.opts.tools.timeoutMs(tool) + 5_000);
    if (outcome.status !== "done") throw new GoalError("EPROBE", `probe ${tool}: held for approval (${outcome.approvalId})`);
    this.log.event(goalId, "probe", `probe ${tool} by ${agent.name} (${outcome.callId})`, { tool, callId: outcome.callId, args });
    return outcome.result;
  }

  private async run(goal: Goal, plan: Plan, routes: Map<string, Route>, agents: AgentPort, signal: AbortSignal): Promise<void> {
    const id = goal.id;
    const taskIds = this.log.tasks(id, plan, routes);
    const held = new Set<string>();
    const autonomy = this.opts.stores.kv.get(AUTONOMY_KEY(id)) as Autonomy | undefined;
    const result = await executePlan(plan, {
      agents,
      routes,
      correlationId: correlationOf(id),
      autonomy,
      signal,
      callTimeoutMs: (tool) => this.opts.tools.timeoutMs(tool) + 5_000,
      hooks: {
        taskStarted: (task, agent) => this.log.taskStarted(id, taskIds.get(task.id)!, task, agent),
        taskEnded: (task, agent, o) => this.log.taskEnded(id, taskIds.get(task.id)!, task, agent, o),
        callDone: (task, agent, r) => this.log.callDone(id, taskIds.get(task.id)!, task, agent, r),
        waiting: (task, agent, call) => {
          held.add(call.approvalId);
          this.log.event(id, "approval", `task ${task.id}: ${call.tool} (${call.callId}) by ${agent} waits for approval ${call.approvalId}`, call);
          if (held.size === 1) this.opts.stores.goals.transition(id, "awaiting_approval", { reason: `approval ${call.approvalId}` });
        },
        resumed: (_task, call) => {
          held.delete(call.approvalId);
          if (held.size === 0 && this.get(id)?.state === "awaiting_approval") this.opts.stores.goals.transition(id, "running", { reason: `approval ${call.approvalId} decided` });
        },
      },
    });
    if (signal.aborted && this.stopping) return; // left as it is: recover() deals with it at the next boot
    for (const t of result.tasks) if (t.status === "skipped") this.log.taskSkipped(id, taskIds.get(t.id)!, t.id, t.error ?? "not started");
    const state = this.get(id)!.state;
    if (state === "awaiting_approval") this.opts.stores.goals.transition(id, "running", { reason: "no approval pending" });
    if (signal.aborted) return this.finishCancelled(id, "running");
    if (!result.ok) {
      const failed = result.failed ?? result.tasks.find((t) => t.status !== "done");
      return this.fail(id, "running", `task ${failed?.id}: ${failed?.error ?? "did not finish"}`, this.opts.rollbackOnFailure);
    }
    const calls = result.tasks.flatMap((t) => (t.result as CallRecord[] | undefined) ?? []);
    const summary = `Goal completed. ${plan.summary}`;
    this.opts.stores.goals.transition(id, "done", { result: { summary, calls: calls.map(({ tool, callId }) => ({ tool, callId })) }, reason: "every task done" });
    this.log.event(id, "outcome", summary, { calls: calls.length });
    await this.log.rememberProcedure(goal, plan);
  }

  private async fail(id: number, from: GoalState, reason: string, rollback: boolean, cancelled = false): Promise<void> {
    const undone = rollback ? await this.rollback(id, "orchestrator") : "";
    const to: GoalState = cancelled ? "cancelled" : "failed";
    this.log.event(id, "outcome", `${to}: ${reason}${undone}`);
    if (this.get(id)?.state === "awaiting_approval") this.opts.stores.goals.transition(id, "running", { reason: "stopped waiting" });
    this.opts.stores.goals.transition(id, to, { error: `${reason}${undone}`, reason: `${to} while ${from}` });
  }

  private async finishCancelled(id: number, from: GoalState): Promise<void> {
    if (this.stopping) return; // shutting down: recover() deals with it at the next boot
    return this.fail(id, from, "cancelled", this.opts.rollbackOnFailure && from !== "planning", true);
  }

  /** Undoes the goal's reversible calls, newest first; returns a clause for the outcome line. */
  private async rollback(id: number, by: string): Promise<string> {
    try {
      const r = await this.opts.tools.rollbackCorrelation(correlationOf(id), by);
      this.log.event(id, "rollback", `rolled back ${r.undone.length} calls${r.undone.length ? ` (${r.undone.join(", ")})` : ""}${r.failed ? `; undo of ${r.failed.callId} failed: ${r.failed.message}` : ""}`, r);
      if (r.failed) return `; rollback stopped at ${r.failed.callId}: ${r.failed.message}`;
      return r.undone.length ? `; rolled back ${r.undone.length} calls` : "";
    } catch (err) {
      this.log.event(id, "rollback", `rollback failed: ${errorMessage(err)}`);
      return `; rollback failed: ${errorMessage(err)}`;
    }
  }

  private denyHeldCalls(id: number, by: string, reason: string): void {
    for (const a of this.opts.tools.heldCalls(correlationOf(id))) {
      try {
        this.opts.tools.deny(a.approvalId, by, reason);
        this.log.event(id, "approval", `approval ${a.approvalId} (${a.tool}) denied: ${reason}`);
      } catch (err) {
        log.warn(`goal ${id}: deny ${a.approvalId}: ${errorMessage(err)}`);
      }
    }
  }

  private require(id: number): Goal {
    const g = this.get(id);
    if (!g) throw new GoalError("ENOENT", `goal ${id}: no such goal`);
    return g;
  }
}
