/**
 * A goal as tokens, each with its span in the goal: the first step of
 * reading a sentence so that every word is accounted for. One pass over the
 * text (no regular expression runs over the whole input, only over one
 * bounded chunk at a time), so the cost is linear in the goal's length,
 * which is itself bounded (MAX_GOAL).
 *
 * Normalisation happens here: case (`text` is lower-case, `raw` as
 * written), contractions ("what's" → what is, "don't" → do not, "isn't" →
 * is not), possessives ("nginx's" → nginx 's), typographic quotes and
 * apostrophes, and a lemma for the catalogue's nouns and verbs ("packages"
 * → package, "uses" → use), so the grammar can name one form of a word.
 * Quoted text ('…', "…", `…`) is one token whose value is what the person
 * wrote, untouched.
 */
import { quotedStrings } from "./quotes";

/** Longer goals are refused before reading: a sentence to an operating system is short. */
export const MAX_GOAL = 2000;

export type TokenKind = "word" | "number" | "path" | "url" | "quoted" | "punct" | "flag";

export interface Token {
  kind: TokenKind;
  /** As written (for a contraction's parts, the whole contraction). */
  raw: string;
  /** Lower-cased and normalised ("what's" gives `what` and `is`); a quoted token's inner text as written. */
  text: string;
  /** The catalogue's base form of the word ("packages" → package), else `text`. */
  lemma: string;
  start: number;
  end: number;
  /** For quoted tokens: the quote character used. */
  quote?: "'" | '"' | "`";
  /** Set by the grammar: the one vocabulary word this (unknown) word is a typo of. */
  fix?: string;
}

const CONTRACTIONS: Record<string, string[]> = {
  "what's": ["what", "is"], "whats": ["what", "is"], "that's": ["that", "is"], "there's": ["there", "is"], "here's": ["here", "is"],
  "who's": ["who", "is"], "whos": ["who", "is"], "where's": ["where", "is"], "how's": ["how", "is"], "it's": ["it", "is"], "he's": ["he", "is"], "she's": ["she", "is"],
  "let's": ["let", "us"], "i'm": ["i", "am"], "i've": ["i", "have"], "i'd": ["i", "would"], "i'll": ["i", "will"],
  "you're": ["you", "are"], "we're": ["we", "are"], "they're": ["they", "are"], "we've": ["we", "have"], "you've": ["you", "have"],
  "isn't": ["is", "not"], "isnt": ["is", "not"], "aren't": ["are", "not"], "arent": ["are", "not"], "wasn't": ["was", "not"], "weren't": ["were", "not"],
  "don't": ["do", "not"], "dont": ["do", "not"], "doesn't": ["does", "not"], "doesnt": ["does", "not"], "didn't": ["did", "not"], "didnt": ["did", "not"],
  "can't": ["can", "not"], "cant": ["can", "not"], "cannot": ["can", "not"], "won't": ["will", "not"], "wouldn't": ["would", "not"],
  "shouldn't": ["should", "not"], "couldn't": ["could", "not"], "haven't": ["have", "not"], "hasn't": ["has", "not"], "hadn't": ["had", "not"],
  "mustn't": ["must", "not"], "needn't": ["need", "not"], "ain't": ["is", "not"],
};

/**
 * Nouns and verbs the catalogue names in one form; their other forms get it
 * as lemma. Only these: a name the person gives (a package, a user) is never
 * changed, since `text` is what slots capture.
 */
const NOUNS = [
  "package", "service", "daemon", "user", "account", "group", "port", "process", "file", "directory", "folder", "dir", "log", "job", "rule", "interface",
  "address", "connection", "session", "change", "entry", "policy", "copy", "generation", "line", "record", "day", "week", "month", "hour", "minute", "second",
  "update", "error", "warning", "program", "application", "app", "task", "cpu", "disk", "drive", "partition", "filesystem", "mount", "setting", "permission",
  "right", "privilege", "consumer", "hog", "resource", "server", "machine", "system", "computer", "host", "zone", "ip", "route", "gateway", "cron", "schedule",
  "watch", "check", "detail", "version", "kernel", "byte", "megabyte", "gigabyte", "kilobyte", "header", "domain", "name", "website", "site", "config",
  "configuration", "content", "permission", "mode", "signal", "pid", "call", "goal", "step", "action", "thing", "node", "cache", "debs", "deb", "repository",
  "repo", "index", "list", "modification", "event", "tool", "doc", "document", "time", "timezone", "timer", "restart", "failure", "crash", "socket", "listener",
  "firewall", "nic", "card", "device", "sample", "percent", "top", "offender", "space", "temp", "audit", "ledger", "trail", "history", "backup", "limit", "size",
];
const VERBS = [
  "install", "remove", "start", "stop", "restart", "use", "eat", "take", "run", "show", "list", "tell", "give", "make", "keep", "need", "want", "consume",
  "hog", "listen", "open", "close", "block", "allow", "rotate", "exist", "work", "change", "lock", "unlock", "add", "delete", "create", "kill", "crash",
  "fail", "die", "set", "get", "check", "look", "mean", "do", "resolve", "belong", "reach", "answer", "respond", "contain", "occupy", "fill",
];

