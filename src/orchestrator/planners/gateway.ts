/**
 * The strategic planner: an external model through the gateway, given every
 * tool as a native tool definition (the provider's own function-calling
 * format, generated from the same valibot schemas) plus `submit_plan`, whose
 * input schema is the plan schema. The model must answer by calling
 * `submit_plan`; a plan that does not validate is sent back once with the
 * reason, then the chain moves on.
 */
import { toJsonSchema } from "@valibot/to-json-schema";
import type { Gateway, Message, ToolSpec } from "../../gateway";
import { toolSpec } from "../../gateway";
import { errorMessage } from "../../sys";
import type { ToolRegistry } from "../../tools/registry";
import { PlanSchema } from "../plan";
import type { Planner, PlannerResult, PlanningContext } from "../types";
import { checkPlan } from "../validate";
import { PLAN_RULES, planningBrief } from "./prompt";

export const SUBMIT_PLAN = "submit_plan";

function submitPlanSpec(): ToolSpec {
  const schema = toJsonSchema(PlanSchema, { errorMode: "ignore", typeMode: "input" }) as Record<string, unknown>;
  delete schema.$schema;
  return { name: SUBMIT_PLAN, description: "Submit the plan for the goal. Call it exactly once, with the whole plan.", inputSchema: schema };
}

export interface GatewayPlannerOptions {
  /** The gateway, or why there is none (no provider has a key, ...). */
  gateway: () => Gateway | undefined;
  whyNone: () => string;
  registry: ToolRegistry;
  maxTokens?: number;
}

export function gatewayPlanner(opts: GatewayPlannerOptions): Planner {
  return {
    name: "gateway",
    async plan(ctx: PlanningContext): Promise<PlannerResult> {
      const gateway = opts.gateway();
      if (!gateway) return { pass: `no external model: ${opts.whyNone()}` };
      const tools = [...opts.registry.list().map((t) => toolSpec(t)), submitPlanSpec()];
      const messages: Message[] = [{ role: "user", content: planningBrief(ctx) }];
      for (let attempt = 1; attempt <= 2; attempt++) {
        let result: Awaited<ReturnType<Gateway["complete"]>>;
        try {
          result = await gateway.complete({
            system: PLAN_RULES,
            messages,
            tools,
            toolChoice: { name: SUBMIT_PLAN },
            maxTokens: opts.maxTokens ?? 4096,
            temperature: 0,
            signal: ctx.signal,
            purpose: `plan goal ${ctx.goalId}`,
          });
        } catch (err) {
          return { pass: errorMessage(err) };
        }
        const submitted = result.toolCalls.find((c) => c.name === SUBMIT_PLAN);
        if (!submitted) return { pass: `${result.provider} (${result.model}) answered without calling ${SUBMIT_PLAN}` };
        const checked = checkPlan(submitted.input, opts.registry);
        const by = `${result.provider} (${result.model}, ${result.usage.inputTokens}+${result.usage.outputTokens} tokens, $${result.costUsd.toFixed(4)})`;
        if (checked.ok) return { plan: checked.plan, why: `${by} planned it${attempt > 1 ? " on the second try" : ""}` };
        if (attempt === 2) return { pass: `${by}: its plan did not validate twice: ${checked.problem}` };
        messages.push(
          { role: "assistant", content: [{ type: "tool_call", id: submitted.id, name: SUBMIT_PLAN, input: submitted.input }] },
          { role: "user", content: [{ type: "tool_result", id: submitted.id, content: `The plan does not validate: ${checked.problem}. Submit a corrected plan.`, isError: true }] },
        );
      }
      return { pass: "unreachable" };
    },
  };
}
