/**
 * One wording for valibot issues, shared by config.toml and API bodies:
 * `path: reason`, where the reason says "unknown key", "required", or what the
 * value must be.
 */
import type * as v from "valibot";

export function issuePath(issue: v.BaseIssue<unknown>): string | undefined {
  return issue.path?.map((p) => String(p.key)).join(".") || undefined;
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
  const got = issue.input === undefined || issue.message.startsWith("Invalid") ? "" : ` (got ${JSON.stringify(issue.input)})`;
  return `${issue.message}${got}`;
}
