/**
 * Reading a goal with the catalogue's grammar:
 *
 *   goal → tokens (lex.ts) → sentences (split at . ; ! ? and "then")
 *        → clauses (split at "," and "and" only where every part reads:
 *          "install nginx and curl" is one clause, "install nginx and start
 *          it" two; the fewest clauses win)
 *        → each clause without fillers (words.ts) → the first intent, in
 *          catalogue order, one of whose forms (plus qualifiers) consumes
 *          every word → arguments (`build`).
 *
 * Words are matched as written first; only when nothing reads them so is a
 * word that is a typo of exactly one vocabulary word read as that word,
 * and only where the grammar expects that literal word (never in a name).
 * A clause nothing reads is refused naming the words not understood: the
 * rest of the clause after the furthest any intent got.
 */
import type { PlanningFacts } from "../../types";
import { Captured, type Intent, isRefusal } from "./intent";
import { lex, type Token } from "./lex";
import { ALL_SLOTS, compile, vocabularyOf } from "./compile";
import { add, better, type Cap, captures, type Fix, type MatchOptions, type Node, type SlotEnv, type State, step } from "./pattern";
import { isRef } from "./slots";
import { FILLERS, meaningful, pleaEnd, pleaStart } from "./words";
import { embedded } from "./embedded";
import { missMessage } from "./messages";
import type { ClauseReading, ClauseResult, GoalMiss, GoalResult, Reading } from "./reading";

export { compile, MACROS, vocabularyOf } from "./compile";
export { embedded } from "./embedded";
export type { ClauseReading, ClauseResult, GoalMiss, GoalResult, Reading } from "./reading";

function refsIn(x: unknown, out: Array<[number, number]>): Array<[number, number]> {
  if (isRef(x)) out.push([x.start, x.end]);
  else if (Array.isArray(x)) for (const y of x) refsIn(y, out);
  return out;
}

export interface ReadOptions {
  facts: PlanningFacts;
  /** The text the tokens' offsets point into. */
  text: string;
}

function hasAny(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const w of small) if (large.has(w)) return true;
  return false;
}

/** The words a clause has, as the `needs` test sees them (with their typo readings when `typos`). */
function wordsOf(tokens: readonly Token[], typos: boolean): Set<string> {
  const s = new Set<string>();
  for (const t of tokens) {
    s.add(t.text);
    s.add(t.lemma);
    if (typos && t.fix) s.add(t.fix);
  }
  return s;
}

/**
 * Reads one clause (its meaningful tokens) with the catalogue: the first
 * intent, in order, that consumes every token, with its arguments or its
 * refusal; or how far any intent got, for the refusal's message.
 */
export function readClause(tokens: readonly Token[], catalogue: readonly Intent[], o: ReadOptions, depth = 0): ClauseResult {
  const r = readTokens(tokens, catalogue, o, depth);
  if (r.kind !== "miss") return r;
  // An embedded question ("tell me how full the disk is") is the question with its verb moved back:
  // of the orders that read, the one taking the fewest words as names ("how is full root filesystem"
  // would make "full" a service).
  let best: ClauseResult | null = null;
  for (const alt of embedded(tokens)) {
    const a = readTokens(alt, catalogue, o, depth);
    if (a.kind !== "miss" && (best === null || (a.named ?? 0) < ((best as { named?: number }).named ?? 0))) best = a;
  }
  return best ?? r;
}

