/**
 * The planner chain, in the order config.toml names: each planner either
 * returns a plan that validates or passes with its reason, and every step is
 * kept for the trace ("gateway: no provider has a key; memory: no procedure
 * for this goal; heuristic: matched install-package(nginx)").
 */
import { errorMessage } from "../sys";
import type { ToolRegistry } from "../tools/registry";
import type { Plan } from "./plan";
import type { AnyPlanner, LoopStart, PlanningContext } from "./types";
import { checkPlan } from "./validate";

export interface ChainStep {
  planner: string;
  outcome: "planned" | "passed";
  why: string;
  ms: number;
}

export type ChainResult =
  | { plan: Plan; loop?: undefined; planner: string; steps: ChainStep[] }
  | { loop: LoopStart; plan?: undefined; planner: string; steps: ChainStep[] }
  | { plan?: undefined; loop?: undefined; steps: ChainStep[] };

export async function planWithChain(planners: readonly AnyPlanner[], ctx: PlanningContext, registry: ToolRegistry): Promise<ChainResult> {
  const steps: ChainStep[] = [];
  for (const planner of planners) {
    if (ctx.signal.aborted) break;
    const t0 = performance.now();
    const ms = () => Math.round(performance.now() - t0);
    let result: Awaited<ReturnType<AnyPlanner["plan"]>>;
    try {
      result = await planner.plan(ctx);
    } catch (err) {
      steps.push({ planner: planner.name, outcome: "passed", why: `failed: ${errorMessage(err)}`, ms: ms() });
      continue;
    }
    if ("pass" in result) {
      steps.push({ planner: planner.name, outcome: "passed", why: result.pass, ms: ms() });
      continue;
    }
    if ("loop" in result) {
      // Each call of the loop is checked when the model makes it (the guard, then the executor's gates).
      steps.push({ planner: planner.name, outcome: "planned", why: result.why, ms: ms() });
      return { loop: result.loop, planner: planner.name, steps };
    }
    const checked = checkPlan(result.plan, registry);
    if (!checked.ok) {
      steps.push({ planner: planner.name, outcome: "passed", why: `its plan does not validate: ${checked.problem}`, ms: ms() });
      continue;
    }
    steps.push({ planner: planner.name, outcome: "planned", why: result.why, ms: ms() });
    return { plan: checked.plan, planner: planner.name, steps };
  }
  return { steps };
}

/**
 * One line for a person: why the goal was not planned. The heuristic
 * catalogue's reason is the one a person can act on (the words it did not
 * understand, what it knows), so it stands alone; the model planners'
 * passes ("no provider has a key") stay in the trace. Without a heuristic
 * planner, the last planner's reason, named.
 */
export function whyUnplanned(steps: readonly ChainStep[]): string {
  if (steps.length === 0) return "no planner is configured ([orchestrator] planners is empty)";
  const heuristic = steps.find((s) => s.planner === "heuristic");
  if (heuristic) return heuristic.why;
  const last = steps.at(-1)!;
  return `${last.planner}: ${last.why}`;
}
