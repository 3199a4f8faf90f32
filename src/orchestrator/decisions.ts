/**
 * The decision logger (seed 003 step 8): the complete trace of a goal —
 * goal → planners tried and why → plan → routing → tasks → agents → tool
 * calls (their audit call ids) → results → outcome — persisted in working
 * memory as it happens and pushed to live subscribers (the SSE stream, the
 * REPL's `goal`). A goal that succeeded becomes a procedure in long-term
 * memory, so the same goal can reuse its plan.
 */
import type { Goal } from "./goals";
import { errorMessage, log } from "../sys";
import type { CallRecord } from "./execute";
import type { Plan, TaskPlan } from "./plan";
import type { EngineStores } from "./ports";
import type { Route } from "./router";
import type { TraceEvent } from "./trace";

/** Results kept in the trace are cut here; the full result stays in the tool call record. */
const RESULT_CHARS = 2000;

function brief(value: unknown): unknown {
  const json = JSON.stringify(value);
  if (json === undefined || json.length <= RESULT_CHARS) return value;
  return { truncated: true, preview: json.slice(0, RESULT_CHARS) };
}

export class DecisionLog {
  private readonly listeners = new Map<number, Set<(e: TraceEvent) => void>>();

  constructor(private readonly stores: EngineStores) {}

  event(goalId: number, kind: string, message: string, data?: unknown): TraceEvent {
    const e = this.stores.trace.append(goalId, kind, message, data);
    log.debug(`goal ${goalId}: ${message}`);
    for (const l of this.listeners.get(goalId) ?? []) {
      try {
        l(e);
      } catch (err) {
        log.warn(`goal ${goalId}: trace listener: ${errorMessage(err)}`);
      }
    }
    return e;
  }

  subscribe(goalId: number, listener: (e: TraceEvent) => void): () => void {
    let set = this.listeners.get(goalId);
    if (!set) this.listeners.set(goalId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(goalId);
    };
  }

  /** Creates the task rows of a routed plan; plan task id → stored task id. */
  tasks(goalId: number, plan: Plan, routes: ReadonlyMap<string, Route>): Map<string, number> {
    const ids = new Map<string, number>();
    plan.tasks.forEach((t, position) => {
      const stored = this.stores.tasks.create({
        goalId,
        title: t.title,
        agent: routes.get(t.id)!.agent,
        input: { id: t.id, calls: t.calls },
        position,
        dependsOn: t.dependsOn.map((d) => ids.get(d)!),
      });
      ids.set(t.id, stored.id);
    });
    return ids;
  }

  taskStarted(goalId: number, taskId: number, task: TaskPlan, agent: string): void {
    this.stores.tasks.transition(taskId, "running");
    this.event(goalId, "task", `task ${task.id} started by ${agent}: ${task.title}`, { task: task.id, agent, state: "running" });
  }

  callDone(goalId: number, taskId: number, task: TaskPlan, agent: string, r: CallRecord): void {
    this.stores.tasks.recordToolCall(taskId, { tool: r.tool, callId: r.callId, approvalId: r.approvalId ?? null });
    this.event(goalId, "call", `task ${task.id}: ${agent} called ${r.tool} (${r.callId}${r.approvalId ? `, approved as ${r.approvalId}` : ""})`, {
      task: task.id,
      agent,
      tool: r.tool,
      callId: r.callId,
      approvalId: r.approvalId ?? null,
      result: brief(r.result),
    });
  }

  taskEnded(goalId: number, taskId: number, task: TaskPlan, agent: string, o: { ok: true; calls: CallRecord[] } | { ok: false; error: string; calls: CallRecord[] }): void {
    if (o.ok) {
      this.stores.tasks.transition(taskId, "done", { result: o.calls.map(({ tool, callId }) => ({ tool, callId })) });
      this.event(goalId, "task", `task ${task.id} done`, { task: task.id, agent, state: "done" });
    } else {
      this.stores.tasks.transition(taskId, "failed", { error: o.error });
      this.event(goalId, "task", `task ${task.id} failed: ${o.error}`, { task: task.id, agent, state: "failed", error: o.error });
    }
  }

  taskSkipped(goalId: number, taskId: number, planId: string, why: string): void {
    this.stores.tasks.transition(taskId, "skipped", { error: why });
    this.event(goalId, "task", `task ${planId} skipped: ${why}`, { task: planId, state: "skipped" });
  }

  /** Seed 003: "Updates long-term memory with pattern: nginx reverse proxy setup". */
  async rememberProcedure(goal: Goal, plan: Plan): Promise<void> {
    const text = goal.description || goal.title;
    const steps = plan.tasks.map((t) => `${t.title}: ${t.calls.map((c) => c.tool).join(", ")}`);
    try {
      await this.stores.recordProcedure({ title: plan.summary, goal: text, steps, plan });
      this.event(goal.id, "procedure", `remembered as procedure "${plan.summary}"`);
    } catch (err) {
      this.event(goal.id, "procedure", `could not remember the procedure: ${errorMessage(err)}`);
    }
  }
}
