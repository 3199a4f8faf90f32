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
  "being",
  // Emphasis: "I'd really like to know…", "what is actually using the disk".
  "really", "actually"]);

/** Multi-word fillers, anywhere in a clause. */
export const FILLER_PHRASES: ReadonlyArray<readonly string[]> = [
  ["thank", "you"], ["for", "me"], ["for", "us"], ["right", "now"], ["at", "the", "moment"], ["as", "well"], ["if", "you", "can"], ["if", "possible"],
  // "On this machine", "of the server": every request is about this machine. Not "the host" or "the node": the VM's host, or another node, is another machine.
  ...["on", "of", "in", "onto"].flatMap((p) => [
    ...["machine", "system", "box", "server", "host", "computer", "vm", "node", "instance"].map((m) => [p, "this", m]),
    ...["machine", "system", "box", "server", "computer", "vm"].map((m) => [p, "the", m]),
  ]),
  // "On my server" ("my" is a filler): this machine, said without an article.
  ...["on", "onto"].flatMap((p) => ["machine", "box", "server", "vm"].flatMap((m) => [[p, m], [p, "my", m], [p, "our", m]])),
  ["on", "here"], ["onto", "here"], ["over", "here"], ["here"], ["right", "away"], ["straight", "away"], ["real", "quick"], ["as", "soon", "as", "possible"],
  ["when", "you", "can"], ["if", "you", "would"], ["if", "you", "could"], ["in", "advance"], ["when", "you", "get", "a", "chance"], ["when", "you", "have", "a", "moment"],
  ["if", "you", "do", "not", "mind"], ["no", "rush"], ["much", "appreciated"], ["cheers"], ["thank", "you", "so", "much"], ["thanks", "a", "lot"], ["many", "thanks"],
  ["thank", "you", "very", "much"], ["thanks", "very", "much"], ["thanks", "so", "much"],
];

/** Openings of a request, dropped at the start of a clause (longest first). */
export const PREAMBLES: ReadonlyArray<readonly string[]> = [
  ["i", "would", "like", "you", "to"], ["i", "want", "you", "to"], ["i", "need", "you", "to"], ["would", "you", "mind"], ["would", "you", "be", "able", "to"],
  ["i", "would", "like", "to"], ["i", "want", "to"], ["i", "need", "to"], ["i", "wanna"], ["go", "ahead", "and"], ["please", "go", "ahead", "and"],
  ["would", "it", "be", "possible", "to"], ["is", "it", "possible", "to"], ["could", "i", "ask", "you", "to"], ["can", "i", "get", "you", "to"], ["would", "you", "please"], ["do", "you", "mind"],
  ["can", "you", "please"], ["could", "you", "please"], ["can", "you"], ["could", "you"], ["would", "you"], ["will", "you"], ["let", "us"], ["help", "me"],
  ["can", "u"], ["could", "u"], ["would", "u"], ["can", "u", "please"], ["could", "u", "please"], ["yo"],
  ["try", "to"], ["and", "then"], ["then"], ["and"], ["so"], ["ok"], ["okay"], ["hey"], ["hi"], ["next"], ["finally"], ["afterwards"], ["after", "that"], ["aios"],
];

