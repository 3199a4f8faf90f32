/** What the user tools share: the name schema, id ranges, their error class and the lookups that refuse unknown names. */
import { join } from "node:path";
import * as v from "valibot";
import { ToolError } from "../errors";
import type { ToolContext, ToolEnv } from "../define";
import { type GroupEntry, type LineEdit, type PasswdEntry, Tables } from "./tables";

/** Why a user tool refused or failed: `user.create alice: already exists (uid 1000)`. */
export class UserError extends ToolError {
  constructor(code: string, tool: string, name: string, reason: string, options?: { cause?: unknown }) {
    super(code, `${tool} ${name}: ${reason}`, options);
  }
}

/** Debian's adduser default NAME_REGEX, at most 32 characters (utmp's limit). */
export const accountName = v.pipe(v.string("must be a string"), v.regex(/^[a-z_][a-z0-9_-]{0,31}$/, "must be 1-32 of a-z 0-9 _ - starting with a letter or _"));

/** Debian's ranges (adduser.conf): people 1000-59999, system accounts 100-999. */
export const USER_IDS = { first: 1000, last: 59_999 } as const;
export const SYSTEM_IDS = { first: 100, last: 999 } as const;
export const NOBODY = 65_534;

/** A service account, not a person's: below Debian's first user id, or nobody. root is one too. */
export function isSystemUid(uid: number): boolean {
  return uid < USER_IDS.first || uid === NOBODY;
}

/** Host path of a guest path under the tools' root. */
export function hostPath(env: ToolEnv, guest: string): string {
  return env.root === "/" ? guest : join(env.root, guest);
}

/** Days since the epoch, shadow's "last changed" field. */
export function today(): number {
  return Math.floor(Date.now() / 86_400_000);
}

/** A user by name, or the refusal every user tool gives for an unknown one (code `unknown_user`). */
export function requireUser(t: Tables, tool: string, name: string): PasswdEntry {
  const u = t.user(name);
  if (!u) throw new UserError("unknown_user", tool, name, "no such user");
  return u;
}

/** A group by name, or the refusal for an unknown one (code `unknown_group`); groups are never made implicitly. */
export function requireGroup(t: Tables, tool: string, name: string): GroupEntry {
  const g = t.group(name);
  if (!g) throw new UserError("unknown_group", tool, name, "no such group (creating groups is a separate change)");
  return g;
}

/** The undo record of the tools that only edit table lines: exactly those lines go back. */
export interface LinesUndo {
  edits: LineEdit[];
}

/** The undo of those tools (a line someone changed since is left as they made it). */
export function revertLines(rec: LinesUndo, ctx: ToolContext): void {
  new Tables(ctx.env.root).revert(rec.edits);
}
