/**
 * The built-in heuristic planner: a catalogue of sysadmin intents
 * (CATALOGUE.md) and the extraction of their arguments from the goal's
 * words. The goal is split into clauses; each clause, its pronouns resolved
 * to the previous clause's object, must match an intent, or the whole goal
 * is refused naming the clause and listing what the catalogue knows. It
 * never guesses an action. The clauses' tasks are merged into one plan that
 * validates against PlanSchema and uses only tools this system has; `why`
 * names the intents matched and the arguments extracted.
 */
import * as v from "valibot";
import { type Plan, PlanSchema } from "../../plan";
import type { Planner, PlannerResult, PlanningContext } from "../../types";
import { resolvePronouns, splitClauses } from "./clauses";
import { clauseOf, type Earlier, type Intent, IntentRefusal, isRefusal } from "./intent";
import { INTENTS } from "./intents";
import { type ClauseTasks, mergeTasks } from "./merge";

export { splitClauses, resolvePronouns } from "./clauses";
export { DAEMONS, daemonFor, type Daemon } from "./daemons";
export { clauseOf, defineIntent, IntentRefusal, refuse, type Clause, type Intent, type IntentContext, type Refusal } from "./intent";
export { INTENTS } from "./intents";
export { mergeTasks } from "./merge";

/** The catalogue in the order the issue lists it, for the refusal's "it knows: ...". */
const LISTED = ["install-package", "remove-package", "control-service", "configure-proxy", "check-endpoint", "show-usage", "free-disk-space", "manage-user", "write-file", "edit-file", "schedule-job"];

export function knownIntents(intents: readonly Intent[]): string {
  const rank = (i: Intent) => (LISTED.includes(i.name) ? LISTED.indexOf(i.name) : LISTED.length);
  return [...intents].sort((a, b) => rank(a) - rank(b)).map((i) => i.summary).join(", ");
}

interface Matched {
  clause: string;
  intent: Intent;
  args: unknown;
}

const quote = (s: string) => JSON.stringify(s);

export function heuristicPlanner(intents: readonly Intent[] = INTENTS): Planner {
  const knows = () => `it knows: ${knownIntents(intents)}`;

  /** Each clause with its intent and arguments, or why the goal is refused. */
  function matchAll(goal: string, ctx: PlanningContext): Matched[] | { pass: string } {
    const clauses = splitClauses(goal);
    if (clauses.length === 0) return { pass: "the goal is empty" };
    const matched: Matched[] = [];
    let previous: string | undefined;
    for (const [i, raw] of clauses.entries()) {
      const where = clauses.length === 1 ? quote(goal.trim()) : `clause ${i + 1} of ${clauses.length} (${quote(raw)})`;
      const text = resolvePronouns(raw, previous);
      if (text === null) return { pass: `${where}: "it" refers to nothing before it; name what you mean` };
      const c = clauseOf(text);
      let hit: { intent: Intent; args: unknown } | undefined;
      for (const intent of intents) {
        const r = intent.match(c, ctx);
        if (r === null) continue;
        if (isRefusal(r)) return { pass: `${where} reads as "${intent.summary}", but ${r.refuse}${clauses.length > 1 ? "; the goal is refused as a whole" : ""}` };
        hit = { intent, args: r };
        break;
      }
      if (!hit) {
        return clauses.length === 1
          ? { pass: `no intent in the catalogue matches ${where}; ${knows()}` }
          : { pass: `${where} matches no intent in the catalogue, so the goal is refused as a whole; ${knows()}` };
      }
      matched.push({ clause: text, ...hit });
      previous = hit.intent.object?.(hit.args) ?? previous;
    }
    return matched;
  }

  return {
    name: "heuristic",
    async plan(ctx: PlanningContext): Promise<PlannerResult> {
      const matched = matchAll(ctx.goal, ctx);
      if (!Array.isArray(matched)) return matched;
      const earlier: Earlier = { installs: new Set(), services: new Set() };
      const parts: ClauseTasks[] = [];
      for (const [i, m] of matched.entries()) {
        if (ctx.signal.aborted) return { pass: "planning was cancelled" };
        try {
          parts.push({ clause: m.clause, tasks: await m.intent.plan(m.args, { ...ctx, earlier }) });
        } catch (err) {
          if (!(err instanceof IntentRefusal)) throw err;
          const where = matched.length === 1 ? quote(m.clause) : `clause ${i + 1} of ${matched.length} (${quote(m.clause)})`;
          return { pass: `${where} reads as "${m.intent.summary}", but ${err.message}${matched.length > 1 ? "; the goal is refused as a whole" : ""}` };
        }
      }
      const tasks = mergeTasks(parts);
      const have = new Set(ctx.tools.map((t) => t.name));
      const missing = [...new Set(tasks.flatMap((t) => t.calls.map((c) => c.tool)))].filter((t) => !have.has(t));
      if (missing.length) return { pass: `the plan needs ${missing.join(", ")}, which this system does not have` };
      const summary = matched.map((m) => `${m.intent.summary}: ${m.intent.describe(m.args)}`).join("; ");
      const parsed = v.safeParse(PlanSchema, { summary: summary.length > 500 ? `${summary.slice(0, 497)}...` : summary, tasks });
      // A plan the schema refuses is a bug in an intent; pass rather than hand the engine something invalid.
      if (!parsed.success) return { pass: `the heuristic plan is invalid (a bug in the catalogue): ${parsed.issues[0]?.message}` };
      const plan: Plan = parsed.output;
      const why = `heuristic catalogue: ${matched.map((m) => `${quote(m.clause)} → ${m.intent.summary} (${m.intent.describe(m.args)})`).join("; ")}`;
      return { plan, why };
    },
  };
}
