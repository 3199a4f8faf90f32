/**
 * The goal engine: seed 003's request lifecycle, step by step. A goal is
 * persisted before it is acknowledged, planned by the chain (the catalogue
 * reading it first as the guard of model plans), routed to agents, executed
 * (run.ts: plans, retries, and a model's tool loop with re-planning), and
 * finished as done, failed (rolled back, per config) or cancelled; the
 * decision logger records every step, and a success is written to long-term
 * memory as a procedure. Goals interrupted by a restart are resumed (still
 * pending or planning) or failed with the reason. The engine is the only
 * sender of the goal machine's events (GOAL_MACHINE, goals/machine.ts).
 */
import { ACTIVE_GOAL_STATES, GOAL_MACHINE, type Goal, type GoalEvent, type GoalState, type GoalTransition, isFinalGoalState, type Task } from "./goals";
import { AiosError, errorMessage, log, withLogFields } from "../sys";
import { answerDone, answerEnded, answerRefused, closestTools, type Ending } from "./answer";
import { planWithChain, whyUnplanned } from "./chain";
import { type AnswerPhraser, phraseAnswer } from "./phrase";
import { DecisionLog } from "./decisions";
import type { AgentPort } from "./execute";
import type { Guard } from "./guard";
import type { LoopEnd } from "./loop";
import type { Plan } from "./plan";
import { type RoutableAgent, type Route, routeTask } from "./router";
import { type Autonomy, correlationOf, GoalRun, type RunLimits } from "./run";
import type { TraceEvent } from "./trace";
import type { AnyPlanner, LoopStart, PlanningContext, PlanningFacts, Reading, Stepper } from "./types";
import type { EngineStores, EngineTools } from "./ports";
import type { CorrelationUndo } from "../tools/rollback";
import { isPerson, person } from "../tools/authority";

export type { Autonomy } from "./run";

export interface GoalSubmission {
  goal: string;
  priority?: number;
  /** A stricter autonomy level for this goal's calls. */
  autonomy?: Autonomy;
  /** Who asked: api, console, autonomy, schedule:<job>. */
  source?: string;
  /**
   * Whose rights the goal has (tools/authority.ts): the agent that owns the
   * job that submitted it, or a person. Default: the person behind `source`.
   */
  principal?: string;
}

export interface EngineOptions {
  stores: EngineStores;
  tools: EngineTools;
  /** The running agents, once the agents phase has started them. */
  agents: () => (AgentPort & { list(): RoutableAgent[] }) | undefined;
  planners: readonly AnyPlanner[];
  /** Read at each planning, so a port known only once the API listens is right. */
  facts: () => PlanningFacts;
  rollbackOnFailure: boolean;
  maxConcurrentGoals: number;
  /** Models that may reword an answer (never its figures), tried in order; none: the composed answer stands. */
  phrasers?: readonly AnswerPhraser[];
  /** The catalogue that reads each goal first and decides what a model may do with it (guard.ts); none: no guard. */
  guard?: Guard;
  /** Bounds of a model's tool loop and of the recovery states (config [orchestrator]); defaults below. */
  limits?: Partial<RunLimits>;
}

const DEFAULT_LIMITS: RunLimits = { maxSteps: 12, maxTokens: 100_000, maxMs: 5 * 60_000, ...GOAL_MACHINE.data, retryDelayMs: 1_000 };

type Planned = { plan: Plan; planner: string; reading?: Reading } | { loop: LoopStart; planner: string; reading?: Reading };

/** already_final: the goal has ended; probe_refused: a planner's probe cannot run; not_found; invalid_argument. */
export const GOAL_ERROR_CODES = ["not_found", "invalid_argument", "already_final", "probe_refused"] as const;
export type GoalErrorCode = (typeof GOAL_ERROR_CODES)[number];

export class GoalError extends AiosError<GoalErrorCode> {}

const AUTONOMY_KEY = (goalId: number) => `goal:${goalId}:autonomy`;
const PRINCIPAL_KEY = (goalId: number) => `goal:${goalId}:principal`;

