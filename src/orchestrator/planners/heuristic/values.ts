/**
 * Slots for values: numbers, counts, pids, sizes ("10M", "50 MB"), ages and
 * delays ("3 days", "an hour"), time zones, signals, modes, file names,
 * quoted text and commands, configuration keys and values, call ids, the
 * rest of a clause, schedules in words, and a goal to schedule (another
 * clause the catalogue reads). Each reads only what it names.
 */
import type { Token } from "./lex";
import type { SlotEnv, SlotMatch, SlotType } from "./pattern";
import { parseSchedule } from "./when";
import { NOT_A_NAME } from "./words";

export function integer(t: Token | undefined): number | null {
  if (!t || t.text.length > 10) return null;
  if (t.kind === "number") return Number(t.text);
  // "#3": goal #3, job #3.
  return t.kind === "word" && /^#\d{1,9}$/.test(t.text) ? Number(t.text.slice(1)) : null;
}

const NUMBER_WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12, fifteen: 15, twenty: 20, thirty: 30, fifty: 50, hundred: 100 };

function count(t: Token | undefined): number | null {
  const n = integer(t);
  if (n !== null) return n;
  return t?.kind === "word" ? (NUMBER_WORDS[t.text] ?? null) : null;
}

const SIZE_UNITS: Record<string, number> = {
  b: 1, byte: 1, bytes: 1,
  k: 1024, kb: 1024, kib: 1024, kilobyte: 1024, kilobytes: 1024,
  m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, meg: 1024 ** 2, megs: 1024 ** 2, megabyte: 1024 ** 2, megabytes: 1024 ** 2,
  g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3, gig: 1024 ** 3, gigs: 1024 ** 3, gigabyte: 1024 ** 3, gigabytes: 1024 ** 3,
  t: 1024 ** 4, tb: 1024 ** 4, tib: 1024 ** 4, terabyte: 1024 ** 4, terabytes: 1024 ** 4,
};

/** 10M, 1.5GiB, "500 MB", "2 gigabytes": bytes. */
const size: SlotType = (tokens, pos) => {
  const t = tokens[pos];
  if (!t) return [];
  const glued = /^(\d{1,9}(?:\.\d{1,3})?)([a-z]+)$/.exec(t.text);
  if (glued && SIZE_UNITS[glued[2]!]) return [{ end: pos + 1, value: Math.round(Number(glued[1]) * SIZE_UNITS[glued[2]!]!) }];
  const n = /^\d{1,9}(?:\.\d{1,3})?$/.test(t.text) ? Number(t.text) : null;
  const unit = tokens[pos + 1];
  if (n !== null && unit?.kind === "word" && SIZE_UNITS[unit.text]) return [{ end: pos + 2, value: Math.round(n * SIZE_UNITS[unit.text]!) }];
  return [];
};

const DAY_UNITS: Record<string, number> = { day: 1, d: 1, week: 7, w: 7, month: 30, year: 365 };
const SECOND_UNITS: Record<string, number> = { second: 1, sec: 1, secs: 1, s: 1, minute: 60, min: 60, mins: 60, m: 60, hour: 3600, hr: 3600, hrs: 3600, h: 3600 };

/** "3 days", "2 weeks", "week" (the article was a filler: "a week"), "7d": a number of days, or seconds. */
function duration(units: Record<string, number>): SlotType {
  return (tokens, pos) => {
    const t = tokens[pos];
    if (!t) return [];
    const glued = /^(\d{1,5})([a-z]+)$/.exec(t.text);
    if (glued && units[glued[2]!] !== undefined && t.kind === "word") return [{ end: pos + 1, value: Number(glued[1]) * units[glued[2]!]! }];
    const n = count(t);
    const unit = tokens[pos + 1];
    if (n !== null && unit?.kind === "word" && units[unit.lemma] !== undefined) return [{ end: pos + 2, value: n * units[unit.lemma]! }];
    if (t.kind === "word" && units[t.lemma] !== undefined && t.lemma.length > 1 && t.text === t.lemma) return [{ end: pos + 1, value: units[t.lemma]! }];
    return [];
  };
}

/** An IANA time zone name as written: Europe/Berlin, America/New_York, UTC, Etc/GMT+2. */
const ZONE = /^(?:[A-Za-z][A-Za-z_+-]{0,30}(?:\/[A-Za-z0-9_+-]{1,30}){1,2}|UTC|GMT|utc|gmt|Zulu)$/;