/** Never a name: grammar words, negations, quantities and the catalogue's verbs. */
export const NOT_A_NAME: ReadonlySet<string> = new Set([
  "and", "or", "with", "without", "to", "from", "in", "into", "on", "onto", "at", "for", "of", "by", "as", "but", "not", "no", "never", "if", "whether", "then", "else",
  "it", "them", "this", "that", "these", "those", "is", "are", "be", "was", "do", "does", "did", "all", "every", "everything", "each", "any", "anything",
  // Indefinite pronouns ("is anyone in the sudo group"); "nobody" is an account, so it stays a name.
  "anyone", "anybody", "someone", "somebody", "everyone", "everybody",
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

/**
 * Openings that wrap a question ("tell me", "I was wondering", "do you
 * happen to know", "I'm curious"): dropped before a question word, so the
 * embedded question is read ("tell me how much memory is used"). With the
 * preambles they may come in any order and any number: "could you please
 * let me know which…", "I need to" + "know whether…".
 */
const ASKING: ReadonlyArray<readonly string[]> = [
  ["can", "you", "tell", "me"], ["could", "you", "tell", "me"], ["would", "you", "tell", "me"], ["please", "tell", "me"], ["tell", "me"], ["tell", "us"], ["show", "me"],
  ["let", "me", "know"], ["let", "us", "know"], ["do", "you", "know"], ["do", "you", "happen", "to", "know"], ["would", "you", "happen", "to", "know"], ["does", "anyone", "know"],
  ["any", "idea"], ["do", "you", "have", "any", "idea"], ["have", "you", "any", "idea"], ["i", "wonder"], ["i", "am", "wondering"], ["i", "was", "wondering"],
  ["i", "am", "curious"], ["i", "am", "curious", "to", "know"], ["i", "am", "curious", "to", "see"], ["just", "curious"], ["curious"], ["i", "want", "to", "know"],
  ["i", "would", "like", "to", "know"], ["i", "need", "to", "know"], ["i", "would", "love", "to", "know"], ["i", "am", "trying", "to", "figure", "out"],
  ["i", "am", "trying", "to", "find", "out"], ["i", "am", "trying", "to", "work", "out"], ["i", "am", "trying", "to", "understand"], ["help", "me", "understand"],
  ["out", "of", "curiosity"], ["just", "wondering"], ["quick", "question"], ["question"],
  // After a preamble ("I need to", "can you"): "know what…", "understand why…".
  ["know"], ["understand"],
];
const QUESTION_WORDS: ReadonlySet<string> = new Set(["what", "which", "who", "how", "where", "when", "why", "whether", "if", "is", "are", "does", "do"]);
/** Verbs of asking before a question: dropped before a wh-word ("check how full the disk is"); before "if" they are "check" (`@ask`: "see if nginx is up"). */
const ASKING_WH: ReadonlyArray<readonly string[]> = [["check"], ["show"], ["display"], ["list"], ["find", "out"], ["figure", "out"], ["see"], ["work", "out"], ["look", "up"], ["determine"], ["verify"], ["confirm"]];
export const WH_WORDS: ReadonlySet<string> = new Set(["what", "which", "who", "how", "where", "when", "why"]);
/** The words that open a yes/no question embedded in a request ("let me know if port 22 is open"). */
export const YES_NO: ReadonlySet<string> = new Set(["whether", "if"]);
/** "Let me know" before what is not a question asks to be shown it: "let me know the disk usage", "I'd like to know the hostname". */
const KNOW: ReadonlyArray<readonly string[]> = [["let", "me", "know"], ["let", "us", "know"], ["know"]];
/**
 * A polite request wrapped as a question about the person ("I was
 * wondering if you could restart nginx"): a preamble, not a yes/no question.
 */
const WONDER_IF_YOU: ReadonlyArray<readonly string[]> = ["i wonder", "i am wondering", "i was wondering", "i would be grateful", "i would appreciate it"].flatMap((w) =>
  ["if you could", "if you can", "if you would", "whether you could", "whether you can", "if you would be able to", "if you could please", "if you can please"].map((t) => `${w} ${t}`.split(" ")),
);

/**
 * Pleas for help after a request ("my disk is almost full, please help",
 * "nginx is down, can you help me out?"): they ask for nothing more than the
 * request before them, so the grammar drops them there (`pleaStart`); a goal
 * that is only a plea ("help") is a question the knowledge intent answers.
 */
const PLEAS: ReadonlyArray<readonly string[]> = [
  ...["help", "help me", "help us", "help me out", "help us out", "help me with this", "help me with that", "help me with it", "help me fix it", "help me fix this"].flatMap((h) =>
    ["", "please", "can you", "could you", "would you", "can you please", "could you please", "can someone", "can anyone", "can somebody", "pls", "plz", "i need you to"].map((pre) => `${pre} ${h}`.trim().split(" ")),
  ),
  ["i", "need", "help"], ["need", "help"], ["help", "needed"], ["any", "help"], ["help", "please"], ["any", "ideas"], ["what", "should", "i", "do"], ["what", "do", "i", "do"],
  ["what", "should", "we", "do"], ["what", "do", "we", "do"], ["what", "can", "be", "done"], ["help", "me", "please"], ["sos"], ["what", "can", "i", "do"], ["what", "can", "we", "do"],
  ["what", "now"], ["what", "do", "i", "do", "now"], ["any", "suggestions"], ["suggestions"], ["ideas"], ["how", "do", "i", "fix", "it"], ["how", "do", "i", "fix", "this"],
  ["how", "can", "i", "fix", "it"], ["how", "can", "i", "fix", "this"], ["how", "do", "we", "fix", "it"],
  // Closings that ask nothing: "restart nginx, ok?".
  ["ok"], ["okay"], ["alright"], ["thx"], ["ty"], ["cheers"],
];

const JOINS: ReadonlySet<string> = new Set(["and", "so"]);

/**
 * Where a plea for help ends tokens[from, end) ("…, please help!"): the
 * index its words (and what joins them to the request before: "," "and")
 * start, or `end` when there is none. A bare "help" counts only when set
 * apart ("the disk is full. help", "…, help"), not as a word of the request.
 */
export function pleaStart(tokens: readonly Token[], from: number, end: number): number {
  let e = end;
  while (e > from && tokens[e - 1]!.kind === "punct") e--;
  let best = end;
  for (const p of PLEAS) {
    const s = e - p.length;
    if (s < from || s >= best || !same(tokens, s, p)) continue;
    const before = tokens[s - 1];
    const setApart = s === from || before!.kind === "punct" || (before!.kind === "word" && JOINS.has(before!.text));
    if (setApart || p.length > 1) best = s;
  }
  if (best === end) return end;
  while (best > from && (tokens[best - 1]!.kind === "punct" || (tokens[best - 1]!.kind === "word" && JOINS.has(tokens[best - 1]!.text)))) best--;
  return best;
}

/**
 * Where a plea that opens tokens[from, end) ends ("help, the disk is full",
 * "I need help: nginx is down"): the index after it and what joins it to the
 * request, or `from` when there is none (it must be set apart from the
 * request by punctuation or "and"/"so").
 */
export function pleaEnd(tokens: readonly Token[], from: number, end: number): number {
  let best = from;
  for (const p of PLEAS) {
    const e = from + p.length;
    if (e >= end || e <= best || !same(tokens, from, p)) continue;
    const next = tokens[e]!;
    if (next.kind === "punct" || (next.kind === "word" && JOINS.has(next.text))) best = e;
  }
  if (best === from) return from;
  while (best < end && (tokens[best]!.kind === "punct" || (tokens[best]!.kind === "word" && JOINS.has(tokens[best]!.text)))) best++;
  return best;
}

/** Where `words` end when they are at `i`, fillers between them skipped ("I would really like to", "can you please just"); -1 when they are not. */
function spanOf(tokens: readonly Token[], i: number, words: readonly string[]): number {
  let j = i;
  for (let k = 0; k < words.length; k++) {
    while (k > 0 && tokens[j]?.kind === "word" && FILLERS.has(tokens[j]!.text) && tokens[j]!.text !== words[k]) j++;
    const t = tokens[j];
    if (t?.kind !== "word" || t.text !== words[k]) return -1;
    j++;
  }
  return j;
}

/** The end of the longest phrase of `list` at `i` whose next token (past punctuation) satisfies `next`, or -1. */
function openingEnd(tokens: readonly Token[], i: number, list: Iterable<readonly string[]>, next: (t: Token | undefined) => boolean): number {
  let best = -1;
  for (const p of list) {
    const e = spanOf(tokens, i, p);
    if (e <= best) continue;
    // What follows, past punctuation: "just curious, what time is it".
    let j = e;
    while (tokens[j]?.kind === "punct") j++;
    if (next(tokens[j])) best = e;
  }
  return best;
}

const isWord = (t: Token | undefined, set: ReadonlySet<string>) => t?.kind === "word" && set.has(t.text);
const anything = () => true;

/** A word the grammar reads in place of the words that stand for it ("let me know if" → check if). */
function standIn(text: string, from: Token, to: Token): Token {
  return { kind: "word", raw: text, text, lemma: text, start: from.start, end: to.end };
}

/** The clause's tokens without fillers and punctuation (kept: quoted text and every word that may mean something). */
export function meaningful(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  let i = 0;
  // The opening of a request, possibly several ("ok so can you please", "please find out", "could you let me know"):
  // the longest of a preamble, a question's wrapper before a question, a verb of asking before a wh-word.
  for (;;) {
    // Punctuation and fillers between them ("please find out who…", "so, just tell me…").
    for (;;) {
      const t = tokens[i];
      if (t?.kind === "punct" || (t?.kind === "word" && FILLERS.has(t.text))) i++;
      else break;
    }
    const first = tokens[i];
    if (first?.kind !== "word") break;
    const pre = Math.max(openingEnd(tokens, i, PREAMBLES_BY_FIRST.get(first.text) ?? [], anything), openingEnd(tokens, i, WONDER_IF_YOU, anything));
    const ask = openingEnd(tokens, i, ASKING, (t) => isWord(t, QUESTION_WORDS));
    const wh = openingEnd(tokens, i, ASKING_WH, (t) => isWord(t, WH_WORDS) || isWord(t, YES_NO));
    const know = openingEnd(tokens, i, KNOW, (t) => t !== undefined && !isWord(t, QUESTION_WORDS));
    const end = Math.max(pre, ask, wh, know);
    if (end < 0) break;
    const last = tokens[end - 1]!;
    i = end;
    // A yes/no question inside a request is asked as "check whether…", which the @ask forms and the direct question read.
    if (end !== pre && (end === ask || end === wh)) {
      while (tokens[i]?.kind === "punct") i++;
      if (isWord(tokens[i], YES_NO)) {
        out.push(standIn("check", first, last));
        break;
      }
    }
    if (end === know && end !== pre && end !== ask) {
      out.push(standIn("show", first, last));
      break;
    }
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