function readTokens(tokens: readonly Token[], catalogue: readonly Intent[], o: ReadOptions, depth: number): ClauseResult {
  if (tokens.length === 0) return { kind: "miss", furthest: 0, closest: () => [] };
  const vocab = vocabularyOf(catalogue);
  for (const t of tokens) if (t.kind === "word" && t.fix === undefined) t.fix = vocab.fixOf(t.text) ?? undefined;
  const reach = new Map<Intent, number>();
  const env: SlotEnv = { slots: ALL_SLOTS, goal: o.text, ...(depth < 2 ? readers(catalogue, o, depth) : {}) };
  const anyFix = tokens.some((t) => t.fix);
  for (const typos of anyFix ? [false, true] : [false]) {
    env.typos = typos;
    // A typo of a filler ("plesae") is dropped like the filler, and said in `why`.
    const dropped = typos ? tokens.filter((t) => t.fix && FILLERS.has(t.fix)) : [];
    const toks = dropped.length ? tokens.filter((t) => !dropped.includes(t)) : tokens;
    const initial = dropped.map((t) => ({ from: t.text, to: t.fix! }));
    const have = wordsOf(toks, typos);
    const start = toks[0] ? wordsOf([toks[0]], typos) : new Set<string>();
    for (const intent of catalogue) {
      if (intent.requires && !intent.requires.some((w) => have.has(w))) continue;
      const c = compile(intent);
      if (c.first && !hasAny(start, c.first)) continue;
      const furthest = { pos: 0 };
      const opts: MatchOptions = { typos, env };
      // Every form is tried; the best reading among them wins (fewest typos, fewest words taken as names).
      let done: State | null = null;
      for (const form of c.forms) {
        if (form.first && !hasAny(start, form.first)) continue;
        if (!form.needs.every((need) => hasAny(need, have))) continue;
        const d = matchAll(form.node, c.qualifiers, toks, { ...opts, furthest }, initial);
        if (d && (!done || better(d, done))) done = d;
      }
      if (done) {
        const caps = captures(done.caps);
        const refs = refsIn(Object.values(caps), []);
        if (refs.length) return { kind: "read", reading: { intent, args: undefined, fixes: done.fixes, refs }, named: done.named };
        const built = intent.build(new Captured(caps), o.facts);
        if (isRefusal(built)) return { kind: "refused", intent, reason: built.refuse, fixes: done.fixes, named: done.named };
        return { kind: "read", reading: { intent, args: built, fixes: done.fixes, refs: [] }, named: done.named };
      }
      if (furthest.pos > (reach.get(intent) ?? 0)) reach.set(intent, furthest.pos);
    }
  }
  const furthest = Math.max(0, ...reach.values());
  // Only a refusal's message needs the closest intents: computed then, not for every split tried.
  return { kind: "miss", furthest, closest: () => closest(tokens, catalogue, reach) };
}

/**
 * A form, then any number of qualifiers, covering every token: the final
 * state, or null. `o.furthest` gets the furthest a complete form (and its
 * qualifiers) reached: what was understood, so the rest is what was not.
 */
function matchAll(form: Node, qualifiers: readonly Node[], tokens: readonly Token[], o: MatchOptions, fixes: readonly Fix[] = []): State | null {
  const start = new Map<number, State>([[0, { pos: 0, caps: null as Cap | null, fixes, named: 0 }]]);
  const reached = step(form, tokens, start, o);
  let frontier = reached;
  // Each round moves forward or finds a better reading of a position: at most tokens × qualifiers rounds of work.
  for (let round = 0; frontier.size && qualifiers.length && round <= tokens.length * 2; round++) {
    const next = new Map<number, State>();
    for (const q of qualifiers) for (const s of step(q, tokens, frontier, o).values()) if (s.pos > 0 && add(reached, s)) next.set(s.pos, s);
    frontier = next;
  }
  if (o.furthest) for (const p of reached.keys()) if (p > o.furthest.pos) o.furthest.pos = p;
  return reached.get(tokens.length) ?? null;
}

/**
 * For a scheduled goal: whether a span reads, fully, as a clause of another
 * (non-schedule, non-refusal) intent; and a quoted goal read whole, with
 * why it does not read.
 */
