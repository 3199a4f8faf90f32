/**
 * A plan is data: tasks, each a short sequence of tool calls run by one
 * agent, with dependencies between tasks. Every planner (external model,
 * local model, heuristic catalogue) must produce something that validates
 * against this one schema, so the engine never runs a guess.
 */
import * as v from "valibot";

const id = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, "must be 1-32 lower-case letters, digits, - or _"));
const toolName = v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/, "must be a tool name such as fs.write"));

export const ToolCallSchema = v.strictObject({
  tool: toolName,
  args: v.pipe(v.record(v.string(), v.unknown()), v.description("arguments, as the tool's input schema says")),
  /** Why this call is in the plan; shown in the trace. */
  why: v.optional(v.pipe(v.string(), v.maxLength(500))),
  /** Whether this call's result belongs in the goal's answer (default true); false for the plan's own checks. */
  answer: v.optional(v.boolean()),
});

export const TaskSchema = v.strictObject({
  id,
  title: v.pipe(v.string(), v.minLength(1, "must not be empty"), v.maxLength(200)),
  /** The agent the planner suggests; the router checks it can do every call. */
  agent: v.optional(v.string()),
  calls: v.pipe(v.array(ToolCallSchema), v.minLength(1, "a task needs at least one tool call"), v.maxLength(20)),
  dependsOn: v.optional(v.array(id), []),
});

export const PlanSchema = v.pipe(
  v.strictObject({
    summary: v.pipe(v.string(), v.minLength(1, "must not be empty"), v.maxLength(500)),
    tasks: v.pipe(v.array(TaskSchema), v.minLength(1, "a plan needs at least one task"), v.maxLength(50)),
  }),
  v.check((plan) => new Set(plan.tasks.map((t) => t.id)).size === plan.tasks.length, "task ids must be unique"),
  v.check((plan) => plan.tasks.every((t) => t.dependsOn.every((d) => plan.tasks.some((o) => o.id === d))), "dependsOn names a task that is not in the plan"),
  v.check((plan) => topologicalOrder(plan.tasks) !== null, "task dependencies form a cycle"),
);

export type ToolCallPlan = v.InferOutput<typeof ToolCallSchema>;
export type TaskPlan = v.InferOutput<typeof TaskSchema>;
export type Plan = v.InferOutput<typeof PlanSchema>;

/** Task ids in an order where each comes after its dependencies, or null if there is a cycle. */
export function topologicalOrder(tasks: ReadonlyArray<{ id: string; dependsOn?: string[] }>): string[] | null {
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const visit = (taskId: string): boolean => {
    const s = state.get(taskId);
    if (s === "done") return true;
    if (s === "visiting") return false;
    state.set(taskId, "visiting");
    for (const dep of byId.get(taskId)?.dependsOn ?? []) if (byId.has(dep) && !visit(dep)) return false;
    state.set(taskId, "done");
    order.push(taskId);
    return true;
  };
  for (const t of tasks) if (!visit(t.id)) return null;
  return order;
}
