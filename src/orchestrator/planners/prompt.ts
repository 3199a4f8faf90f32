/**
 * What a model planner is told: the goal, facts about the machine, proven
 * procedures, and the plan format. Shared by the external and the local
 * planner so both are asked the same question.
 */
import type { PlanningContext } from "../types";

export const PLAN_RULES = `You plan system administration work for aiOS, an operating system run by agents that act only through typed tools.
Answer with a plan: tasks, each a short sequence of tool calls made by one agent, with dependencies between tasks.
Rules:
- Use only the tools you were given, with arguments that match their input schemas exactly.
- Task ids are short lower-case words; dependsOn lists the ids a task must wait for; independent tasks run in parallel.
- Prefer checking before changing (read-only tools first), and end with a verification step.
- Never invent files, packages or services you have no reason to believe exist; if the goal cannot be done with these tools, say so instead of guessing.`;

export function planningBrief(ctx: PlanningContext): string {
  const lines = [`Goal: ${ctx.goal}`, "", `Machine: hostname ${ctx.facts.hostname}; management API on port ${ctx.facts.apiPort}; mode ${ctx.facts.mode}.`];
  if (ctx.procedures.length) {
    lines.push("", "Procedures that worked before for similar goals:");
    for (const p of ctx.procedures.slice(0, 3)) lines.push(`- ${p.title}${p.goal ? ` (goal: ${p.goal})` : ""}: ${JSON.stringify(p.steps)}`);
  }
  return lines.join("\n");
}

/** The first balanced JSON object in a model's text (models wrap JSON in prose or code fences). */
export function firstJsonObject(text: string): unknown {
  for (let start = text.indexOf("{"); start >= 0; start = text.indexOf("{", start + 1)) {
    let depth = 0;
    let inString = false;
    for (let i = start; i < text.length; i++) {
      const ch = text[i];
      if (inString) {
        if (ch === "\\") i++;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === "{") depth++;
      else if (ch === "}" && --depth === 0) {
        try {
          return JSON.parse(text.slice(start, i + 1));
        } catch {
          break;
        }
      }
    }
  }
  return undefined;
}