function readers(catalogue: readonly Intent[], o: ReadOptions, depth: number) {
  const others = catalogue.filter((i) => i.name !== "schedule-job" && !i.refusal);
  const memo = new Map<string, boolean>();
  const readSpan = (span: readonly Token[], text: string): boolean => {
    let hit = memo.get(text);
    if (hit === undefined) {
      const r = readClause(span.map((t) => ({ ...t })), others, o, depth + 1);
      hit = r.kind === "read" && r.reading.refs.length === 0;
      memo.set(text, hit);
    }
    return hit;
  };
  const readGoalText = (text: string): string | null => {
    const r = readGoal(text, others, o.facts, depth + 1);
    if (r.kind === "empty") return "it is empty";
    if (r.kind === "too-many") return `it asks ${r.count} things at once`;
    if (r.kind === "miss") return missMessage(r.miss, text, others);
    return null;
  };
  return { readSpan, readGoalText };
}

const commons = new WeakMap<readonly Intent[], Set<string>>();

/** Words too common across intents to say which is closest. */
function common(catalogue: readonly Intent[]): Set<string> {
  const had = commons.get(catalogue);
  if (had) return had;
  const count = new Map<string, number>();
  for (const i of catalogue) for (const w of compile(i).vocabulary) count.set(w, (count.get(w) ?? 0) + 1);
  const limit = Math.max(4, catalogue.length / 6);
  const out = new Set([...count].filter(([, n]) => n > limit).map(([w]) => w));
  commons.set(catalogue, out);
  return out;
}

/** Intents closest to a clause nothing read: how far each got, then the words they share with it. */
function closest(tokens: readonly Token[], catalogue: readonly Intent[], reach: ReadonlyMap<Intent, number>): Intent[] {
  const skip = common(catalogue);
  const words = new Set(tokens.flatMap((t) => [t.lemma, t.fix ?? ""]).filter((w) => w && !skip.has(w)));
  const scored = catalogue
    .filter((i) => !i.refusal)
    .map((i, n) => {
      const v = compile(i).vocabulary;
      const overlap = [...words].filter((w) => v.has(w)).length;
      return { i, n, score: overlap * 2 + (reach.get(i) ?? 0) };
    })
    .filter((s) => s.score >= 2)
    .sort((a, b) => b.score - a.score || a.n - b.n);
  return scored.slice(0, 3).map((s) => s.i);
}

// ---- goals: sentences and clauses ------------------------------------------------

/**
 * Bounds that keep reading a goal a matter of milliseconds whatever it says:
 * a clause longer than this many tokens is not one request, and a goal with
 * more clauses than this is not read (planning runs in PID 1's thread).
 */
export const MAX_CLAUSE_TOKENS = 64;
export const MAX_CLAUSES = 16;
/** "," and "and" in one sentence: each pair of them bounds a clause to try. */
const MAX_CUTS = 24;

const STRONG_PUNCT = new Set([".", ";", "!", "?"]);
const STRONG_WORDS = new Set(["then", "afterwards"]);
const WEAK_WORDS = new Set(["and", "&"]);

const openersOf = new WeakMap<readonly Intent[], Set<string>>();

/** The words a request can start with: the first words of the catalogue's forms (those that start with a word). */
function openers(catalogue: readonly Intent[]): Set<string> {
  let s = openersOf.get(catalogue);
  if (!s) {
    s = new Set();
    for (const i of catalogue) for (const f of compile(i).forms) if (f.first) for (const w of f.first) s.add(w);
    openersOf.set(catalogue, s);
  }
  return s;
}

/** Whether the meaningful word at or after `i` is one a request starts with ("and then restart", ", please show"). */
function opensAt(tokens: readonly Token[], i: number, opens: ReadonlySet<string>): boolean {
  const t = meaningful(tokens.slice(i, i + 6))[0];
  return t !== undefined && t.kind === "word" && (opens.has(t.text) || opens.has(t.lemma));
}

const isWeak = (t: Token) => (t.kind === "punct" && t.text === ",") || (t.kind === "word" && WEAK_WORDS.has(t.text));

