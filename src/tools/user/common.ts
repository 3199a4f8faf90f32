/** What the user tools share: the name schema, id ranges and their error class. */
import { join } from "node:path";
import * as v from "valibot";
import { ToolError } from "../errors";
import type { ToolEnv } from "../define";

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

/** Host path of a guest path under the tools' root. */
export function hostPath(env: ToolEnv, guest: string): string {
  return env.root === "/" ? guest : join(env.root, guest);
}

/** Days since the epoch, shadow's "last changed" field. */
export function today(): number {
  return Math.floor(Date.now() / 86_400_000);
}
