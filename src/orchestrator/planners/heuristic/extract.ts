/**
 * Entities in a clause of a goal: quoted strings, URLs, absolute paths,
 * hosts and ports, package, service and user names, numbers of days, and
 * (in when.ts) schedules. Each extractor reads only what is plainly there;
 * an intent that needs something the clause does not say refuses, it never
 * fills in a guess.
 */
import { isIP } from "node:net";
import { maskQuotes, quotedStrings } from "./quotes";

export { maskQuotes, quotedStrings, type Quoted } from "./quotes";
export { parseSchedule, type Schedule } from "./when";

const TRAILING = /[.,;:!?)]+$/;

export function urls(text: string): string[] {
  return [...maskQuotesKeepUrls(text).matchAll(/\bhttps?:\/\/[^\s'"<>`]+/gi)].map((m) => m[0].replace(TRAILING, "")).filter(validUrl);
}

/** URLs may be written in quotes too: only other quoted text is masked. */
function maskQuotesKeepUrls(text: string): string {
  return maskQuotes(text, quotedStrings(text).filter((q) => !/^https?:\/\//i.test(q.text)));
}

function validUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "";
  } catch {
    return false;
  }
}

/** Absolute paths outside quotes and URLs (`/etc/nginx/nginx.conf`), and quoted ones. */
export function absolutePaths(text: string): string[] {
  const quoted = quotedStrings(text);
  const masked = maskQuotes(text, quoted).replace(/\bhttps?:\/\/\S+/gi, (m) => "\u0000".repeat(m.length));
  const bare = [...masked.matchAll(/(?:^|[\s(=,])(\/[A-Za-z0-9._+@%~/-]*)/g)].map((m) => m[1]!.replace(/[.,;:!?)]+$/, ""));
  const inQuotes = quoted.filter((q) => q.quote !== "`" && /^\/[^\s\0]*$/.test(q.text)).map((q) => q.text);
  return [...bare, ...inQuotes].filter((p) => p.length > 1 && !p.split("/").includes(".."));
}

// RFC 1123 labels; a name needs a dot (example.com) unless it is localhost.
const LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const DOMAIN = new RegExp(`^${LABEL}(?:\\.${LABEL})*\\.[A-Za-z]{2,63}$`);

export function isHostName(s: string): boolean {
  return s === "localhost" || isIP(s) !== 0 || (s.length <= 253 && DOMAIN.test(s));
}

export interface HostPort {
  host: string;
  port: number;
}

function portOk(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65_535;
}

/** `host:port` tokens outside quotes and URLs (localhost:8080, 10.0.2.2:11434, example.com:443). */
export function hostPorts(text: string): HostPort[] {
  const masked = maskQuotes(text).replace(/\bhttps?:\/\/\S+/gi, (m) => "\u0000".repeat(m.length));
  const out: HostPort[] = [];
  for (const m of masked.matchAll(/(?:^|[\s(,])([A-Za-z0-9.-]+):(\d{1,5})(?=$|[\s),.;!?])/g)) {
    const port = Number(m[2]);
    if (isHostName(m[1]!) && portOk(port)) out.push({ host: m[1]!, port });
  }
  return out;
}

/** Ports named as such: "port 80", "ports 80 and 443", "port 80, 443". */
export function ports(text: string): number[] {
  const masked = maskQuotes(text);
  const out: number[] = [];
  for (const m of masked.matchAll(/\bports?\s+((?:\d{1,5}(?:\s*(?:,|and|&|or)\s*)?)+)/gi)) {
    for (const n of m[1]!.match(/\d{1,5}/g) ?? []) if (portOk(Number(n))) out.push(Number(n));
  }
  return [...new Set(out)];
}

/** Host names and IP addresses outside quotes, URLs and host:port tokens. */
export function hosts(text: string): string[] {
  const masked = maskQuotes(text).replace(/\bhttps?:\/\/\S+/gi, " ");
  return [...masked.matchAll(/(?:^|[\s(,])([A-Za-z0-9][A-Za-z0-9.-]*)(?=$|[\s),;!?]|\.(?:\s|$))/g)].map((m) => m[1]!.replace(/\.$/, "")).filter((w) => isHostName(w) && !/^\d+$/.test(w));
}

/** Debian's package name rule, and name=version. */
export const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]+$/;
export const PACKAGE_SPEC = /^[a-z0-9][a-z0-9+.-]+(=[A-Za-z0-9.+~:-]+)?$/;
/** The service manager's name rule. */
export const SERVICE_NAME = /^[a-z0-9][a-z0-9_.@-]{0,63}$/;
/** adduser's default NAME_REGEX, at most 32 characters. */
export const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

/**
 * A list of names after a verb: "nginx", "nginx and curl", "curl, git and htop",
 * with filler words dropped. Returns the words as written (lower-cased), each
 * still to be checked by the caller against its own rule.
 */
export function nameList(text: string, filler: ReadonlySet<string>): string[] {
  return text
    .toLowerCase()
    .split(/\s*(?:,|\band\b|&|\bplus\b)\s*|\s+/)
    .map((w) => w.replace(/^["'`]|["'`]$/g, "").trim())
    .filter((w) => w.length > 0 && !filler.has(w));
}

/** "older than 3 days", "older than 2 weeks": a number of days, or undefined. */
export function olderThanDays(text: string): number | undefined {
  const m = /\bolder\s+than\s+(\d{1,4})\s*(days?|d|weeks?|w|months?)\b/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2]!.toLowerCase();
  return unit.startsWith("w") ? n * 7 : unit.startsWith("m") ? n * 30 : n;
}

/** A short, safe identifier from free text: "free disk space" → "free-disk-space". */
export function slug(text: string, max = 40): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, max)
    .replace(/-+$/, "");
  return s || "job";
}
