/**
 * Typed slots: the entities a pattern can consume. Each type looks at the
 * tokens from a position and offers the ends a slot may have with the value
 * read (a list slot offers one end per prefix: "nginx and curl" offers
 * [nginx] and [nginx, curl]). A name slot takes a pronoun ("it", "them")
 * as a reference to the previous clause's object, resolved by the planner.
 * What a slot does not recognise it does not take: an intent never reads a
 * word it was not written to read.
 */
import { isIP } from "node:net";
import type { Token } from "./lex";
import type { SlotEnv, SlotMatch, SlotType } from "./pattern";
import { parseSchedule } from "./when";
import { FILLERS, NOT_A_NAME, PRONOUNS } from "./words";

export { isHostName } from "./extract";
import { isHostName } from "./extract";

/** Debian's package name rule, and name=version. */
export const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]+$/;
export const PACKAGE_SPEC = /^[a-z0-9][a-z0-9+.-]+(=[A-Za-z0-9.+~:-]+)?$/;
/** The service manager's name rule. */
export const SERVICE_NAME = /^[a-z0-9][a-z0-9_.@-]{0,63}$/;
/** adduser's default NAME_REGEX, at most 32 characters. */
export const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;
/** A host name label (RFC 1123), dotted labels allowed, at most 64 characters in all. */
const HOST_LABELS = /^(?=.{1,64}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Nouns the grammar reads around names ("the nginx service"); a name slot never takes them. */
const NOUNS_AROUND_NAMES = new Set(["system", "machine", "computer", "box", "vm", "os", "everything", "watchlist", "firewall", "ledger", "audit", "cache", "crontab", "kernel", "network", "internet", "disk", "memory", "cpu", "hostname", "timezone", "service", "daemon", "server", "package", "user", "account", "group", "file", "directory", "folder", "process", "port", "program", "log", "config", "configuration", "job", "rule", "interface", "software", "app", "application", "login", "session", "member", "name", "named", "called"]);

/** A pronoun in a name slot, with where it is in the text read (for the planner to put the previous clause's object there). */
export interface Ref {
  ref: string;
  start: number;
  end: number;
}

function ref(t: Token): Ref {
  return { ref: t.text, start: t.start, end: t.end };
}

export function isRef(x: unknown): x is Ref {
  return typeof x === "object" && x !== null && typeof (x as Ref).ref === "string";
}

function isWord(t: Token | undefined): t is Token {
  return t !== undefined && (t.kind === "word" || t.kind === "number");
}

/**
 * A word a name slot may take: not a grammar word, not a noun read around
 * names, and not a typo of a filler or grammar word ("plesae", "wiht"). A
 * name that happens to be one edit from a content word ("alice", "alive")
 * stays a name.
 */
function nameable(t: Token | undefined): t is Token {
  return isWord(t) && !NOT_A_NAME.has(t.text) && !NOUNS_AROUND_NAMES.has(t.lemma) && !(t.fix && (FILLERS.has(t.fix) || NOT_A_NAME.has(t.fix)));
}

function pronoun(t: Token | undefined): boolean {
  return t !== undefined && t.kind === "word" && PRONOUNS.has(t.text);
}

const LIST_SEPARATORS = new Set(["and", "&", "plus", "as", "well"]);

/**
 * One name (or a pronoun). `exact`: the name as written, case included
 * (an account "Alice" is not "alice"); otherwise lower-cased, as package
 * and service names are.
 */
function one(rule: RegExp, exact = false): SlotType {
  return (tokens, pos) => {
    const t = tokens[pos];
    if (pronoun(t)) return [{ end: pos + 1, value: ref(t!) }];
    if (t?.kind === "quoted" && t.quote !== "`" && rule.test(t.text)) return [{ end: pos + 1, value: t.text }];
    const text = exact && t ? t.raw : t?.text;
    return nameable(t) && text !== undefined && rule.test(text) ? [{ end: pos + 1, value: text }] : [];
  };
}

/** A list of names: "nginx", "nginx and curl", "curl git htop" (commas are gone by now), or one pronoun. */
function list(rule: RegExp): SlotType {
  return (tokens, pos) => {
    const first = tokens[pos];
    if (pronoun(first)) return [{ end: pos + 1, value: [ref(first!)] }];
    const out: SlotMatch[] = [];
    const names: string[] = [];
    let i = pos;
    while (i < tokens.length) {
      const t = tokens[i]!;
      if (!nameable(t) || !rule.test(t.text)) break;
      names.push(t.text);
      i++;
      out.push({ end: i, value: [...names] });
      // "and" / "&" / "plus" between names; "as well as".
      let j = i;
      while (j < tokens.length && tokens[j]!.kind === "word" && LIST_SEPARATORS.has(tokens[j]!.text)) j++;
      if (j > i && j < tokens.length && nameable(tokens[j]) && rule.test(tokens[j]!.text)) i = j;
    }
    return out;
  };
}

function integer(t: Token | undefined): number | null {
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

const IFACE = /^(?:lo|(?:eth|ens|enp|eno|wlan|wlp|br|bond|veth|docker|virbr|tun|tap|wg|vlan)[0-9a-z.-]{0,12})$/;

function noDotDot(p: string): boolean {
  return !p.split("/").includes("..");
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

export const SLOTS: Record<string, SlotType> = {
  pkgs: list(PACKAGE_SPEC),
  pkg: one(PACKAGE_NAME),
  services: list(SERVICE_NAME),
  service: one(SERVICE_NAME),
  user: one(USER_NAME, true),
  group: one(USER_NAME, true),
  groups: list(USER_NAME),
  /** A generic single name: a job, a process name. */
  name: one(/^[a-z0-9][a-z0-9_.@-]{0,63}$/),
  hostname: (tokens, pos) => {
    const t = tokens[pos];
    return nameable(t) && t.kind === "word" && HOST_LABELS.test(t.text) && !/^\d+$/.test(t.text) && isIP(t.text) === 0 ? [{ end: pos + 1, value: t.text }] : [];
  },
  path: (tokens, pos) => {
    const t = tokens[pos];
    if (pronoun(t)) return [{ end: pos + 1, value: ref(t!) }];
    if (t?.kind === "path" && noDotDot(t.text) && !/[*?]/.test(t.text)) return [{ end: pos + 1, value: t.text.length > 1 ? t.text.replace(/\/+$/, "") : t.text }];
    if (t?.kind === "quoted" && t.quote !== "`" && /^\/[^\s\0]*$/.test(t.text) && noDotDot(t.text)) return [{ end: pos + 1, value: t.text }];
    return [];
  },
  glob: (tokens, pos) => {
    const t = tokens[pos];
    const text = t?.kind === "path" ? t.text : t?.kind === "quoted" && t.quote !== "`" ? t.text : null;
    return text && /^\/[^\s\0]*[*?][^\s\0]*$/.test(text) && noDotDot(text) ? [{ end: pos + 1, value: text }] : [];
  },
  url: (tokens, pos) => {
    const t = tokens[pos];
    const text = t?.kind === "url" ? t.text : t?.kind === "quoted" && /^https?:\/\//i.test(t.text) ? t.text : null;
    if (!text) return [];
    try {
      const u = new URL(text);
      return (u.protocol === "http:" || u.protocol === "https:") && u.hostname ? [{ end: pos + 1, value: text }] : [];
    } catch {
      return [];
    }
  },
  host: (tokens, pos) => {
    const t = tokens[pos];
    return t?.kind === "word" && isHostName(t.text) && !/^\d+$/.test(t.text) ? [{ end: pos + 1, value: t.text }] : [];
  },
  hostport: (tokens, pos) => {
    const m = tokens[pos]?.kind === "word" ? /^([a-z0-9.-]+|\[[0-9a-f:]+\]):(\d{1,5})$/.exec(tokens[pos]!.text) : null;
    if (!m) return [];
    const host = m[1]!.replace(/^\[|\]$/g, "");
    const port = Number(m[2]);
    return isHostName(host) && port >= 1 && port <= 65_535 ? [{ end: pos + 1, value: { host, port } }] : [];
  },
  iface: (tokens, pos) => {
    const t = tokens[pos];
    return t?.kind === "word" && IFACE.test(t.text) ? [{ end: pos + 1, value: t.text }] : [];
  },
  /** An address or network: 10.0.0.5, 10.0.0.0/8, fd00::/8. */
  cidr: (tokens, pos) => {
    const t = tokens[pos];
    if (t?.kind !== "word") return [];
    const [ip, prefix, more] = t.text.split("/");
    if (more !== undefined || !ip) return [];
    const v = isIP(ip);
    if (v === 0) return [];
    if (prefix === undefined) return [{ end: pos + 1, value: ip }];
    const n = /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
    return n >= 0 && n <= (v === 4 ? 32 : 128) ? [{ end: pos + 1, value: `${ip}/${n}` }] : [];
  },
  port: (tokens, pos) => {
    const n = integer(tokens[pos]);
    return n !== null && n >= 1 && n <= 65_535 ? [{ end: pos + 1, value: n }] : [];
  },
  /** A port with its protocol: 443, 53/udp, 8080/tcp. */
  portspec: (tokens, pos) => {
    const t = tokens[pos];
    if (!t) return [];
    const m = /^(\d{1,5})(?:\/(tcp|udp))?$/.exec(t.text);
    if (!m || (t.kind !== "number" && t.kind !== "word")) return [];
    const port = Number(m[1]);
    if (port < 1 || port > 65_535) return [];
    return [{ end: pos + 1, value: m[2] ? { port, protocol: m[2] } : { port } }];
  },
  /** A list of ports with their protocols: "22 and 80", "53/udp 123/udp". */
  portspecs: (tokens, pos, env) => {
    const out: SlotMatch[] = [];
    const specs: unknown[] = [];
    let i = pos;
    for (;;) {
      const m = SLOTS.portspec!(tokens, i, env)[0];
      if (!m) break;
      specs.push(m.value);
      i = m.end;
      out.push({ end: i, value: [...specs] });
      if (tokens[i]?.kind === "word" && (tokens[i]!.text === "and" || tokens[i]!.text === "&")) i++;
    }
    return out;
  },
  ports: (tokens, pos) => {
    const out: SlotMatch[] = [];
    const ports: number[] = [];
    let i = pos;
    while (i < tokens.length) {
      const n = integer(tokens[i]);
      if (n === null || n < 1 || n > 65_535) break;
      ports.push(n);
      i++;
      out.push({ end: i, value: [...ports] });
      if (tokens[i]?.kind === "word" && (tokens[i]!.text === "and" || tokens[i]!.text === "&") && integer(tokens[i + 1]) !== null) i++;
    }
    return out;
  },
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
      out.push({ end, value: { cron: s.cron, words: s.words } });
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
