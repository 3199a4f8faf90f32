/**
 * What the gateway and the local planner share: a model takes a goal step by
 * step (loop.ts), and only a goal the guard lets a model plan (guard.ts):
 * never one the catalogue refuses, and not one it reads exactly while the
 * heuristic is in the chain to plan it. The first decision is made while
 * planning, so a model that cannot answer (no key, budget spent, a failure)
 * passes and the chain moves on before anything ran.
 */
import { errorMessage } from "../../sys";
import type { LoopStart, ModelPlanner, PlannerResult, PlanningContext, Stepper } from "../types";

export function modelPlanner(name: string, stepper: (ctx: PlanningContext) => Stepper | { pass: string }): ModelPlanner {
  return {
    name,
    stepper,
    async plan(ctx: PlanningContext): Promise<PlannerResult | { loop: LoopStart; why: string }> {
      const reading = await ctx.reading?.();
      if (reading?.kind === "refused") return { pass: "the catalogue reads this goal and refuses it; no model plans it" };
      if (reading?.kind === "planned" && ctx.catalogue) return { pass: "the catalogue reads it exactly; no model is needed" };
      const s = stepper(ctx);
      if ("pass" in s) return s;
      let first: Awaited<ReturnType<Stepper["decide"]>>;
      try {
        first = await s.decide({ goal: ctx.goal, goalId: ctx.goalId, facts: ctx.facts, tools: ctx.tools, turns: [], reading, signal: ctx.signal });
      } catch (err) {
        return { pass: errorMessage(err) };
      }
      if (first.kind === "finish") return { pass: `${first.usage.by} answered without looking at the system` };
      return { loop: { stepper: s, first }, why: `${first.usage.by} takes it step by step, starting with ${first.calls.map((c) => c.tool).join(", ")}` };
    },
  };
}
