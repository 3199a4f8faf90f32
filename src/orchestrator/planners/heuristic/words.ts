/**
 * The closed lists of words the grammar treats specially:
 *
 * - FILLERS carry no meaning for a plan (articles, politeness, "for me",
 *   "now", "my", the possessive 's). They are dropped before matching, so an
 *   intent never has to name them; everything else in a clause must be
 *   consumed by an intent or the clause is refused. The list is short on
 *   purpose: a word that could change what is done (not, all, only, except,
 *   without, keep...) is never a filler.
 * - PREAMBLES open a request ("can you", "I want to", "please go ahead
 *   and") and are dropped at the start of a clause only.
 * - NOT_A_NAME: words that a name slot (package, service, user...) never
 *   takes, so "stop nginx and restart redis" is not a list of three
 *   services, and "remove it all" is not a package called "all".
 *
 * And typos: a word within Damerau–Levenshtein distance 1 of exactly one
 * vocabulary word of length ≥ 5 (or, for a four-letter word, two adjacent
 * letters swapped: "shwo", "lsit") may be read as that word where the
 * grammar expects that literal word (never inside a name).
 */
import type { Token } from "./lex";

/** Single-word fillers. */
export const FILLERS: ReadonlySet<string> = new Set(["a", "an", "the", "please", "pls", "plz", "kindly", "thanks", "my", "our", "'s", "now", "currently", "current", "just", "also", "too", "again", "some", "quickly", "asap",
  // The progressive passive says nothing a plan needs: "how much memory is being used" is "how much memory is used".
  "being"]);

/** Multi-word fillers, anywhere in a clause. */
export const FILLER_PHRASES: ReadonlyArray<readonly string[]> = [
  ["thank", "you"], ["for", "me"], ["for", "us"], ["right", "now"], ["at", "the", "moment"], ["as", "well"], ["if", "you", "can"], ["if", "possible"],
  ["on", "this", "machine"], ["on", "this", "system"], ["on", "this", "box"], ["on", "this", "server"], ["on", "this", "host"], ["on", "the", "system"],
  ["on", "the", "machine"], ["on", "the", "server"], ["of", "this", "machine"], ["of", "this", "system"], ["of", "the", "system"], ["of", "the", "machine"],
  ["in", "this", "machine"], ["in", "this", "system"], ["here"], ["right", "away"], ["straight", "away"], ["real", "quick"], ["as", "soon", "as", "possible"],
  ["when", "you", "can"], ["if", "you", "would"], ["if", "you", "could"],
];

/** Openings of a request, dropped at the start of a clause (longest first). */
export const PREAMBLES: ReadonlyArray<readonly string[]> = [
  ["i", "would", "like", "you", "to"], ["i", "want", "you", "to"], ["i", "need", "you", "to"], ["would", "you", "mind"], ["would", "you", "be", "able", "to"],
  ["i", "would", "like", "to"], ["i", "want", "to"], ["i", "need", "to"], ["i", "wanna"], ["go", "ahead", "and"], ["please", "go", "ahead", "and"],
  ["would", "it", "be", "possible", "to"], ["is", "it", "possible", "to"], ["could", "i", "ask", "you", "to"], ["can", "i", "get", "you", "to"], ["would", "you", "please"], ["do", "you", "mind"],
  ["can", "you", "please"], ["could", "you", "please"], ["can", "you"], ["could", "you"], ["would", "you"], ["will", "you"], ["let", "us"], ["help", "me"],
  ["try", "to"], ["and", "then"], ["then"], ["and"], ["so"], ["ok"], ["okay"], ["hey"], ["hi"], ["next"], ["finally"], ["afterwards"], ["after", "that"], ["aios"],
];

