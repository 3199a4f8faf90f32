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
import { integer } from "./values";
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

const IFACE = /^(?:lo|(?:eth|ens|enp|eno|wlan|wlp|br|bond|veth|docker|virbr|tun|tap|wg|vlan)[0-9a-z.-]{0,12})$/;

function noDotDot(p: string): boolean {
  return !p.split("/").includes("..");
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
  /**
   * A word searched for, as written ("TODO", "PermitRootLogin", "8080"): a
   * quoted text, or one word or number a name slot could take (never a
   * grammar word or a noun read around names: "search /etc for files").
   */
  term: (tokens, pos) => {
    const t = tokens[pos];
    if (t?.kind === "quoted" && t.quote !== "`" && t.text.length > 0) return [{ end: pos + 1, value: t.text }];
    return nameable(t) && !pronoun(t) && /^[A-Za-z0-9_][A-Za-z0-9_.:=@-]{0,199}$/.test(t.raw) ? [{ end: pos + 1, value: t.raw }] : [];
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
};
