/**
 * A compound goal as clauses: "install nginx and configure it as a reverse
 * proxy" is two, "install nginx and curl" is one. Sentence ends, `;` and
 * "then" always separate; a comma or "and" separates only when what follows
 * starts with a verb the catalogue knows (so lists of names, "disk and
 * memory usage", "ports 80 and 443" stay whole). Quoted text is never split.
 * Politeness ("please", "can you") is dropped. Pronouns are resolved later,
 * clause by clause, once the previous clause's object is known.
 */
import { maskQuotes, quotedStrings } from "./quotes";

/** Words a clause may start with: the verbs of the catalogue's intents and their usual companions. */
export const VERBS: ReadonlySet<string> = new Set([
  "add", "append", "apt", "apt-get", "are", "bring", "change", "check", "clean", "cleanup", "clear", "configure", "create", "delete", "deploy",
  "disable", "display", "do", "does", "drop", "edit", "enable", "ensure", "erase", "expose", "free", "get", "give", "how", "install", "is",
  "keep", "kill", "launch", "list", "make", "modify", "monitor", "open", "print", "proxy", "purge", "put", "reclaim", "reload", "remove",
  "report", "restart", "run", "save", "schedule", "serve", "set", "setup", "show", "start", "stop", "tell", "test", "uninstall", "update",
  "verify", "view", "watch", "what", "whats", "what's", "which", "write",
]);

const POLITE = /^(?:(?:please|kindly|now|also|then|and|so|next|finally|afterwards|after that|can you|could you|would you|will you|i want you to|i'd like you to|i would like you to|i need you to|i want to|i'd like to|i need to|let's|lets)\b[\s,]*)+/i;

/** Strong separators always split; weak ones (comma, "and") only before a verb. */
const SEPARATORS = /(\s*;\s*|\.\s+|,?\s+(?:and\s+)?then\s+|,?\s+and\s+afterwards\s+|,?\s+after\s+that\s+|,\s*and\s+|,\s*|\s+and\s+)/gi;

function isStrong(sep: string): boolean {
  return /;|\.|then|after/i.test(sep);
}

/** Drops politeness and trailing punctuation. */
export function tidy(clause: string): string {
  return clause.replace(POLITE, "").replace(/[\s.!?;,]+$/, "").trim();
}

function startsWithVerb(clause: string): boolean {
  const first = tidy(clause).split(/\s+/)[0]?.toLowerCase() ?? "";
  return VERBS.has(first);
}

export function splitClauses(goal: string): string[] {
  const text = goal.trim().replace(/\s+/g, " ");
  const seps = [...maskQuotes(text, quotedStrings(text)).matchAll(SEPARATORS)];
  const out: string[] = [];
  let last = 0;
  for (let i = 0; i <= seps.length; i++) {
    const m = seps[i];
    const piece = text.slice(last, m?.index ?? text.length);
    const before = seps[i - 1]?.[0];
    // A weak separator is put back when what follows does not start a new action.
    if (before !== undefined && !isStrong(before) && out.length > 0 && !startsWithVerb(piece)) out[out.length - 1] += before + piece;
    else out.push(piece);
    if (m) last = m.index + m[0].length;
  }
  return out.map(tidy).filter((c) => c.length > 0);
}

/** Pronouns that stand for the previous clause's object. */
const PRONOUNS = /\b(it|them|this|that one)\b/gi;

/**
 * Puts the previous clause's object in place of a pronoun outside quotes:
 * "configure it as a reverse proxy" → "configure nginx as a reverse proxy".
 * Returns null when there is a pronoun and nothing it can stand for.
 */
export function resolvePronouns(clause: string, previous: string | undefined): string | null {
  const quoted = quotedStrings(clause);
  const masked = maskQuotes(clause, quoted);
  let out = "";
  let last = 0;
  for (const m of masked.matchAll(PRONOUNS)) {
    // "is it running", "make it" → object; "that" alone is too often a conjunction to count.
    if (previous === undefined) return null;
    out += clause.slice(last, m.index) + previous;
    last = m.index + m[0].length;
  }
  return out + clause.slice(last);
}