/** Never a name: grammar words, negations, quantities and the catalogue's verbs. */
export const NOT_A_NAME: ReadonlySet<string> = new Set([
  "and", "or", "with", "without", "to", "from", "in", "into", "on", "onto", "at", "for", "of", "by", "as", "but", "not", "no", "never", "if", "then", "else",
  "it", "them", "this", "that", "these", "those", "is", "are", "be", "was", "do", "does", "did", "all", "every", "everything", "each", "any", "anything",
  "only", "except", "unless", "keep", "keeping", "please", "me", "us", "i", "you", "we", "they", "he", "she", "so", "too", "also", "up", "down", "off",
  "install", "remove", "uninstall", "purge", "delete", "start", "stop", "restart", "reload", "enable", "disable", "show", "list", "check", "create", "add",
  "kill", "open", "close", "block", "allow", "set", "make", "run", "get", "give", "what", "which", "who", "how", "why", "where", "when", "its", "their",
  "his", "her", "s", "'s", "now", "again", "still", "already", "yet", "ever", "completely", "entirely", "fully", "automatically", "always", "anymore",
  // Times: "restart nginx tomorrow" names no service called tomorrow.
  "today", "tomorrow", "yesterday", "tonight", "later", "soon", "morning", "evening", "night", "noon", "midnight", "daily", "hourly", "weekly", "monthly",
  "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "every", "once", "twice",
  // States and sizes said of things, not their names: "show all running processes".
  "running", "stopped", "active", "inactive", "failed", "failing", "enabled", "disabled", "installed", "available", "closed", "listening", "current",
  "new", "old", "big", "bigger", "biggest", "large", "larger", "largest", "top", "first", "last", "recent", "latest", "whole", "entire", "after", "before", "while", "until", "when", "whenever", "because", "other", "another", "more", "most", "less",
]);

/** Pronouns that stand for the previous clause's object. */
export const PRONOUNS: ReadonlySet<string> = new Set(["it", "them", "this", "that", "him", "her", "these", "those", "its", "their", "his"]);

function same(a: readonly Token[], at: number, words: readonly string[]): boolean {
  if (at + words.length > a.length) return false;
  for (let k = 0; k < words.length; k++) {
    const t = a[at + k]!;
    if (t.kind !== "word" || t.text !== words[k]) return false;
  }
  return true;
}

/** Phrases by their first word, so a token is looked up once, not against every phrase. */
function byFirst(phrases: ReadonlyArray<readonly string[]>): Map<string, Array<readonly string[]>> {
  const m = new Map<string, Array<readonly string[]>>();
  for (const p of [...phrases].sort((a, b) => b.length - a.length)) {
    const list = m.get(p[0]!) ?? [];
    list.push(p);
    m.set(p[0]!, list);
  }
  return m;
}

const PREAMBLES_BY_FIRST = byFirst(PREAMBLES);
const FILLER_PHRASES_BY_FIRST = byFirst(FILLER_PHRASES);

/** The longest phrase of `index` at `i`, or undefined. */
function phraseAt(tokens: readonly Token[], i: number, index: ReadonlyMap<string, Array<readonly string[]>>): readonly string[] | undefined {
  const t = tokens[i];
  if (t?.kind !== "word") return undefined;
  return index.get(t.text)?.find((p) => same(tokens, i, p));
}

/** "Tell me", "do you know"... before a question are the question's opening: "tell me how much memory is used". */
const ASKING: ReadonlyArray<readonly string[]> = [["can", "you", "tell", "me"], ["could", "you", "tell", "me"], ["tell", "me"], ["show", "me"], ["let", "me", "know"], ["do", "you", "know"], ["i", "wonder"], ["i", "want", "to", "know"], ["i", "would", "like", "to", "know"], ["please", "tell", "me"]];
const QUESTION_WORDS: ReadonlySet<string> = new Set(["what", "which", "who", "how", "where", "when", "why", "whether", "if", "is", "are", "does", "do"]);
/** Verbs that open a question only before a wh-word ("check how full the disk is"); before "if" they are the request's own (`@ask`). */
const ASKING_WH: ReadonlyArray<readonly string[]> = [["check"], ["find", "out"], ["figure", "out"], ["see"], ["work", "out"]];
export const WH_WORDS: ReadonlySet<string> = new Set(["what", "which", "who", "how", "where", "when", "why"]);

