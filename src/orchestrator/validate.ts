/**
 * A plan is accepted only if it validates twice: against PlanSchema (shape,
 * unique ids, known dependencies, no cycle) and call by call against each
 * tool's own input schema. The first problem is returned as one line that
 * names where it is, so a model can be told and a person can read it.
 */
import * as v from "valibot";
import { issuePath, issueReason } from "../config";
import type { ToolRegistry } from "../tools/registry";
import { type Plan, PlanSchema } from "./plan";

export type PlanCheck = { ok: true; plan: Plan } | { ok: false; problem: string };

export function checkPlan(raw: unknown, registry: ToolRegistry): PlanCheck {
  const shaped = v.safeParse(PlanSchema, raw);
  if (!shaped.success) {
    const issue = shaped.issues[0];
    return { ok: false, problem: `${issuePath(issue) ?? "plan"}: ${issueReason(issue)}` };
  }
  const plan = shaped.output;
  for (const [t, task] of plan.tasks.entries()) {
    for (const [c, call] of task.calls.entries()) {
      const where = `tasks.${t}.calls.${c}`;
      const tool = registry.get(call.tool);
      if (!tool) return { ok: false, problem: `${where}.tool: ${call.tool} is not a tool of this system` };
      const args = v.safeParse(tool.input, call.args);
      if (!args.success) {
        const issue = args.issues[0];
        return { ok: false, problem: `${where}.args${issuePath(issue) ? `.${issuePath(issue)}` : ""}: ${issueReason(issue)} (${call.tool})` };
      }
      call.args = args.output as Record<string, unknown>;
    }
  }
  return { ok: true, plan };
}
