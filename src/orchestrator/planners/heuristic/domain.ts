/**
 * Slots for the system's own vocabulary: which usage figure ("disk, memory
 * and cpu"), which resource a top list is sorted by, endpoints to check
 * ("port 22 and localhost:8080"), cleanup scopes ("old logs and the
 * package cache"), well-known services' ports ("ssh" → 22), the daemons
 * aiOS knows (whose configuration is a typed object: "the nginx config" is
 * /etc/nginx). Each reads only the words it lists.
 */
import type { Token } from "./lex";
import { daemonFor } from "./daemons";
import { type Fix, literalMatch, type SlotEnv, type SlotMatch, type SlotType } from "./pattern";
import { SLOTS } from "./slots";
import { VALUE_SLOTS } from "./values";

/** A phrase table: word sequences → value. Every phrase that matches at a position (longest first). */
type PhraseMatch<T> = { end: number; value: T; fixes?: Fix[] };

function phrases<T>(table: ReadonlyArray<[string, T]>): (tokens: readonly Token[], pos: number, env?: SlotEnv) => Array<PhraseMatch<T>> {
  const rows = table.map(([p, v]) => [p.split(" "), v] as const).sort((a, b) => b[0].length - a[0].length);
  return (tokens, pos, env) => {
    const out: Array<PhraseMatch<T>> = [];
    for (const [words, value] of rows) {
      const fixes: Fix[] = [];
      let ok = true;
      for (let k = 0; k < words.length && ok; k++) {
        const t = tokens[pos + k];
        const w = words[k]!;
        const m = t === undefined ? false : w.startsWith("/") ? t.text === w : literalMatch(t, w, env?.typos === true);
        if (m === "fix") fixes.push({ from: t!.text, to: w });
        ok = m !== false;
      }
      if (ok && !out.some((o) => o.end === pos + words.length)) out.push(fixes.length ? { end: pos + words.length, value, fixes } : { end: pos + words.length, value });
    }
    return out;
  };
}

/** A list of phrase-table values joined by "and", or side by side (the commas between them are gone by now): every way to read it. */
function phraseList<T>(table: ReadonlyArray<[string, T]>): SlotType {
  const one = phrases(table);
  return (tokens, pos, env) => {
    const out: SlotMatch[] = [];
    // Breadth-first over (end, values so far); lists are short.
    let frontier: Array<{ end: number; values: T[]; fixes: Fix[] }> = [{ end: pos, values: [], fixes: [] }];
    for (let guard = 0; frontier.length && guard < 16; guard++) {
      const next: Array<{ end: number; values: T[]; fixes: Fix[] }> = [];
      for (const f of frontier) {
        const starts = [f.end];
        const sep = tokens[f.end];
        if (f.values.length && sep?.kind === "word" && (sep.text === "and" || sep.text === "&" || sep.text === "or" || sep.text === "plus")) starts.push(f.end + 1);
        for (const m of starts.flatMap((at) => one(tokens, at, env))) {
          const values = f.values.includes(m.value) ? f.values : [...f.values, m.value];
          const fixes = m.fixes ? [...f.fixes, ...m.fixes] : f.fixes;
          if (!out.some((o) => o.end === m.end)) out.push({ end: m.end, value: values, fixes });
          next.push({ end: m.end, values, fixes });
        }
      }
      frontier = next;
    }
    return out;
  };
}

export type UsageKind = "disk" | "memory" | "cpu" | "processes";

export const USAGE = phraseList<UsageKind>([
  ["disk", "disk"], ["disk space", "disk"], ["storage", "disk"], ["filesystem", "disk"], ["partition", "disk"], ["space", "disk"], ["drive", "disk"], ["disk drive", "disk"],
  ["file system", "disk"], ["root filesystem", "disk"], ["root file system", "disk"], ["root partition", "disk"], ["root fs", "disk"], ["root disk", "disk"], ["root volume", "disk"], ["root drive", "disk"], ["hard drive", "disk"], ["hard disk", "disk"],
  ["memory", "memory"], ["ram", "memory"], ["mem", "memory"], ["swap", "memory"],
  ["cpu", "cpu"], ["processor", "cpu"], ["cpu load", "cpu"], ["load", "cpu"], ["cpu time", "cpu"],
  ["process", "processes"], ["program", "processes"], ["task", "processes"],
]);

export const RESOURCE = phrases<"memory" | "cpu">([
  ["memory", "memory"], ["ram", "memory"], ["mem", "memory"], ["rss", "memory"],
  ["cpu", "cpu"], ["processor", "cpu"], ["cpu time", "cpu"], ["cycles", "cpu"], ["cpu cycles", "cpu"], ["compute", "cpu"],
]);

/** "log" is a log said plainly ("the logs"), which may be read as live logs; "logs" are old, rotated or archived ones. */
export type Scope = "logs" | "package-cache" | "tmp";
export type ScopeWord = Scope | "log";

