/**
 * The goal lifecycle as one transition table, in the manner of XState and
 * s6: states, the events each state takes and where each leads, and what a
 * state means. It is pure data (no SQLite here), so the API, the REPL, the
 * fleet and the tests read the same table the store enforces.
 *
 * The goal engine (src/orchestrator/engine.ts) is the only sender of events;
 * the store (goals.ts) refuses any move the table does not name, in the same
 * transaction as the write. Both live in the orchestrator, the machine's owner.
 *
 *   pending ──pick──▶ planning ──run──▶ running ──succeed──▶ done
 *                        │  ▲              │ ▲ │
 *                   hold │  │ reject  hold │ │ │ transient ──▶ retrying ──retry──▶ running
 *                        ▼  │              ▼ │ │ task_failed ▶ replanning ─replanned▶ running
 *                    awaiting_approval ─decide┘
 *   any live state ──fail──▶ failed ──resubmit──▶ pending;  ──cancel──▶ cancelled
 */

export const GOAL_STATES = ["pending", "planning", "awaiting_approval", "running", "retrying", "replanning", "done", "failed", "cancelled"] as const;
export type GoalState = (typeof GOAL_STATES)[number];

export const GOAL_EVENTS = [
  "pick",
  "interrupt",
  "run",
  "hold",
  "decide",
  "reject",
  "replan",
  "transient",
  "retry",
  "task_failed",
  "replanned",
  "succeed",
  "fail",
  "cancel",
  "resubmit",
] as const;
export type GoalEvent = (typeof GOAL_EVENTS)[number];

export interface GoalStateNode {
  /** What being in this state means, for people and for `describe` in the API. */
  description: string;
  /** Events this state takes, and the state each leads to. */
  on: Partial<Record<GoalEvent, GoalState>>;
  /** No event leaves it except `resubmit` from failed: the goal's answer is written. */
  final?: true;
  /** Work of the goal is under way in this process; a restart finds it interrupted (the engine's recover()). */
  active?: true;
}

/** Machine-wide data: how often a goal may go round the recovery loops before it fails (config overrides). */
export interface GoalMachineData {
  /** running → replanning → running, at most this many times per goal. */
  maxReplans: number;
  /** running → retrying → running for one failed task, at most this many times. */
  maxRetries: number;
}

export interface GoalMachine {
  id: "goal";
  initial: GoalState;
  states: Readonly<Record<GoalState, GoalStateNode>>;
  data: GoalMachineData;
}

export const GOAL_MACHINE: GoalMachine = {
  id: "goal",
  initial: "pending",
  data: { maxReplans: 2, maxRetries: 2 },
  states: {
    pending: {
      description: "accepted and persisted; waiting for a free slot",
      on: { pick: "planning", cancel: "cancelled" },
    },
    planning: {
      description: "the planner chain is reading the goal",
      active: true,
      // interrupt: a restart while planning starts it over.
      on: { interrupt: "pending", hold: "awaiting_approval", run: "running", fail: "failed", cancel: "cancelled" },
    },
    awaiting_approval: {
      description: "a call of the goal waits for a person to approve or deny it",
      active: true,
      // reject: a rejected plan goes back to be planned again.
      on: { decide: "running", reject: "planning", fail: "failed", cancel: "cancelled" },
    },
    running: {
      description: "its tool calls are being made",
      active: true,
      // replan (running → planning) is the older path for re-planning; the engine uses task_failed (→ replanning).
      on: { succeed: "done", fail: "failed", replan: "planning", hold: "awaiting_approval", transient: "retrying", task_failed: "replanning", cancel: "cancelled" },
    },
    retrying: {
      description: "a task failed for a reason that may pass (a timeout, a busy resource); it runs again after a pause",
      active: true,
      on: { retry: "running", fail: "failed", cancel: "cancelled" },
    },
    replanning: {
      description: "a task failed; a model decides the next step with the failure in view",
      active: true,
      on: { replanned: "running", fail: "failed", cancel: "cancelled" },
    },
    done: { description: "every task done; the answer is written", final: true, on: {} },
    failed: { description: "it could not be done; the answer says why and what was rolled back", final: true, on: { resubmit: "pending" } },
    cancelled: { description: "stopped by a person or by shutdown before the next boot", final: true, on: {} },
  },
};

/** Where `event` leads from `from`, or undefined when the table has no such move. */
export function goalTarget(from: GoalState, event: GoalEvent): GoalState | undefined {
  return GOAL_MACHINE.states[from]?.on[event];
}

/** Legal moves, derived from the events: state → the states it may move to. */
export const GOAL_TRANSITIONS: Readonly<Record<GoalState, readonly GoalState[]>> = Object.fromEntries(
  GOAL_STATES.map((s) => [s, [...new Set(Object.values(GOAL_MACHINE.states[s].on))]]),
) as Record<GoalState, GoalState[]>;

export function canTransition(from: GoalState, to: GoalState): boolean {
  return GOAL_TRANSITIONS[from]?.includes(to) ?? false;
}

export const FINAL_GOAL_STATES: readonly GoalState[] = GOAL_STATES.filter((s) => GOAL_MACHINE.states[s].final);
export const ACTIVE_GOAL_STATES: readonly GoalState[] = GOAL_STATES.filter((s) => GOAL_MACHINE.states[s].active);

export function isFinalGoalState(state: string): boolean {
  return (FINAL_GOAL_STATES as readonly string[]).includes(state);
}