/** The clause's tokens without fillers and punctuation (kept: quoted text and every word that may mean something). */
export function meaningful(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  let i = 0;
  for (const p of ASKING) {
    const next = tokens[i + p.length];
    if (same(tokens, i, p) && next?.kind === "word" && QUESTION_WORDS.has(next.text)) {
      i += p.length;
      break;
    }
  }
  for (const p of ASKING_WH) {
    const next = tokens[i + p.length];
    if (same(tokens, i, p) && next?.kind === "word" && WH_WORDS.has(next.text)) {
      i += p.length;
      break;
    }
  }
  // The opening of a request, possibly several ("ok so can you please").
  for (let again = true; again; ) {
    again = false;
    const p = phraseAt(tokens, i, PREAMBLES_BY_FIRST);
    if (p) {
      i += p.length;
      again = true;
    }
    while (i < tokens.length && tokens[i]!.kind === "punct") i++;
  }
  outer: while (i < tokens.length) {
    const t = tokens[i]!;
    if (t.kind === "punct") {
      i++;
      continue;
    }
    if (t.kind === "word") {
      const p = phraseAt(tokens, i, FILLER_PHRASES_BY_FIRST);
      if (p) {
        i += p.length;
        continue outer;
      }
      if (FILLERS.has(t.text)) {
        i++;
        continue;
      }
    }
    out.push(t);
    i++;
  }
  return out;
}

/** Damerau–Levenshtein distance, capped: returns max+1 as soon as it is exceeded. Two rows and the one before. */
export function editDistance(a: string, b: string, max = 1): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur.push(d);
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/** The minimum length of a vocabulary word a typo may be read as: short words are too close to each other. */
export const TYPO_MIN_LENGTH = 5;

/**
 * Typo reading: for each vocabulary word of length ≥ TYPO_MIN_LENGTH, the
 * unknown words within distance 1 of it; for an unknown four-letter word,
 * also the four-letter vocabulary words it is with two adjacent letters
 * swapped (the commonest slip on a short word: "shwo", "lsit", "sotp"; any
 * other edit of a four-letter word reaches too many words to be read). A
 * word with exactly one candidate in all gets it as `fix`; with two or more
 * (a tie) it gets none.
 */
export class Vocabulary {
  private readonly words: Set<string>;
  private readonly long: string[];
  private readonly cache = new Map<string, string | null>();

  constructor(words: Iterable<string>) {
    this.words = new Set(words);
    this.long = [...this.words].filter((w) => w.length >= TYPO_MIN_LENGTH && /^[a-z]+$/.test(w));
  }

  has(word: string): boolean {
    return this.words.has(word);
  }

  /** The one vocabulary word `word` is a typo of, or null (known, ambiguous, or nothing close). */
  fixOf(word: string): string | null {
    if (this.words.has(word) || word.length < TYPO_MIN_LENGTH - 1 || !/^[a-z]+$/.test(word)) return null;
    const hit = this.cache.get(word);
    if (hit !== undefined) return hit;
    let found: string | null = null;
    let count = 0;
    for (const w of this.long) {
      if (Math.abs(w.length - word.length) > 1) continue;
      if (editDistance(word, w) <= 1) {
        found = w;
        if (++count > 1) break;
      }
    }
    if (word.length === TYPO_MIN_LENGTH - 1) {
      for (let i = 0; i + 1 < word.length && count <= 1; i++) {
        const swapped = word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
        if (swapped !== word && swapped !== found && this.words.has(swapped)) {
          found = swapped;
          count++;
        }
      }
    }
    const fix = count === 1 ? found : null;
    if (this.cache.size > 5000) this.cache.clear();
    this.cache.set(word, fix);
    return fix;
  }
}