export const SCOPES = phraseList<ScopeWord>([
  ["log", "log"], ["log file", "log"], ["logfile", "log"], ["old log", "logs"], ["rotated log", "logs"], ["archived log", "logs"], ["old log file", "logs"], ["rotated log file", "logs"], ["compressed log", "logs"],
  ["package cache", "package-cache"], ["apt cache", "package-cache"], ["cached package", "package-cache"], ["downloaded package", "package-cache"], ["cached deb", "package-cache"],
  ["deb", "package-cache"], ["debs", "package-cache"], [".deb", "package-cache"], [".debs", "package-cache"], ["package download", "package-cache"], ["cache", "package-cache"], ["caches", "package-cache"],
  ["tmp", "tmp"], ["/tmp", "tmp"], ["temp", "tmp"], ["temp file", "tmp"], ["temporary file", "tmp"], ["tmp file", "tmp"], ["/tmp file", "tmp"], ["temp directory", "tmp"], ["tmp directory", "tmp"], ["/tmp directory", "tmp"], ["/tmp folder", "tmp"], ["tmp folder", "tmp"],
]);

/** Ports of the services people name instead of a number (TCP; their usual port). */
export const WELL_KNOWN = phrases<number>([
  ["ssh", 22], ["http", 80], ["https", 443], ["telnet", 23], ["ftp", 21], ["smtp", 25], ["imap", 143], ["imaps", 993], ["pop3", 110],
  ["mysql", 3306], ["postgres", 5432], ["postgresql", 5432], ["redis", 6379], ["rdp", 3389], ["vnc", 5900], ["web", 80],
]);

export interface Endpoint {
  host?: string;
  port?: number;
  url?: string;
}

/** "port 80", "ports 80 and 443", "localhost:8080", "http://…", "port 22 on 10.0.2.2", joined by "and". */
const endpoints: SlotType = (tokens, pos, env) => {
  const out: SlotMatch[] = [];
  const found: Endpoint[] = [];
  let i = pos;
  for (;;) {
    const t = tokens[i];
    if (!t) break;
    let end = -1;
    let items: Endpoint[] = [];
    if (t.kind === "word" && t.lemma === "port") {
      const ps = SLOTS.ports!(tokens, i + 1, env);
      const last = ps[ps.length - 1];
      if (last) {
        end = last.end;
        items = (last.value as number[]).map((port) => ({ port }));
        const on = tokens[end];
        if (on?.kind === "word" && (on.text === "on" || on.text === "at" || on.text === "of")) {
          const h = SLOTS.host!(tokens, end + 1, env)[0];
          if (h) {
            items = items.map((x) => ({ ...x, host: h.value as string }));
            end = h.end;
          }
        }
      }
    } else {
      const hp = SLOTS.hostport!(tokens, i, env)[0] ?? null;
      const url = hp ? null : (SLOTS.url!(tokens, i, env)[0] ?? null);
      if (hp) {
        end = hp.end;
        items = [hp.value as Endpoint];
      } else if (url) {
        end = url.end;
        items = [{ url: url.value as string }];
      }
    }
    if (end < 0) break;
    found.push(...items);
    out.push({ end, value: [...found] });
    const sep = tokens[end];
    i = sep?.kind === "word" && (sep.text === "and" || sep.text === "&") ? end + 1 : end;
    if (i === end) break;
  }
  return out;
};

/** A daemon aiOS knows, by its service or package name: its service name. */
const daemon: SlotType = (tokens, pos) => {
  const t = tokens[pos];
  const d = t?.kind === "word" ? daemonFor(t.text) : undefined;
  return d ? [{ end: pos + 1, value: d.service }] : [];
};

const flag: SlotType = (tokens, pos) => (tokens[pos]?.kind === "flag" ? [{ end: pos + 1, value: tokens[pos]!.text }] : []);

function single<T>(read: (tokens: readonly Token[], pos: number, env?: SlotEnv) => Array<PhraseMatch<T>>): SlotType {
  return (tokens, pos, env) => read(tokens, pos, env);
}

/** Words that make "what is X" a question about this machine, not a concept to look up. */
const STATE = new Set(["using", "running", "installed", "open", "listening", "free", "used", "left", "current", "currently", "load", "uptime", "ip", "address", "hostname", "time", "date", "status", "state", "size", "usage", "happening", "wrong", "going", "taking", "eating", "version", "name", "there", "here", "this", "that", "it", "mine", "your", "you", "weather", "temperature", "price", "news", "score"]);

/** A concept to look up in the documentation: 1-6 plain words, none about this machine's state. */
const concept: SlotType = (tokens, pos, env) => {
  const rest = tokens.slice(pos);
  if (rest.length === 0 || rest.length > 6 || rest.some((t) => t.kind !== "word" || STATE.has(t.text))) return [];
  return VALUE_SLOTS.text!(tokens, pos, env);
};

export const DOMAIN_SLOTS: Record<string, SlotType> = {
  usage: USAGE,
  resource: single(RESOURCE),
  scopes: SCOPES,
  wellknown: single(WELL_KNOWN),
  endpoints,
  daemon,
  flag,
  concept,
};
