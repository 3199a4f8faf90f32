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
}

export interface PlanningFacts {
  /** Port the management API listens on in this system (guest side). */
  apiPort: number;
  hostname: string;
  mode: "pid1" | "dev";
}

export type PlannerResult = { plan: Plan; why: string } | { pass: string };

export interface Planner {
  /** `gateway`, `local`, `heuristic`: the names config.toml orders. */
  name: string;
  plan(ctx: PlanningContext): Promise<PlannerResult>;
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
