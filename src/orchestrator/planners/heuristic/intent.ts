/**
 * `defineIntent`: one entry of the heuristic planner's catalogue, as data.
 *
 * An intent says which words it consumes: `forms` are patterns (pattern.ts)
 * that must cover a whole clause, fillers aside; `qualifiers` are patterns
 * that may follow a form, each one a thing the intent understands and
 * honours ("with sudo access", "but keep the config", "older than 3
 * days"). A clause with a word no form or qualifier consumes is not this
 * intent; if no intent consumes it all, the goal is refused naming the
 * words not understood. `build` turns the captures into arguments, or
 * refuses (the clause is this intent, but what it says cannot be done).
 * `plan` turns the arguments into tasks, looking at the system with
 * read-only probes where the plan depends on what is there; it throws
 * IntentRefusal when the system says no.
 */
import type { TaskPlan } from "../../plan";
import type { PlanningContext, PlanningFacts } from "../../types";

export interface Refusal {
  refuse: string;
}

export const refuse = (reason: string): Refusal => ({ refuse: reason });

export function isRefusal(x: unknown): x is Refusal {
  return typeof x === "object" && x !== null && typeof (x as Refusal).refuse === "string";
}

/** What the patterns captured: key → values in the order met. */
export class Captured {
  constructor(readonly values: Readonly<Record<string, readonly unknown[]>>) {}

  has(key: string): boolean {
    return (this.values[key]?.length ?? 0) > 0;
  }

  /** The last value captured under `key`. */
  get<T = unknown>(key: string): T | undefined {
    const all = this.values[key];
    return all && all.length ? (all[all.length - 1] as T) : undefined;
  }

  all<T = unknown>(key: string): T[] {
    return [...((this.values[key] ?? []) as T[])];
  }

  /** Whether a key was captured with two different values ("start and stop"): the clause contradicts itself. */
  conflicting(key: string): boolean {
    const all = this.values[key] ?? [];
    return new Set(all.map((v) => JSON.stringify(v))).size > 1;
  }
}

/** What earlier clauses of the same goal will have done by the time a later one runs. */
export interface Earlier {
  /** Packages an earlier clause installs. */
  installs: Set<string>;
  /** Services an earlier clause defines. */
  services: Set<string>;
  /** Users an earlier clause creates. */
  users: Set<string>;
}

export interface IntentContext extends PlanningContext {
  earlier: Earlier;
  /** Plans another goal as the planner would now, probes included: null when it plans, else why not (a goal to schedule is checked this way). */
  trial(goal: string): Promise<string | null>;
}

export interface Intent<A = any> {
  /** Stable id, kebab-case: `install-package`. */
  name: string;
  /** What it does, as refusals list it: "install a package". */
  summary: string;
  /** Goals it maps (CATALOGUE.md, the tests and refusals' suggestions use them). */
  examples: readonly string[];
  /** Patterns, each covering a whole clause (with the qualifiers after it). */
  forms: readonly string[];
  /** Words one of which a clause must contain for this intent to be tried (a cheap test, for intents whose forms start with a slot). */
  requires?: readonly string[];
  /** Patterns that may follow a form, any number, in any order. */
  qualifiers?: readonly string[];
  /** The arguments from the captures, or why this clause cannot be done. Never probes. */
  build(c: Captured, facts: PlanningFacts): A | Refusal;
  /** What "it" means in the next clause (the package installed, the service started). */
  object?(args: A): string | undefined;
  /** The arguments in a few words, for the plan's summary and `why`. */
  describe(args: A): string;
  plan(args: A, ctx: IntentContext): Promise<TaskPlan[]>;
  /**
   * Whether a stored plan made for the same arguments may be reused (memory
   * planner). False when the plan carries what probes saw at planning time
   * (a file's content, the files to delete, a pid): that can be stale.
   */
  reusable?: boolean;
  /** A refusal entry: it reads dangerous or impossible requests only to say why not; never suggested. */
  refusal?: boolean;
}

export function defineIntent<A>(intent: Intent<A>): Intent<A> {
  if (!/^[a-z][a-z0-9-]*$/.test(intent.name)) throw new Error(`defineIntent ${intent.name}: name must be kebab-case`);
  if (intent.examples.length === 0) throw new Error(`defineIntent ${intent.name}: give at least one example`);
  if (intent.forms.length === 0) throw new Error(`defineIntent ${intent.name}: give at least one form`);
  return intent;
}

/** Thrown by `plan` when what the system says makes the intent impossible; the planner passes with the message. */
export class IntentRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IntentRefusal";
  }
}
