/**
 * The tactical planner: a local generative model from the inference
 * runtime (models.tactical), when the user installed one. It is asked for
 * the plan as JSON; whatever it writes must validate like any other plan.
 */
import { errorMessage } from "../../sys";
import type { ToolRegistry } from "../../tools/registry";
import type { Planner, PlannerResult, PlanningContext } from "../types";
import { checkPlan } from "../validate";
import { firstJsonObject, PLAN_RULES, planningBrief } from "./prompt";

/** The slice of the inference runtime this planner uses. */
export interface LocalGenerator {
  /** The configured tactical model's name and task, or why there is none. */
  tactical(): { name: string; task: string } | { none: string };
  generate(name: string, req: { messages: Array<{ role: "system" | "user" | "assistant"; content: string }>; maxTokens?: number; temperature?: number }, opts: { signal?: AbortSignal }): Promise<{ text: string; model: string }>;
}

export function localPlanner(opts: { runtime: () => LocalGenerator | undefined; registry: ToolRegistry; maxTokens?: number }): Planner {
  return {
    name: "local",
    async plan(ctx: PlanningContext): Promise<PlannerResult> {
      const runtime = opts.runtime();
      if (!runtime) return { pass: "no local inference runtime" };
      const model = runtime.tactical();
      if ("none" in model) return { pass: model.none };
      if (model.task !== "generate") return { pass: `tactical model ${model.name} is a ${model.task} model, not a generative one` };
      const tools = opts.registry.describeAll().map((t) => `${t.name}: ${t.description} input ${JSON.stringify(t.inputSchema)}`);
      const prompt = `${planningBrief(ctx)}\n\nTools:\n${tools.join("\n")}\n\nAnswer with one JSON object {"summary": string, "tasks": [{"id", "title", "agent"?, "calls": [{"tool", "args"}], "dependsOn": [ids]}]} and nothing else.`;
      let text: string;
      try {
        ({ text } = await runtime.generate(model.name, { messages: [{ role: "system", content: PLAN_RULES }, { role: "user", content: prompt }], maxTokens: opts.maxTokens ?? 1024, temperature: 0 }, { signal: ctx.signal }));
      } catch (err) {
        return { pass: `${model.name}: ${errorMessage(err)}` };
      }
      const raw = firstJsonObject(text);
      if (raw === undefined) return { pass: `${model.name} did not answer with a JSON plan (${text.length} characters of text)` };
      const checked = checkPlan(raw, opts.registry);
      if (!checked.ok) return { pass: `${model.name}'s plan does not validate: ${checked.problem}` };
      return { plan: checked.plan, why: `local model ${model.name} planned it` };
    },
  };
}
