/**
 * The built-in heuristic planner: a catalogue of sysadmin intents
 * (CATALOGUE.md) and a grammar that reads a goal so that every word is
 * accounted for (grammar.ts). Each clause must be consumed whole by one
 * intent's patterns, fillers aside; a word nothing consumes makes the
 * planner refuse, naming it and the closest things aiOS can do. It never
 * guesses an action. The clauses' tasks are merged into one plan that
 * validates against PlanSchema, uses only tools this system has, with
 * arguments their schemas accept, and crosses none of safety.ts's lines;
 * `why` names the clauses, intents, arguments and typo readings.
 */
import * as v from "valibot";
import { type Plan, PlanSchema } from "../../plan";
import type { Planner, PlannerResult, PlanningContext, PlanningFacts } from "../../types";
import { problem } from "./fits";
import { type ClauseResult, MAX_CLAUSES, readGoal, readText } from "./grammar";
import { type Earlier, type Intent, IntentRefusal } from "./intent";
import { INTENTS } from "./intents";
import { MAX_GOAL } from "./lex";
import { type ClauseTasks, mergeTasks } from "./merge";
import { knownIntents, missMessage, typoNote, where } from "./messages";
import type { Fix } from "./pattern";
import { unsafe } from "./safety";

export { DAEMONS, daemonFor, type Daemon } from "./daemons";
export { defineIntent, IntentRefusal, refuse, type Intent, type IntentContext, type Refusal } from "./intent";
export { INTENTS } from "./intents";
export { mergeTasks } from "./merge";
export { knownIntents } from "./messages";

/** One clause as understood: its text, the intent, the arguments, the typos read. */
export interface Understood {
  clause: string;
  intent: Intent;
  args: unknown;
  fixes: readonly Fix[];
}

const quote = (s: string) => JSON.stringify(s);

/**
 * Reads a goal into clauses with their intents and arguments, pronouns
 * resolved to the previous clause's object, without looking at the system.
 * The memory planner keys stored plans by this reading.
 */
export function understand(goal: string, intents: readonly Intent[], facts: PlanningFacts, remember = true): Understood[] | { pass: string } {
  if (!remember) return read(goal, intents, facts);
  // Reading depends on the words, the catalogue and the facts only: the same goal again (the memory
  // planner and this one, a scheduled goal each time it is due) is read once.
  const key = `${facts.apiPort}\u0000${facts.hostname}\u0000${goal}`;
  let byGoal = readings.get(intents);
  if (!byGoal) readings.set(intents, (byGoal = new Map()));
  const had = byGoal.get(key);
  if (had) return had;
  const r = read(goal, intents, facts);
  if (byGoal.size >= 256) byGoal.delete(byGoal.keys().next().value!);
  byGoal.set(key, deepFreeze(r));
  return r;
}

const readings = new WeakMap<readonly Intent[], Map<string, Understood[] | { pass: string }>>();

