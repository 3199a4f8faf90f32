/**
 * Small readings shared by slots and intents: host names and safe
 * identifiers. (Schedules in words are in when.ts, quoted text in quotes.ts.)
 */
import { isIP } from "node:net";

export { maskQuotes, quotedStrings, type Quoted } from "./quotes";
export { parseSchedule, type Schedule } from "./when";

// RFC 1123 labels; a name needs a dot (example.com) unless it is localhost.
const LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const DOMAIN = new RegExp(`^${LABEL}(?:\\.${LABEL})*\\.[A-Za-z]{2,63}$`);

export function isHostName(s: string): boolean {
  return s === "localhost" || isIP(s) !== 0 || (s.length <= 253 && DOMAIN.test(s));
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
