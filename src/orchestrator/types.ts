/**
 * What planners see and return. A planner either produces a plan that
 * validates against PlanSchema or passes, saying why, so the chain can try
 * the next one and the trace can tell the person what happened.
 */
import type { ToolDescription } from "../tools/registry";
import type { Plan } from "./plan";

export interface PlanningContext {
  /** The goal as the person wrote it. */
  goal: string;
  goalId: number;
  /** Every tool in the registry, with its JSON Schema. */
  tools: readonly ToolDescription[];
  /**
   * Runs a read-only tool to look at the system while planning (is nginx
   * installed? which port does the API use?). Goes through the executor and
   * the audit ledger like any call; refuses tools that change anything.
   */
  probe(tool: string, args: Record<string, unknown>): Promise<unknown>;
  /** Facts about this machine a plan may need. */
  facts: PlanningFacts;
  /** Procedures that worked before for similar goals (long-term memory), best first. */
  procedures: readonly StoredProcedure[];
  signal: AbortSignal;
  /** The catalogue's reading of the goal (guard.ts), read once per planning; absent without a guard. */
  reading?: () => Promise<Reading>;
  /** Whether the heuristic catalogue is in the chain (then it plans what it reads exactly, without a model). */
  catalogue?: boolean;
}

export interface PlanningFacts {
  /** Port the management API listens on in this system (guest side). */
  apiPort: number;
  hostname: string;
  mode: "pid1" | "dev";
}

/** A model planner takes the goal step by step: the stepper, and the first decision it made while planning. */
export interface LoopStart {
  stepper: Stepper;
  first: Decision;
}

export type PlannerResult = { plan: Plan; why: string } | { pass: string };

export interface Planner {
  /** `gateway`, `local`, `heuristic`: the names config.toml orders. */
  name: string;
  plan(ctx: PlanningContext): Promise<PlannerResult>;
  stepper?: undefined;
}

/** A planner that takes goals step by step with a model (the gateway, the local model): it answers with a loop, not a plan. */
export interface ModelPlanner {
  name: string;
  plan(ctx: PlanningContext): Promise<PlannerResult | { loop: LoopStart; why: string }>;
  /** A stepper to re-plan with after a task failed, or why there is none now. */
  stepper(ctx: PlanningContext): Stepper | { pass: string };
}

export type AnyPlanner = Planner | ModelPlanner;

/** The catalogue's reading of a goal, which decides what a model may do with it (guard.ts). */
export type Reading =
  | { kind: "planned"; plan: Plan; why: string }
  | { kind: "refused"; why: string }
  | { kind: "unread"; why: string };

// ---- the model planners' tool loop (loop.ts) ------------------------------------

export interface ProposedCall {
  tool: string;
  args: Record<string, unknown>;
}

export interface LoopCall extends ProposedCall {
  /** The model's id for the call (gateway tool_use ids), echoed with its result. */
  id: string;
}

export interface StepUsage {
  /** Tokens read and written for this decision. */
  tokens: number;
  costUsd?: number;
  /** Which model decided: "anthropic (claude-sonnet-4, 812+64 tokens, $0.0034)". */
  by: string;
}

export type Decision = { kind: "calls"; calls: LoopCall[]; text?: string; usage: StepUsage } | { kind: "finish"; text: string; usage: StepUsage };

export type Observation =
  | { call: LoopCall; outcome: "done"; callId: string; result: unknown }
  | { call: LoopCall; outcome: "failed"; error: string; code?: string }
  /** Never reached the executor: the guard or the argument check said no. */
  | { call: LoopCall; outcome: "refused"; why: string };

export interface Turn {
  decision: Decision;
  observations: Observation[];
}

export interface StepContext {
  goal: string;
  goalId: number;
  facts: PlanningFacts;
  tools: readonly ToolDescription[];
  /** Every decision so far with what its calls gave. */
  turns: readonly Turn[];
  /** What happened before the model took over (a plan's calls and its failure, when re-planning). */
  prelude?: string;
  reading?: Reading;
  signal: AbortSignal;
}

/** A model that decides the next step. */
export interface Stepper {
  name: string;
  decide(ctx: StepContext): Promise<Decision>;
}

/** A plan kept for reuse (memory planner, planners/memory.ts): what it was for and its steps. */
export interface StoredProcedure {
  title: string;
  goal?: string;
  steps: unknown;
  plan?: unknown;
  documentId?: number;
  updatedAt?: number;
}
