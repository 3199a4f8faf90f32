/**
 * Reuse of what worked: when a goal succeeded, the decision logger stored
 * its plan as a procedure in long-term memory (with the goal's text). A
 * stored plan is reused only for the same request: the heuristic reading of
 * both goals (intents and arguments, pronouns resolved, no probes) must be
 * the same, so "please install nginx" reuses the plan of "Install nginx"
 * but "install nginx and curl" or "remove nginx" never does, however close
 * the words or their embeddings. Intents whose plans carry what probes saw
 * at planning time (a file's content, the files to delete, a pid) are never
 * reused: the system may have changed. A goal the catalogue cannot read
 * (planned by a model) is matched by its exact words only. The stored plan
 * must still fit today's tools.
 */
import type { Plan } from "../plan";
import type { Planner, PlannerResult, PlanningContext, StoredProcedure } from "../types";
import { catalogue } from "./catalogue";
import type { Intent } from "./heuristic";

export type { StoredProcedure } from "../types";

export function normalizeGoal(goal: string): string {
  return goal.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

type Key = { kind: "reading"; signature: string; reusable: boolean; intents: string[] } | { kind: "words"; text: string };

function keyOf(goal: string, intents: readonly Intent[], ctx: PlanningContext): Key {
  const { understand, signatureOf } = catalogue().heuristic;
  const u = understand(goal, intents, ctx.facts);
  if (!Array.isArray(u)) return { kind: "words", text: normalizeGoal(goal) };
  return { kind: "reading", signature: signatureOf(u), reusable: u.every((x) => x.intent.reusable !== false), intents: u.map((x) => x.intent.name) };
}

/** Why a stored plan no longer fits this system's tools, or null. */
function unfit(plan: Plan, ctx: PlanningContext): string | null {
  const tools = new Map(ctx.tools.map((t) => [t.name, t]));
  for (const t of plan.tasks ?? []) {
    for (const c of t.calls ?? []) {
      const tool = tools.get(c.tool);
      if (!tool) return `${c.tool} is gone`;
      const p = catalogue().problem(tool.inputSchema as Record<string, unknown>, c.args);
      if (p) return `${c.tool}: ${p}`;
    }
  }
  return null;
}

/** `intents` defaults to the catalogue's, loaded when a stored procedure is first matched (catalogue.ts). */
export function memoryPlanner(given?: readonly Intent[]): Planner {
  return {
    name: "memory",
    async plan(ctx: PlanningContext): Promise<PlannerResult> {
      const stored = ctx.procedures.filter((p) => p.plan && p.goal);
      if (stored.length === 0) return { pass: "no stored procedure achieved this goal before" };
      const intents = given ?? catalogue().heuristic.INTENTS;
      const want = keyOf(ctx.goal, intents, ctx);
      if (want.kind === "reading" && !want.reusable) return { pass: `a plan for ${want.intents.join(", ")} depends on what the system holds now; it is planned afresh` };
      let stale: string | null = null;
      for (const p of stored) {
        const have = keyOf(p.goal!, intents, ctx);
        const same = want.kind === "reading" ? have.kind === "reading" && have.signature === want.signature : have.kind === "words" && have.text === want.text;
        if (!same) continue;
        const why = unfit(p.plan as Plan, ctx);
        if (why) {
          stale = why;
          continue;
        }
        const when = p.updatedAt ? ` on ${new Date(p.updatedAt).toISOString().slice(0, 10)}` : "";
        const how = want.kind === "reading" ? `the same request (${want.intents.join(", ")} with the same arguments)` : "this goal";
        return { plan: p.plan as Plan, why: `reusing procedure "${p.title}"${p.documentId ? ` (memory document ${p.documentId})` : ""} that achieved ${how}${when}` };
      }
      return { pass: stale ? `the stored plan for this request no longer fits this system's tools (${stale})` : "no stored procedure achieved this request before (only the same intent with the same arguments is reused)" };
    },
  };
}
