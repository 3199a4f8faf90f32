/**
 * The agent router: each task goes to an agent allowed to make every call in
 * it. A planner may suggest an agent; the suggestion stands only if that
 * agent has the capabilities. Otherwise the most specialised capable agent
 * wins (fewest capabilities in force), so the package agent installs
 * packages rather than an agent that can do everything.
 */
import { AiosError } from "../sys";
import type { TaskPlan } from "./plan";

export interface RoutableAgent {
  name: string;
  /** Capabilities in force (declared + granted − revoked). */
  capabilities: readonly string[];
}

export interface Route {
  taskId: string;
  agent: string;
  why: string;
}

export class RoutingError extends AiosError<"no_agent"> {
  constructor(message: string) {
    super("no_agent", message);
  }
}

export function routeTask(task: TaskPlan, agents: readonly RoutableAgent[], allows: (agent: string, tool: string) => boolean): Route {
  const tools = [...new Set(task.calls.map((c) => c.tool))];
  const capable = (name: string) => tools.every((t) => allows(name, t));
  if (task.agent) {
    if (agents.some((a) => a.name === task.agent) && capable(task.agent)) {
      return { taskId: task.id, agent: task.agent, why: `planner chose ${task.agent}, which may call ${tools.join(", ")}` };
    }
  }
  const candidates = agents.filter((a) => capable(a.name)).sort((a, b) => a.capabilities.length - b.capabilities.length);
  const best = candidates[0];
  if (!best) throw new RoutingError(`task ${task.id}: no agent may call ${tools.join(" and ")}`);
  const passed = task.agent ? `${task.agent} ${agents.some((a) => a.name === task.agent) ? "lacks a capability" : "is not an agent"}; ` : "";
  return { taskId: task.id, agent: best.name, why: `${passed}${best.name} is the most specialised agent that may call ${tools.join(", ")}` };
}
