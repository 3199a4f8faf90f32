/**
 * `defineIntent`: one entry of the heuristic planner's catalogue, as data.
 * `match` reads a clause and returns the arguments it plainly states, null
 * when the clause is not this intent, or a refusal when it is this intent
 * but something needed is missing or wrong (a pronoun with nothing before
 * it, a name that is not a package name). `plan` turns the arguments into
 * tasks, looking at the system with read-only probes where the plan depends
 * on what is there; it throws IntentRefusal when the system says no (the
 * package is not installed, the key is not in the file).
 */
import type { TaskPlan } from "../../plan";
import type { PlanningContext } from "../../types";
import { quotedStrings, type Quoted } from "./quotes";

export interface Clause {
  /** As the person wrote it, pronouns resolved. */
  text: string;
  /** Lower-cased, quoted text kept as written. */
  lower: string;
  quoted: Quoted[];
}

export function clauseOf(text: string): Clause {
  const quoted = quotedStrings(text);
  let lower = text.toLowerCase();
  for (const q of quoted) lower = lower.slice(0, q.start + 1) + q.text + lower.slice(q.end - 1);
  return { text, lower, quoted };
}

export interface Refusal {
  refuse: string;
}

export const refuse = (reason: string): Refusal => ({ refuse: reason });

export function isRefusal(x: unknown): x is Refusal {
  return typeof x === "object" && x !== null && typeof (x as Refusal).refuse === "string";
}

/** What earlier clauses of the same goal will have done by the time a later one runs. */
export interface Earlier {
  /** Packages an earlier clause installs. */
  installs: Set<string>;
  /** Services an earlier clause defines. */
  services: Set<string>;
}

export interface IntentContext extends PlanningContext {
  earlier: Earlier;
}

export interface Intent<A = any> {
  /** Stable id, kebab-case: `install-package`. */
  name: string;
  /** What it does, as the refusal lists it: "install a package". */
  summary: string;
  /** Goals it maps (CATALOGUE.md and the tests use them). */
  examples: readonly string[];
  match(clause: Clause, ctx: PlanningContext): A | Refusal | null;
  /** What "it" means in the next clause (the package installed, the service started). */
  object?(args: A): string | undefined;
  /** The arguments in a few words, for the plan's summary and `why`. */
  describe(args: A): string;
  plan(args: A, ctx: IntentContext): Promise<TaskPlan[]>;
}

export function defineIntent<A>(intent: Intent<A>): Intent<A> {
  if (!/^[a-z][a-z0-9-]*$/.test(intent.name)) throw new Error(`defineIntent ${intent.name}: name must be kebab-case`);
  if (intent.examples.length === 0) throw new Error(`defineIntent ${intent.name}: give at least one example`);
  return intent;
}

/** Thrown by `plan` when what the system says makes the intent impossible; the planner passes with the message. */
export class IntentRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IntentRefusal";
  }
}