export class GoalEngine {
  private readonly running = new Map<number, AbortController>();
  private readonly log: DecisionLog;
  private started = false;
  private stopping = false;
  private pumping = false;
  private readonly limits: RunLimits;

  constructor(private readonly opts: EngineOptions) {
    this.log = new DecisionLog(opts.stores);
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
  }

  private send(id: number, event: GoalEvent, patch: Parameters<EngineStores["goals"]["send"]>[2] = {}): Goal {
    return this.opts.stores.goals.send(id, event, patch);
  }

  // ---- what people and the autonomy loop call --------------------------------

  /** Persists the goal (synchronous=FULL: it survives a power cut once this returns) and schedules it. */
  submit(s: GoalSubmission): Goal {
    const text = s.goal.trim();
    if (!text) throw new GoalError("invalid_argument", "goal: must not be empty");
    const goal = this.opts.stores.goals.create({ title: text.slice(0, 200), description: text, source: s.source ?? "api", priority: s.priority ?? 0 });
    if (s.autonomy) this.opts.stores.kv.set(AUTONOMY_KEY(goal.id), s.autonomy);
    this.opts.stores.kv.set(PRINCIPAL_KEY(goal.id), s.principal ?? person(s.source ?? "api"));
    this.log.event(goal.id, "submitted", `goal ${goal.id} from ${goal.source}: ${text}`, { priority: goal.priority, autonomy: s.autonomy ?? null });
    this.pump();
    return goal;
  }

  cancel(id: number, by: string): Goal {
    const goal = this.require(id);
    if (isFinalGoalState(goal.state)) throw new GoalError("already_final", `goal ${id}: already ${goal.state}`);
    const live = this.running.get(id);
    if (live) {
      live.abort(new Error(`cancelled by ${by}`));
      this.denyHeldCalls(id, by, "goal cancelled");
      return this.require(id); // the run ends it as cancelled once its tasks stop
    }
    const after = this.send(id, "cancel", { reason: `cancelled by ${by}`, error: `cancelled by ${by}`, answer: `Cancelled by ${by} before it started; nothing was done.` });
    this.log.event(id, "cancelled", `cancelled by ${by} before it started`, { answer: after.answer });
    return after;
  }

  get(id: number): Goal | null {
    return this.opts.stores.goals.get(id);
  }

  /** Newest first; `before` (a goal id) gives the page after a cursor. */
  list(limit = 50, before?: number): Goal[] {
    return this.opts.stores.goals.list({ limit, before });
  }

