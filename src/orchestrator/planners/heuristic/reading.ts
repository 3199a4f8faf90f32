/**
 * What reading a clause or a goal yields (grammar.ts reads, messages.ts words
 * the misses). Types only, in their own file so that the two need not import
 * each other.
 */
import type { Intent } from "./intent";
import type { Token } from "./lex";
import type { Fix } from "./pattern";

export interface Reading {
  intent: Intent;
  /** The arguments; undefined while the clause holds a pronoun still to be resolved. */
  args: unknown;
  fixes: readonly Fix[];
  /** Where the clause says "it"/"them" for the previous clause's object (offsets in the text read). */
  refs: ReadonlyArray<[number, number]>;
}

export type ClauseResult =
  | { kind: "read"; reading: Reading; named?: number }
  | { kind: "refused"; intent: Intent; reason: string; fixes: readonly Fix[]; named?: number }
  | { kind: "miss"; furthest: number; closest: () => Intent[] };

export interface ClauseReading {
  /** The clause as written. */
  text: string;
  /** Where it is in the goal (for pronoun resolution). */
  start: number;
  end: number;
  reading: Reading;
}

export interface GoalMiss {
  /** The clause as written. */
  text: string;
  index: number;
  count: number;
  result: Exclude<ClauseResult, { kind: "read" }>;
  /** The clause's meaningful tokens (for the message). */
  tokens: readonly Token[];
}

export type GoalResult = { kind: "read"; clauses: ClauseReading[] } | { kind: "miss"; miss: GoalMiss } | { kind: "too-many"; count: number };
