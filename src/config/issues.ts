/**
 * One wording for valibot issues, shared by config.toml and API bodies:
 * `path: reason`, where the reason says "unknown key", "required", or what the
 * value must be.
 */
import type * as v from "valibot";

/** What of a value sent to us comes back in a message: at most this many characters (a 3 MB field is not echoed whole). */
export const ECHO_CHARS = 200;

/** JSON of a value as a message quotes it, cut to ECHO_CHARS characters. */
export function quoted(value: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  return s.length <= ECHO_CHARS ? s : `${s.slice(0, ECHO_CHARS)}… (${s.length} characters)`;
}

export function issuePath(issue: v.BaseIssue<unknown>): string | undefined {
  const path = issue.path?.map((p) => String(p.key)).join(".");
  // A key is input too: an unknown key a megabyte long is named by its start.
  return !path ? undefined : path.length <= ECHO_CHARS ? path : `${path.slice(0, ECHO_CHARS)}…`;
}

/** JSON speaks of objects and fields, TOML of tables and keys. */
export interface IssueWords { object: string; key: string }
const JSON_WORDS: IssueWords = { object: "an object", key: "field" };

export function issueReason(issue: v.BaseIssue<unknown>, words: IssueWords = JSON_WORDS): string {
  const objectIssue = issue.type === "strict_object" || issue.type === "object";
  if (objectIssue && issue.expected === "never") return `unknown ${words.key}`;
  if (objectIssue && issue.received === "undefined" && issue.path) return "required";
  if (issue.expected === "Object") return `must be ${words.object} (got ${issue.received})`;
  // valibot's own messages already say what they received; ours do not.
  const got = issue.input === undefined || issue.message.startsWith("Invalid") ? "" : ` (got ${quoted(issue.input)})`;
  return `${issue.message}${got}`;
}