  /** Goals by state and planner (the metrics). */
  counts(): Array<{ state: GoalState; planner: string | null; n: number }> {
    return this.opts.stores.goals.countsByPlanner();
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
    return isFinalGoalState(state);
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
    for (const goal of this.opts.stores.goals.list({ state: ACTIVE_GOAL_STATES, limit: 10_000 })) {
      if (goal.state === "planning") {
        this.send(goal.id, "interrupt", { reason: "interrupted by a restart while planning" });
        this.log.event(goal.id, "recovered", "planning was interrupted by a restart; planning again");
        replanned++;
        continue;
      }
      this.denyHeldCalls(goal.id, "recovery", "goal interrupted by a restart");
      // Calls the crash cut off were resolved when the tools came up (tools/recovery.ts): say which.
      const cut = this.opts.tools.interruptedCalls(correlationOf(goal.id));
      const calls = cut.length ? `; interrupted calls: ${cut.map((c) => `${c.callId} ${c.tool} (${c.outcome})`).join(", ")}` : "";
      const rollback = this.opts.rollbackOnFailure ? await this.rollback(goal.id, "recovery") : { clause: "", off: true };
      const while_ = { running: "running", awaiting_approval: "waiting for approval", retrying: "waiting to retry a task", replanning: "re-planning" }[goal.state as string] ?? goal.state;
      const why = `interrupted by a restart while ${while_}${calls}`;
      const reason = `${why}${rollback.clause}`;
      // The results of the calls before the restart are in the audit ledger, not in memory: the answer says what was undone.
      const answer = answerEnded({ state: "failed", reason: why, calls: [], rollback }, this.opts.tools.registry);
      this.send(goal.id, "fail", { error: reason, reason, answer });
      this.log.event(goal.id, "recovered", reason, { answer });
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
        this.send(next.id, "pick", { reason: "picked up" });
        void withLogFields({ goalId: next.id }, () => this.lifecycle(next, controller.signal))
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
    const planned = await this.planGoal(goal, signal);
    if (!planned) return;
    const agents = this.opts.agents();
    if (!agents) return this.end(id, "planning", { state: "failed", reason: "no agents are running", calls: [] }, false);
    const autonomy = this.opts.stores.kv.get(AUTONOMY_KEY(id)) as Autonomy | undefined;
    const run = new GoalRun(this.host(), goal, agents, signal, autonomy, planned.reading);
    if ("loop" in planned) {
      if (signal.aborted) return this.finishCancelled(id, "planning");
      this.send(id, "run", { reason: `${planned.planner} takes it step by step` });
      this.log.event(id, "running", `${planned.planner} takes it step by step`);
      return this.finishLoop(goal, run, planned.loop.stepper, await run.loop(planned.loop.stepper, planned.loop.first));
    }
    const plan = planned.plan;
    let routes: Map<string, Route>;
    try {
      const list = agents.list();
      routes = new Map(plan.tasks.map((t) => [t.id, routeTask(t, list, (a, tool) => this.opts.tools.allows(a, tool))]));
    } catch (err) {
      return this.end(id, "planning", { state: "failed", reason: errorMessage(err), calls: [] }, false);
    }
    for (const r of routes.values()) this.log.event(id, "route", `task ${r.taskId} → ${r.agent} agent: ${r.why}`, r);
    const beyond = this.beyondPrincipal(id, plan);
    if (beyond) return this.end(id, "planning", { state: "failed", reason: beyond, calls: [] }, false);
    if (signal.aborted) return this.finishCancelled(id, "planning");
    this.send(id, "run", { reason: `${plan.tasks.length} tasks routed` });
    this.log.event(id, "running", `running ${plan.tasks.length} tasks`);
    const result = await run.runPlan(plan, routes);
    if (signal.aborted && this.stopping) return; // left as it is: recover() deals with it at the next boot
    if (signal.aborted) return this.end(id, "running", { state: "cancelled", reason: errorMessage(signal.reason), calls: run.calls }, this.opts.rollbackOnFailure);
    if (!result.ok) {
      // A model may take over with the failure in view; never after a person's denial.
      const stepper = result.code === "denied" ? undefined : this.replanner(goal, signal, planned.reading);
      if (stepper && run.replanAfter(result.reason, stepper.name)) {
        const prelude = `A plan for this goal ("${plan.summary}") was started. ${run.calls.length ? `Calls done: ${run.calls.map((c) => `${c.tool} ${JSON.stringify(c.args)}`).join("; ")}. ` : ""}Then ${result.reason}. Decide the next step with this failure in view; what was done stays done.`;
        return this.finishLoop(goal, run, stepper, await run.loop(stepper, undefined, prelude), result.reason);
      }
      return this.end(id, "running", { state: "failed", reason: result.reason, calls: run.calls }, this.opts.rollbackOnFailure);
    }
    const facts = answerDone(plan.summary, run.calls, this.opts.tools.registry);
    const answer = await this.phrase(id, goal, "done", facts);
    this.send(id, "succeed", { result: { answer, facts, calls: run.calls.map(({ tool, callId }) => ({ tool, callId })) }, answer, reason: "every task done" });
    this.log.event(id, "outcome", `done: ${plan.summary}`, { calls: run.calls.length, answer });
    await this.log.rememberProcedure(goal, plan);
  }

  /** What a run needs of the engine. */
  private host() {
    return {
      stores: this.opts.stores,
      tools: this.opts.tools,
      log: this.log,
      facts: () => this.opts.facts(),
      principal: (goalId: number) => this.principal(goalId),
      stopping: () => this.stopping,
      limits: this.limits,
    };
  }

  /** The first model planner of the chain that can decide now, to re-plan a failed plan. */
  private replanner(goal: Goal, signal: AbortSignal, reading: Reading | undefined): Stepper | undefined {
    if (reading?.kind === "refused") return undefined;
    const ctx = this.context(goal, signal, []);
    for (const p of this.opts.planners) {
      const s = p.stepper?.(ctx);
      if (s && !("pass" in s)) return s;
      if (s) this.log.event(goal.id, "planner", `${p.name}: cannot re-plan: ${s.pass}`);
    }
    return undefined;
  }

  /** A model's loop ended: the goal is done with the answer built from the calls' results, or failed, or cancelled. */
  private async finishLoop(goal: Goal, run: GoalRun, stepper: Stepper, end: LoopEnd, earlier?: string): Promise<void> {
    const id = goal.id;
    const state = this.get(id)?.state ?? "running";
    if (end.kind === "cancelled") {
      if (this.stopping) return;
      return this.end(id, state, { state: "cancelled", reason: end.why, calls: run.calls }, this.opts.rollbackOnFailure);
    }
    if (end.kind === "stopped") {
      if (this.stopping) return;
      const reason = earlier && !end.why.includes(earlier) ? `${earlier}; then ${end.why}` : end.why;
      return this.end(id, state, { state: "failed", reason, calls: run.calls }, this.opts.rollbackOnFailure);
    }
    const executed = executedPlan(end.text || goal.title, run);
    const facts = answerDone(end.text || "the goal", run.calls, this.opts.tools.registry);
    // The model's own last words are tried first as the answer's wording; its figures must be the tools'.
    const answer = await this.phrase(id, goal, "done", facts, end.text ? { name: `${stepper.name} (its final answer)`, phrase: async () => end.text } : undefined);
    if (executed) this.opts.stores.goals.update(id, { plan: { planner: stepper.name, loop: { steps: end.turns.length, tokens: end.tokens }, ...executed } });
    if (this.get(id)?.state === "replanning") this.send(id, "replanned", { reason: `${stepper.name} finished` });
    this.send(id, "succeed", { result: { answer, facts, calls: run.calls.map(({ tool, callId }) => ({ tool, callId })) }, answer, reason: `${stepper.name} finished after ${end.turns.length} steps` });
    this.log.event(id, "outcome", `done: ${stepper.name} finished after ${end.turns.length} steps (${end.tokens} tokens)`, { calls: run.calls.length, answer, steps: end.turns.length, tokens: end.tokens });
    if (executed) await this.log.rememberProcedure(goal, executed);
  }

  private context(goal: Goal, signal: AbortSignal, procedures: PlanningContext["procedures"]): PlanningContext {
    const ctx: PlanningContext = {
      goal: goal.description || goal.title,
      goalId: goal.id,
      tools: this.opts.tools.describe(),
      probe: (tool, args) => this.probe(goal.id, tool, args),
      facts: this.opts.facts(),
      procedures,
      signal,
      catalogue: this.opts.planners.some((p) => p.name === "heuristic"),
    };
    const guard = this.opts.guard;
    // A reading that fails is a refusal: nothing vouches for a model's plan then.
    if (guard) ctx.reading = () => guard.read(ctx).catch((err): Reading => ({ kind: "refused", why: `the catalogue failed on it: ${errorMessage(err)}` }));
    return ctx;
  }

  private async planGoal(goal: Goal, signal: AbortSignal): Promise<Planned | undefined> {
    const id = goal.id;
    this.log.event(id, "planning", "planning");
    const ctx = this.context(goal, signal, await this.opts.stores.procedures(goal.description || goal.title).catch(() => []));
    const chain = await planWithChain(this.opts.planners, ctx, this.opts.tools.registry);
    for (const s of chain.steps) this.log.event(id, "planner", `${s.planner}: ${s.outcome}: ${s.why}`, s);
    if (signal.aborted) {
      this.finishCancelled(id, "planning");
      return undefined;
    }
    if (!chain.plan && !chain.loop) {
      this.refuse(id, goal.description || goal.title, whyUnplanned(chain.steps));
      return undefined;
    }
    const reading = ctx.reading ? await ctx.reading() : undefined;
    // What the catalogue reads and refuses stays refused, whichever planner found a plan for it.
    if (reading?.kind === "refused" && chain.planner !== "heuristic") {
      this.refuse(id, goal.description || goal.title, reading.why);
      return undefined;
    }
    if (reading) this.log.event(id, "guard", guardLine(reading), { reading: reading.kind });
    if (chain.loop) {
      this.opts.stores.goals.update(id, { plan: { planner: chain.planner, loop: { steps: 0 } } });
      return { loop: chain.loop, planner: chain.planner, reading };
    }
    this.log.event(id, "plan", `${chain.planner} planned ${chain.plan.tasks.length} tasks: ${chain.plan.summary}`, { planner: chain.planner, plan: chain.plan });
    this.opts.stores.goals.update(id, { plan: { planner: chain.planner, ...chain.plan } });
    return { plan: chain.plan, planner: chain.planner, reading };
  }

  /** The goal's principal; goals stored before principals were kept belong to the person who sent them. */
  private principal(goalId: number): string {
    const p = this.opts.stores.kv.get(PRINCIPAL_KEY(goalId));
    return typeof p === "string" ? p : person(this.get(goalId)?.source ?? "api");
  }

  /**
   * A goal acts with at most its principal's rights (issue 11), checked
   * once planned, before anything runs, and again by the executor at each call.
   */
  private beyondPrincipal(goalId: number, plan: Plan): string | undefined {
    const p = this.principal(goalId);
    if (isPerson(p)) return undefined;
    const tool = plan.tasks.flatMap((t) => t.calls.map((c) => c.tool)).find((t) => !this.opts.tools.allows(p, t));
    return tool && `the goal acts for agent ${p}, which lacks capability ${tool}`;
  }

  /** A read-only look at the system while planning, through the executor like any call (audited). */
  private async probe(goalId: number, tool: string, args: Record<string, unknown>): Promise<unknown> {
    const described = this.opts.tools.describe().find((t) => t.name === tool);
    if (!described) throw new GoalError("probe_refused", `probe ${tool}: no such tool`);
    if (!described.readOnly) throw new GoalError("probe_refused", `probe ${tool}: planners may only look (read-only tools), not change`);
    const agents = this.opts.agents();
    if (!agents) throw new GoalError("probe_refused", `probe ${tool}: no agents are running`);
    const agent = agents.list().find((a) => this.opts.tools.allows(a.name, tool));
    if (!agent) throw new GoalError("probe_refused", `probe ${tool}: no agent may call it`);
    const outcome = await agents.call({ tool, args, agent: agent.name, correlationId: correlationOf(goalId), onBehalfOf: this.principal(goalId) }, this.opts.tools.timeoutMs(tool) + 5_000);
    if (outcome.status !== "done") throw new GoalError("probe_refused", `probe ${tool}: held for approval (${outcome.approvalId})`);
    this.log.event(goalId, "probe", `probe ${tool} by ${agent.name} (${outcome.callId})`, { tool, callId: outcome.callId, args });
    return outcome.result;
  }

  /** Ends a goal as failed or cancelled: rolls back (if asked), composes the answer, then moves the state, then says so. */
  private async end(id: number, from: GoalState | string, e: Ending, rollback: boolean): Promise<void> {
    const undo = rollback ? await this.rollback(id, "orchestrator") : { clause: "", off: !this.opts.rollbackOnFailure };
    const goal = this.get(id);
    const facts = answerEnded({ ...e, rollback: undo }, this.opts.tools.registry);
    const answer = goal ? await this.phrase(id, goal, e.state, facts) : facts;
    const error = `${e.reason}${undo.clause}`;
    this.send(id, e.state === "failed" ? "fail" : "cancel", { error, answer, reason: `${e.state} while ${from}` });
    this.log.event(id, "outcome", `${e.state}: ${error}`, { answer });
  }

  /**
   * The answer in a model's words when one is configured and keeps every figure
   * of the composed one; the composed answer otherwise. The trace says which.
   */
  private async phrase(id: number, goal: Goal, state: "done" | "failed" | "cancelled", facts: string, first?: AnswerPhraser): Promise<string> {
    const phrasers = [...(first ? [first] : []), ...(this.opts.phrasers ?? [])];
    if (!phrasers.length) return facts;
    const r = await phraseAnswer(phrasers, { goal: goal.description || goal.title, state, facts });
    if (r.by) this.log.event(id, "answer", `answer worded by ${r.by}; its figures are the tools'`, { by: r.by, facts });
    else if (r.why) this.log.event(id, "answer", `kept the composed answer: ${r.why}`, { why: r.why });
    return r.answer;
  }

  /** No planner could plan it: nothing ran, so nothing is rolled back; the refusal is not reworded. */
  private refuse(id: number, goal: string, why: string): void {
    const answer = answerRefused(why, closestTools(goal, this.opts.tools.registry));
    this.send(id, "fail", { error: why, answer, reason: "failed while planning" });
    this.log.event(id, "outcome", `failed: ${why}`, { answer });
  }

  private async finishCancelled(id: number, from: GoalState | string): Promise<void> {
    if (this.stopping) return; // shutting down: recover() deals with it at the next boot
    const live = this.running.get(id);
    const reason = live?.signal.aborted ? errorMessage(live.signal.reason) : "cancelled";
    return this.end(id, from, { state: "cancelled", reason, calls: [] }, this.opts.rollbackOnFailure && from !== "planning");
  }

  /** Undoes the goal's reversible calls, newest first; what was done, and a clause for the error line. */
  private async rollback(id: number, by: string): Promise<{ clause: string; undo?: CorrelationUndo; error?: string }> {
    try {
      const r = await this.opts.tools.rollbackCorrelation(correlationOf(id), by);
      this.log.event(id, "rollback", `rolled back ${r.undone.length} calls${r.undone.length ? ` (${r.undone.join(", ")})` : ""}${r.failed ? `; undo of ${r.failed.callId} failed: ${r.failed.message}` : ""}`, r);
      if (r.failed) return { clause: `; rollback stopped at ${r.failed.callId}: ${r.failed.message}`, undo: r };
      return { clause: r.undone.length ? `; rolled back ${r.undone.length} calls` : "", undo: r };
    } catch (err) {
      if (err instanceof AiosError && err.code === "unknown_call") {
        // No call of the goal is recorded (it stopped before its first one): nothing to take back.
        this.log.event(id, "rollback", "rollback: the goal made no calls; nothing to roll back");
        return { clause: "" };
      }
      this.log.event(id, "rollback", `rollback failed: ${errorMessage(err)}`);
      return { clause: `; rollback failed: ${errorMessage(err)}`, error: errorMessage(err) };
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
    if (!g) throw new GoalError("not_found", `goal ${id}: no such goal`);
    return g;
  }
}

function guardLine(r: Reading): string {
  if (r.kind === "planned") return "the catalogue reads this goal exactly; a model's changes must be the ones its plan makes";
  if (r.kind === "refused") return `the catalogue reads this goal and refuses it: ${r.why}`;
  return "the catalogue does not read this goal: a model may plan it; every change it makes waits for a person's approval";
}

/** The calls a model's loop made, as a plan (one task per call, in order), for the goal's record and long-term memory. */
function executedPlan(summary: string, run: GoalRun): Plan | undefined {
  if (!run.calls.length || run.calls.length > 50) return undefined;
  return {
    summary: summary.slice(0, 500),
    tasks: run.calls.map((c, i) => ({ id: `s${i + 1}`, title: c.tool, calls: [{ tool: c.tool, args: c.args }], dependsOn: i ? [`s${i}`] : [] })),
  };
}
