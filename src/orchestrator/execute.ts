/**
 * Running a routed plan: every task goes to its agent's mailbox, one tool
 * call after another; independent tasks run at the same time (runSchedule).
 * A call the autonomy gate holds puts the goal in `awaiting_approval` until a
 * person decides; a denial fails the task like any other error.
 */
import type { AutonomyLevel } from "../config";
import type { CallOutcome } from "../tools";
import { errorMessage } from "../sys";
import type { Plan, TaskPlan } from "./plan";
import type { Route } from "./router";
import { runSchedule, type ScheduleResult } from "./schedule";

/** The slice of the agent runtime the engine needs. */
export interface AgentPort {
  call(
    req: { tool: string; args: unknown; agent: string; correlationId: string; autonomy?: AutonomyLevel; signal?: AbortSignal; onBehalfOf?: string },
    timeoutMs?: number,
  ): Promise<CallOutcome>;
}

export interface CallRecord {
  tool: string;
  callId: string;
  /** Its place in the task's calls (the plan entry it ran). */
  index: number;
  /** The approval it waited for, if the gate held it. */
  approvalId?: string;
  result: unknown;
}

export interface ExecutionHooks {
  taskStarted(task: TaskPlan, agent: string): void;
  taskEnded(task: TaskPlan, agent: string, outcome: { ok: true; calls: CallRecord[] } | { ok: false; error: string; calls: CallRecord[] }): void;
  callDone(task: TaskPlan, agent: string, record: CallRecord): void;
  /** A call is held until a person decides. */
  waiting(task: TaskPlan, agent: string, call: { tool: string; callId: string; approvalId: string }): void;
  /** The held call was decided (approved or denied), even after its run stopped waiting for it. */
  resumed(task: TaskPlan, call: { callId: string; approvalId: string }): void;
}

export interface ExecutionOptions {
  agents: AgentPort;
  routes: ReadonlyMap<string, Route>;
  correlationId: string;
  autonomy?: AutonomyLevel;
  /** Who the goal belongs to: every call acts on its behalf (authority never transfers). */
  onBehalfOf?: string;
  signal: AbortSignal;
  /** How long an agent may take to answer one call (the tool's own timeout is enforced by the executor). */
  callTimeoutMs: (tool: string) => number;
  hooks: ExecutionHooks;
}

/** A task that stopped at a call; `cause` is what that call threw (a ToolError, an actor timeout). */
export class TaskFailure extends Error {
  constructor(
    message: string,
    readonly calls: CallRecord[],
    cause?: unknown,
  ) {
    super(message, { cause });
  }
}

export function executePlan(plan: Plan, opts: ExecutionOptions): Promise<ScheduleResult> {
  return runSchedule(plan, (task, signal) => runTask(task, signal, opts), { signal: opts.signal });
}

async function runTask(task: TaskPlan, signal: AbortSignal, opts: ExecutionOptions): Promise<CallRecord[]> {
  const agent = opts.routes.get(task.id)!.agent;
  const calls: CallRecord[] = [];
  opts.hooks.taskStarted(task, agent);
  try {
    for (const [index, call] of task.calls.entries()) {
      if (signal.aborted) throw new Error(`not run: ${errorMessage(signal.reason)}`);
      const outcome = await opts.agents.call(
        { tool: call.tool, args: call.args, agent, correlationId: opts.correlationId, autonomy: opts.autonomy, signal, onBehalfOf: opts.onBehalfOf },
        opts.callTimeoutMs(call.tool),
      );
      let record: CallRecord;
      if (outcome.status === "queued") {
        const held = { tool: call.tool, callId: outcome.callId, approvalId: outcome.approvalId };
        opts.hooks.waiting(task, agent, held);
        // Approved or denied, it no longer waits; a cancelled run leaves it held until it is denied.
        const decided = outcome.settled.finally(() => opts.hooks.resumed(task, held));
        const result = await untilDecidedOrAborted(decided, signal);
        record = { ...held, index, result };
      } else {
        record = { tool: call.tool, callId: outcome.callId, index, result: outcome.result };
      }
      calls.push(record);
      opts.hooks.callDone(task, agent, record);
    }
  } catch (err) {
    const message = `${task.calls[calls.length]?.tool ?? task.id}: ${errorMessage(err)}`;
    opts.hooks.taskEnded(task, agent, { ok: false, error: message, calls });
    throw new TaskFailure(message, calls, err);
  }
  opts.hooks.taskEnded(task, agent, { ok: true, calls });
  return calls;
}

/** A held call stays held when its goal is cancelled; the engine denies it, which settles it. */
function untilDecidedOrAborted(settled: Promise<unknown>, signal: AbortSignal): Promise<unknown> {
  // Observed whatever the run does: a run stopped while its call was being held no longer waits, and the
  // rejection that comes later (a denial, the executor closing) must not surface as an unhandled one.
  settled.catch(() => {});
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new Error(`cancelled while waiting for approval: ${errorMessage(signal.reason)}`));
    signal.addEventListener("abort", onAbort, { once: true });
    settled.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