function zoneName(raw: string): string {
  if (/^(utc|gmt)$/i.test(raw)) return raw.toUpperCase();
  // All lower-case ("europe/berlin"): each part capitalised, as zoneinfo names are; the tool checks the result exists.
  if (raw === raw.toLowerCase()) return raw.split("/").map((p) => p.split("_").map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : w)).join("_")).join("/");
  return raw;
}

const SIGNALS = new Set(["HUP", "INT", "QUIT", "KILL", "TERM", "USR1", "USR2", "STOP", "CONT", "TSTP", "ALRM", "WINCH"]);
const SIGNAL_NUMBERS: Record<string, string> = { "1": "SIGHUP", "2": "SIGINT", "3": "SIGQUIT", "9": "SIGKILL", "15": "SIGTERM", "10": "SIGUSR1", "12": "SIGUSR2", "18": "SIGCONT", "19": "SIGSTOP" };

function signalName(text: string): string | null {
  const s = text.replace(/^-/, "").toUpperCase();
  if (SIGNAL_NUMBERS[s]) return SIGNAL_NUMBERS[s]!;
  const bare = s.startsWith("SIG") ? s.slice(3) : s;
  return SIGNALS.has(bare) ? `SIG${bare}` : null;
}

/** The goal text a span of tokens covers (as written). */
function rawSpan(env: SlotEnv, tokens: readonly Token[], from: number, to: number): string {
  const goal = env.goal as string | undefined;
  if (goal === undefined) return tokens.slice(from, to).map((t) => t.raw).join(" ");
  return goal.slice(tokens[from]!.start, tokens[to - 1]!.end);
}

/** A scheduled goal's reader, given by the grammar: does this span read as a clause of another intent? */
export type SpanReader = (tokens: readonly Token[], text: string) => boolean;
/** Reads a quoted goal whole: null when it reads, else why not. */
export type GoalChecker = (text: string) => string | null;

/** A goal to schedule: its text, and why it does not read (for a quoted one, which is taken whatever it says, to be refused with the reason). */
export interface GoalValue {
  text: string;
  problem?: string;
}