function plurals(noun: string): string[] {
  if (/(s|x|ch|sh)$/.test(noun)) return [`${noun}es`];
  if (/[^aeiou]y$/.test(noun)) return [`${noun.slice(0, -1)}ies`];
  return [`${noun}s`];
}

const LEMMA = new Map<string, string>();
for (const n of NOUNS) for (const p of plurals(n)) LEMMA.set(p, n);
for (const v of VERBS) for (const p of plurals(v)) if (!LEMMA.has(p)) LEMMA.set(p, v);
LEMMA.set("addresses", "address").set("processes", "process").set("caches", "cache").set("boxes", "box").set("statuses", "status");
LEMMA.set("children", "child").set("people", "person").set("dirs", "dir");

export function lemmaOf(word: string): string {
  return LEMMA.get(word) ?? word;
}

/** Punctuation a chunk may end or start with: it is a token of its own. */
const TRAILING = new Set([",", ".", ";", ":", "!", "?", ")", "]"]);
const LEADING = new Set(["(", "["]);

function token(kind: TokenKind, raw: string, text: string, start: number, end: number): Token {
  return { kind, raw, text, lemma: kind === "word" ? lemmaOf(text) : text, start, end };
}

/** What kind of token a chunk (no spaces, outer punctuation taken off) is. */
function kindOf(chunk: string): TokenKind {
  const lower = chunk.toLowerCase();
  if (lower.startsWith("http://") || lower.startsWith("https://")) return "url";
  if (chunk.startsWith("/")) return "path";
  if (/^\d+$/.test(chunk)) return "number";
  if (/^--?[A-Za-z0-9][A-Za-z0-9-]*$/.test(chunk)) return "flag";
  return "word";
}

/** One whitespace-separated chunk as tokens: outer punctuation split off, contractions and possessives expanded. */
function chunkTokens(chunk: string, at: number, out: Token[]): void {
  let s = 0;
  let e = chunk.length;
  const lead: Token[] = [];
  while (s < e && LEADING.has(chunk[s]!)) {
    lead.push(token("punct", chunk[s]!, chunk[s]!, at + s, at + s + 1));
    s++;
  }
  const trail: Token[] = [];
  // A path or URL keeps a final "/" and inner dots; a trailing "." "," ")" after it is punctuation.
  while (e > s && TRAILING.has(chunk[e - 1]!)) {
    // "..." or "?!" are still punctuation; "e.g." style words are rare enough to split.
    trail.unshift(token("punct", chunk[e - 1]!, chunk[e - 1]!, at + e - 1, at + e));
    e--;
  }
  out.push(...lead);
  if (e > s) {
    const raw = chunk.slice(s, e);
    const lower = raw.toLowerCase();
    const start = at + s;
    const end = at + e;
    const expanded = CONTRACTIONS[lower];
    if (expanded) {
      for (const w of expanded) out.push(token("word", raw, w, start, end));
    } else if (/^[a-z0-9][a-z0-9._+-]*'s$/.test(lower) && kindOf(raw) === "word") {
      // nginx's → nginx 's (the possessive is a filler the grammar drops).
      out.push(token("word", raw.slice(0, -2), lower.slice(0, -2), start, end - 2), token("word", "'s", "'s", end - 2, end));
    } else {
      const kind = kindOf(raw);
      out.push(token(kind, raw, kind === "path" || kind === "url" ? raw : lower, start, end));
    }
  }
  out.push(...trail);
}

/**
 * The goal's tokens. Quoted spans become one `quoted` token each; the rest
 * is split on whitespace. Typographic apostrophes are read as "'".
 */
export function lex(goal: string): Token[] {
  if (goal.length > MAX_GOAL) throw new RangeError(`the goal is ${goal.length} characters long; at most ${MAX_GOAL} are read`);
  const text = goal.replace(/[\u2018\u2019\u02bc]/g, (c, i: number) => (isQuoteChar(goal, i) ? c : "'"));
  const quoted = quotedStrings(text);
  const out: Token[] = [];
  let i = 0;
  let q = 0;
  while (i < text.length) {
    const next = quoted[q];
    if (next && next.start === i) {
      out.push({ kind: "quoted", raw: text.slice(next.start, next.end), text: next.text, lemma: next.text, start: next.start, end: next.end, quote: next.quote });
      i = next.end;
      q++;
      continue;
    }
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    let j = i;
    const stop = next ? next.start : text.length;
    while (j < stop && !/\s/.test(text[j]!)) j++;
    chunkTokens(text.slice(i, j), i, out);
    i = j;
  }
  return out;
}

/** A typographic single quote that opens or closes a quoted span (not an apostrophe inside a word). */
function isQuoteChar(s: string, i: number): boolean {
  const before = i === 0 ? " " : s[i - 1]!;
  const after = i + 1 >= s.length ? " " : s[i + 1]!;
  return /[\s(:=,]/.test(before) || /[\s),.;:!?]/.test(after);
}

/** The goal's text between two token indexes, as written. */
export function spanText(goal: string, tokens: readonly Token[], from: number, to: number): string {
  if (from >= to) return "";
  return goal.slice(tokens[from]!.start, tokens[to - 1]!.end);
}