/** Token index ranges of sentences, split at . ; ! ? and "then" ("and then", ", then": the joining word goes with it). */
function sentences(tokens: readonly Token[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let from = 0;
  for (let i = 0; i <= tokens.length; i++) {
    const t = tokens[i];
    const strong = t === undefined || (t.kind === "punct" && STRONG_PUNCT.has(t.text)) || (t.kind === "word" && STRONG_WORDS.has(t.text));
    if (!strong) continue;
    let end = i;
    while (end > from && isWeak(tokens[end - 1]!)) end--;
    let start = from;
    while (start < end && isWeak(tokens[start]!)) start++;
    if (end > start) out.push([start, end]);
    from = i + 1;
  }
  return out;
}

/**
 * Reads a whole goal: sentences, then within each the fewest clauses that
 * all read (a dynamic program over the "," and "and" positions, reading
 * each candidate clause once). Without such a split, the clause that does
 * not read is named.
 */
export function readGoal(goal: string, catalogue: readonly Intent[], facts: PlanningFacts, depth = 0): GoalResult | { kind: "empty" } {
  const tokens = lex(goal);
  const parts: Array<{ from: number; to: number }> = [];
  const memo = new Map<number, ClauseResult>();
  const words = new Map<number, Token[]>();
  const key = (from: number, to: number) => from * 4096 + to;
  const mean = (from: number, to: number): Token[] => {
    let m = words.get(key(from, to));
    if (!m) {
      m = meaningful(tokens.slice(from, to));
      words.set(key(from, to), m);
    }
    return m;
  };
  const clause = (from: number, to: number): { result: ClauseResult; mtoks: Token[] } => {
    const mtoks = mean(from, to);
    let result = memo.get(key(from, to));
    if (!result) {
      result = readClause(mtoks, catalogue, { facts, text: goal }, depth);
      memo.set(key(from, to), result);
    }
    return { result, mtoks };
  };
  const readsAt = (from: number, to: number) => clause(from, to).result.kind === "read";

  const all = pleadless(tokens, sentences(tokens), mean);
  if (all.length > MAX_CLAUSES) return { kind: "too-many", count: all.length };
  for (const [n, [s, e]] of all.entries()) {
    const cuts = [s - 1];
    for (let i = s; i < e; i++) if (isWeak(tokens[i]!)) cuts.push(i);
    if (cuts.length - 1 > MAX_CUTS) return { kind: "too-many", count: cuts.length };
    cuts.push(e);
    // Skip clauses with no meaningful token at all ("ok.", "thanks!").
    if (mean(s, e).length === 0) continue;
    // The fewest clauses that all read: a dynamic program over the split points. Tried first
    // with the split points followed by a word that starts a request ("..., show", "and
    // restart") as boundaries, which is one read per part for the usual list of requests;
    // only when that finds nothing is every way of grouping tried.
    const opens = openers(catalogue);
    const forced = cuts.map((c, k) => k > 0 && k < cuts.length - 1 && opensAt(tokens, c + 1, opens));
    const fewest = (respect: boolean) => {
      const best: Array<{ n: number; prev: number } | null> = cuts.map(() => null);
      best[0] = { n: 0, prev: -1 };
      for (let j = 1; j < cuts.length; j++) {
        for (let i = j - 1; i >= 0; i--) {
          const b = best[i];
          if (b && !(best[j] && best[j]!.n <= b.n + 1)) {
            const from = cuts[i]! + 1;
            const to = cuts[j]!;
            if (to > from && to - from <= MAX_CLAUSE_TOKENS && mean(from, to).length > 0 && readsAt(from, to)) best[j] = { n: b.n + 1, prev: i };
          }
          if (respect && forced[i]) break;
        }
      }
      return best;
    };
    const last = cuts.length - 1;
    let best = readsAt(s, e) ? null : fewest(true);
    if (best === null) {
      best = cuts.map(() => null);
      best[0] = { n: 0, prev: -1 };
      best[last] = { n: 1, prev: 0 };
    } else if (!best[last]) best = fewest(false);
    if (best[last]) {
      const chosen: Array<{ from: number; to: number }> = [];
      for (let j = last; j > 0; j = best[j]!.prev) chosen.unshift({ from: cuts[best[j]!.prev]! + 1, to: cuts[j]! });
      parts.push(...chosen);
      continue;
    }
    // No split reads: the longest clauses that do, left to right, then the one that does not.
    let at = 0;
    for (;;) {
      let next = -1;
      for (let j = last; j > at; j--) {
        if (cuts[j]! - cuts[at]! - 1 > MAX_CLAUSE_TOKENS) continue;
        if (readsAt(cuts[at]! + 1, cuts[j]!)) {
          next = j;
          break;
        }
      }
      if (next < 0) break;
      parts.push({ from: cuts[at]! + 1, to: cuts[next]! });
      at = next;
    }
    // The clause named is the rest of the sentence, up to the bound.
    const failing = { from: cuts[at]! + 1, to: Math.min(e, cuts[at]! + 1 + MAX_CLAUSE_TOKENS) };
    // The clauses read so far, this one, and at least one per sentence after it.
    const count = parts.length + 1 + (all.length - n - 1);
    const { result, mtoks } = clause(failing.from, failing.to);
    return { kind: "miss", miss: { text: textOf(goal, tokens, failing.from, failing.to), index: parts.length, count, result: result as GoalMiss["result"], tokens: mtoks } };
  }
  if (parts.length === 0) return { kind: "empty" };
  if (parts.length > MAX_CLAUSES) return { kind: "too-many", count: parts.length };
  const clauses: ClauseReading[] = [];
  for (const [n, p] of parts.entries()) {
    const { result } = clause(p.from, p.to);
    const text = textOf(goal, tokens, p.from, p.to);
    if (result.kind !== "read") return { kind: "miss", miss: { text, index: n, count: parts.length, result, tokens: clause(p.from, p.to).mtoks } };
    clauses.push({ text, start: tokens[p.from]!.start, end: tokens[p.to - 1]!.end, reading: result.reading });
  }
  return { kind: "read", clauses };
}

/**
 * The sentences without the pleas for help around a request ("my disk is
 * almost full, please help", "nginx is down. Help!", "help, the disk is
 * full"): a plea asks for nothing the request does not. A goal that is only
 * a plea keeps it (the knowledge intent answers "help").
 */
function pleadless(tokens: readonly Token[], all: Array<[number, number]>, mean: (from: number, to: number) => Token[]): Array<[number, number]> {
  const trimmed = all.map(([s, e]): [number, number] => [pleaEnd(tokens, s, e), pleaStart(tokens, s, e)]);
  if (!trimmed.some(([s, e]) => e > s && mean(s, e).length > 0)) return all;
  return trimmed.filter(([s, e]) => e > s);
}

/** A clause as written, without the words that join it to the one before ("and", "then"). */
function textOf(goal: string, tokens: readonly Token[], from: number, to: number): string {
  let f = from;
  while (f < to && (tokens[f]!.kind === "punct" || (tokens[f]!.kind === "word" && PREAMBLE_JOINERS.has(tokens[f]!.text)))) f++;
  let t = to;
  while (t > f && tokens[t - 1]!.kind === "punct") t--;
  if (t <= f) return "";
  return goal.slice(tokens[f]!.start, tokens[t - 1]!.end);
}

const PREAMBLE_JOINERS = new Set(["and", "then", "so", "also", "next", "finally"]);

/** Reads one clause on its own (a pronoun resolved into it): its meaningful tokens, one clause, no splitting. */
export function readText(text: string, catalogue: readonly Intent[], facts: PlanningFacts): { result: ClauseResult; tokens: Token[] } {
  const tokens = meaningful(lex(text));
  return { result: readClause(tokens, catalogue, { facts, text }), tokens };
}