export const VALUE_SLOTS: Record<string, SlotType> = {
  number: (tokens, pos) => {
    const n = integer(tokens[pos]);
    return n === null ? [] : [{ end: pos + 1, value: n }];
  },
  count: (tokens, pos) => {
    const n = count(tokens[pos]);
    return n === null || n < 1 ? [] : [{ end: pos + 1, value: n }];
  },
  pid: (tokens, pos) => {
    const n = integer(tokens[pos]);
    return n === null || n < 1 || n > 4_194_304 ? [] : [{ end: pos + 1, value: n }];
  },
  size,
  /** A number of days. */
  days: duration(DAY_UNITS),
  /** A number of seconds. */
  seconds: duration(SECOND_UNITS),
  zone: (tokens, pos) => {
    const t = tokens[pos];
    return t?.kind === "word" && ZONE.test(t.raw) ? [{ end: pos + 1, value: zoneName(t.raw) }] : [];
  },
  signal: (tokens, pos) => {
    const t = tokens[pos];
    const s = t && (t.kind === "word" || t.kind === "flag" || t.kind === "number") ? signalName(t.text) : null;
    return s ? [{ end: pos + 1, value: s }] : [];
  },
  /** A permission mode: 644, 0750, or symbolic u+x, go-w, a=r. */
  mode: (tokens, pos) => {
    const t = tokens[pos];
    if (!t || (t.kind !== "number" && t.kind !== "word")) return [];
    if (/^[0-7]{3,4}$/.test(t.text)) return [{ end: pos + 1, value: t.text.padStart(4, "0") }];
    return /^[ugoa]*[+=-][rwxst]+$/.test(t.text) ? [{ end: pos + 1, value: t.text }] : [];
  },
  /** A file name or glob: nginx.conf, *.log, 'access.*'. */
  filename: (tokens, pos) => {
    const t = tokens[pos];
    if (!t || !(t.kind === "word" || (t.kind === "quoted" && t.quote !== "`"))) return [];
    const text = t.kind === "word" ? t.raw : t.text;
    if (!/^[A-Za-z0-9._*?+@[\]-]{1,255}$/.test(text) || NOT_A_NAME.has(text.toLowerCase()) || !/[.*?]/.test(text)) return [];
    // ".log files": files ending in .log.
    return [{ end: pos + 1, value: /^\.[A-Za-z0-9]+$/.test(text) ? `*${text}` : text }];
  },
  /** Quoted text ('…' or "…"): content, a goal. */
  quoted: (tokens, pos) => {
    const t = tokens[pos];
    return t?.kind === "quoted" && t.quote !== "`" ? [{ end: pos + 1, value: t.text }] : [];
  },
  /** A command in backquotes. */
  command: (tokens, pos) => {
    const t = tokens[pos];
    return t?.kind === "quoted" && t.quote === "`" ? [{ end: pos + 1, value: t.text }] : [];
  },
  /** A configuration key as written (case kept): worker_processes, PermitRootLogin. */
  key: (tokens, pos) => {
    const t = tokens[pos];
    return t?.kind === "word" && /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/.test(t.raw) && !NOT_A_NAME.has(t.text) ? [{ end: pos + 1, value: t.raw }] : [];
  },
  /** A value as written: a quoted string or one word (case kept). */
  value: (tokens, pos) => {
    const t = tokens[pos];
    if (!t) return [];
    if (t.kind === "quoted" && t.quote !== "`") return [{ end: pos + 1, value: t.text }];
    return t.kind === "word" || t.kind === "number" || t.kind === "url" ? [{ end: pos + 1, value: t.kind === "word" ? t.raw : t.text }] : [];
  },
  /** key=value in one token. */
  keyvalue: (tokens, pos) => {
    const t = tokens[pos];
    const m = t?.kind === "word" ? /^([A-Za-z_][A-Za-z0-9_.-]{0,127})=(.+)$/.exec(t.raw) : null;
    return m ? [{ end: pos + 1, value: { key: m[1], value: m[2] } }] : [];
  },
  callid: (tokens, pos) => {
    const t = tokens[pos];
    return t?.kind === "word" && /^c\d{1,12}$/.test(t.text) ? [{ end: pos + 1, value: t.text }] : [];
  },
  /** The rest of the clause, as written (a question for the knowledge base). */
  text: (tokens, pos, env) => {
    const out: SlotMatch[] = [];
    for (let end = pos + 1; end <= tokens.length; end++) out.push({ end, value: rawSpan(env, tokens, pos, end) });
    return out;
  },
  /** Words of a schedule ("every day at 3am", "hourly", `cron "0 4 * * *"`), as parseSchedule reads them. */
  schedule: (tokens, pos, env) => {
    const out: SlotMatch[] = [];
    for (let end = pos + 1; end <= Math.min(tokens.length, pos + 8); end++) {
      const text = rawSpan(env, tokens, pos, end);
      const s = parseSchedule(text);
      if (!s || !covers(text, s.spans)) continue;
      out.push({ end, value: s.problem ? { cron: s.cron, words: s.words, problem: s.problem } : { cron: s.cron, words: s.words } });
    }
    return out;
  },
  /** Another clause the catalogue reads (a scheduled goal): quoted, or the words themselves. */
  goal: (tokens, pos, env) => {
    const read = env.readSpan as SpanReader | undefined;
    const whole = env.readGoalText as GoalChecker | undefined;
    if (!read || !whole) return [];
    const t = tokens[pos];
    if (t?.kind === "quoted" && t.quote !== "`") {
      const text = t.text.trim();
      const problem = text ? whole(text) : "it is empty";
      return [{ end: pos + 1, value: problem === null ? { text } : { text, problem } }];
    }
    const out: SlotMatch[] = [];
    for (let end = pos + 1; end <= tokens.length; end++) {
      // A scheduled goal ends the clause or is followed by its schedule: only those spans are read.
      if (end < tokens.length && !SCHEDULE_STARTS.has(tokens[end]!.text)) continue;
      const span = tokens.slice(pos, end);
      if (span.some((x) => x.kind === "quoted")) continue;
      const text = rawSpan(env, tokens, pos, end);
      if (read(span, text)) out.push({ end, value: { text } });
    }
    return out;
  },
};

/** Words a schedule can start with (when.ts): a scheduled goal's words end before one. */
const SCHEDULE_STARTS = new Set(["every", "each", "daily", "hourly", "weekly", "monthly", "nightly", "minutely", "once", "at", "on", "with", "cron", "schedule", "weekdays", "weekends", "as", "named", "called"]);

/** Whether the schedule's spans cover every word of the text. */
function covers(text: string, spans: ReadonlyArray<[number, number]>): boolean {
  for (const m of text.matchAll(/\S+/g)) {
    const s = m.index;
    const e = s + m[0].length;
    if (!spans.some(([a, b]) => a <= s && e <= b)) return false;
  }
  return true;
}
