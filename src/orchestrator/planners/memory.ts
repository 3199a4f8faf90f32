/**
 * Reuse of what worked: when a goal succeeded, the decision logger stored its
 * plan as a procedure in long-term memory. The same goal again (compared
 * without case, punctuation or extra spaces) reuses that plan, re-validated
 * against today's tools, instead of planning from scratch.
 */
import type { Plan } from "../plan";
import type { Planner, PlannerResult, PlanningContext } from "../types";

export function normalizeGoal(goal: string): string {
  return goal.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

export interface StoredProcedure {
  title: string;
  goal?: string;
  steps: unknown;
  plan?: unknown;
  documentId?: number;
  updatedAt?: number;
}

export function memoryPlanner(): Planner {
  return {
    name: "memory",
    async plan(ctx: PlanningContext): Promise<PlannerResult> {
      const want = normalizeGoal(ctx.goal);
      const found = ctx.procedures.find((p) => p.plan && p.goal && normalizeGoal(p.goal) === want);
      if (!found) return { pass: "no stored procedure achieved this goal before" };
      const when = found.updatedAt ? ` on ${new Date(found.updatedAt).toISOString().slice(0, 10)}` : "";
      return { plan: found.plan as Plan, why: `reusing procedure "${found.title}"${found.documentId ? ` (memory document ${found.documentId})` : ""} that achieved this goal${when}` };
    },
  };
}