/** Cached readings are shared: freezing them makes an intent that changed its arguments fail loudly in tests. */
function deepFreeze<T>(x: T): T {
  if (x && typeof x === "object" && !Object.isFrozen(x)) {
    for (const v of Object.values(x)) if (v && typeof v === "object" && !("forms" in (v as object))) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}

function read(goal: string, intents: readonly Intent[], facts: PlanningFacts): Understood[] | { pass: string } {
  if (goal.trim() === "") return { pass: "the goal is empty" };
  if (goal.length > MAX_GOAL) return { pass: `the goal is ${goal.length} characters long; at most ${MAX_GOAL} are read` };
  const r = readGoal(goal, intents, facts);
  if (r.kind === "empty") return { pass: "the goal is empty" };
  if (r.kind === "miss") return { pass: missMessage(r.miss, goal, intents) };
  if (r.kind === "too-many") return { pass: `the goal asks ${r.count} things at once; at most ${MAX_CLAUSES} are read in one goal` };
  const out: Understood[] = [];
  let previous: string | undefined;
  for (const [i, c] of r.clauses.entries()) {
    let { reading } = c;
    let text = c.text;
    if (reading.refs.length) {
      if (previous === undefined) return { pass: `${where(c.text, i, r.clauses.length)}: "${goal.slice(reading.refs[0]![0], reading.refs[0]![1])}" refers to nothing before it; name what you mean` };
      // The pronoun's words become the previous clause's object; the clause is read again with them.
      let resolved = goal.slice(c.start, c.end);
      for (const [s, e] of [...reading.refs].sort((a, b) => b[0] - a[0])) resolved = resolved.slice(0, s - c.start) + previous + resolved.slice(e - c.start);
      const again: ClauseResult = readText(resolved, intents, facts).result;
      text = resolved;
      if (again.kind === "refused") return { pass: `${where(resolved, i, r.clauses.length)} reads as "${again.intent.summary}", but ${again.reason}${r.clauses.length > 1 ? "; the goal is refused as a whole" : ""}` };
      if (again.kind === "miss" || again.reading.refs.length) return { pass: `${where(resolved, i, r.clauses.length)}: with "${goal.slice(reading.refs[0]![0], reading.refs[0]![1])}" read as ${quote(previous)}, the clause no longer reads` };
      reading = again.reading;
    }
    out.push({ clause: text, intent: reading.intent, args: reading.args, fixes: reading.fixes });
    previous = reading.intent.object?.(reading.args) ?? previous;
  }
  return out;
}

/** The reading's signature: intents and arguments, for reusing a plan only for the same request. */
export function signatureOf(understood: readonly Understood[]): string {
  return JSON.stringify(understood.map((u) => [u.intent.name, u.args]));
}

export interface HeuristicOptions {
  /** Keep the readings of recent goals (default true); off to time reading itself. */
  remember?: boolean;
}

export function heuristicPlanner(intents: readonly Intent[] = INTENTS, opts: HeuristicOptions = {}): Planner {
  const planner: Planner & { depth: number } = {
    name: "heuristic",
    depth: 0,
    async plan(ctx: PlanningContext): Promise<PlannerResult> {
      const understood = understand(ctx.goal, intents, ctx.facts, opts.remember ?? true);
      if (!Array.isArray(understood)) return understood;
      const earlier: Earlier = { installs: new Set(), services: new Set(), users: new Set() };
      // A goal inside this one (a scheduled goal) is planned the same way, one level deep.
      const trial = async (goal: string): Promise<string | null> => {
        if (planner.depth > 0) return null;
        planner.depth++;
        try {
          const r = await planner.plan({ ...ctx, goal });
          return "pass" in r ? r.pass : null;
        } finally {
          planner.depth--;
        }
      };
      const parts: ClauseTasks[] = [];
      for (const [i, u] of understood.entries()) {
        if (ctx.signal.aborted) return { pass: "planning was cancelled" };
        try {
          parts.push({ clause: u.clause, tasks: await u.intent.plan(u.args, { ...ctx, earlier, trial }) });
        } catch (err) {
          if (!(err instanceof IntentRefusal)) throw err;
          return { pass: `${where(u.clause, i, understood.length)} reads as "${u.intent.summary}", but ${err.message}${understood.length > 1 ? "; the goal is refused as a whole" : ""}` };
        }
      }
      const tasks = mergeTasks(parts);
      const have = new Map(ctx.tools.map((t) => [t.name, t]));
      const calls = tasks.flatMap((t) => t.calls);
      const missing = [...new Set(calls.map((c) => c.tool))].filter((t) => !have.has(t));
      if (missing.length) return { pass: `the plan needs ${missing.join(", ")}, which this system does not have` };
      for (const c of calls) {
        const p = problem(have.get(c.tool)!.inputSchema as Record<string, unknown>, c.args);
        if (p) return { pass: `the plan's call to ${c.tool} does not fit this system's ${c.tool} (${p})` };
      }
      const summary = understood.map((u) => `${u.intent.summary}: ${u.intent.describe(u.args)}`).join("; ");
      const parsed = v.safeParse(PlanSchema, { summary: summary.length > 500 ? `${summary.slice(0, 497)}...` : summary, tasks });
      // A plan the schema refuses is a bug in an intent; pass rather than hand the engine something invalid.
      if (!parsed.success) return { pass: `the heuristic plan is invalid (a bug in the catalogue): ${parsed.issues[0]?.message}` };
      const plan: Plan = parsed.output;
      const bad = unsafe(plan, ctx.facts);
      if (bad) return { pass: `refused: ${bad}` };
      const why = `heuristic catalogue: ${understood.map((u) => `${quote(u.clause)} → ${u.intent.summary} (${u.intent.describe(u.args)})${typoNote(u.fixes)}`).join("; ")}`;
      return { plan, why };
    },
  };
  return planner;
}
