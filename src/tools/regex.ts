/**
 * Regular expressions from callers (fs.search content, monitor.logs grep).
 * They run inside PID 1, so a backtracking engine is a denial of service:
 * `^(a+)+$` over a line of 40 `a` and a `!` froze aios-init for seconds, and
 * no timeout can interrupt a synchronous RegExp.test. RE2JS (re2js, a
 * maintained pure-JS port of RE2, no native code, so it works inside the
 * compiled binary) matches in time linear in the input, whatever the
 * pattern. It is chosen over running JS RegExp in a Worker killed at the
 * deadline: a Worker per call costs a thread and ~10 ms of start-up, and the
 * call would still burn a core until the deadline. RE2 syntax is Perl's
 * without backreferences and lookaround; those are refused as invalid
 * patterns, with RE2's own reason.
 */
import type { RE2JS as Re2 } from "re2js";
import { ToolInputError } from "./errors";

// Loaded on first use, not with PID 1: re2js builds its Unicode tables when it is evaluated (~5% of
// aios-init's module start-up), and most boots never see a caller's regex. require() of the ESM
// package is synchronous (the callers are), and inside the compiled binary it is still the one
// bundled module, evaluated on the first call.
let re2: typeof Re2 | undefined;
const RE2JS = (): typeof Re2 => (re2 ??= (require("re2js") as typeof import("re2js")).RE2JS);

/** Patterns longer than this are refused: RE2's compile cost grows with the pattern. */
export const MAX_PATTERN = 1000;

export type LineTest = (line: string) => boolean;

/** Compiles a caller's pattern for `find` semantics (anywhere in the line, like RegExp.test). */
export function compileRegex(tool: string, field: string, pattern: string, ignoreCase = false): LineTest {
  if (pattern.length > MAX_PATTERN) throw new ToolInputError(tool, field, `a regex must be at most ${MAX_PATTERN} characters`);
  let re: Re2;
  try {
    re = RE2JS().compile(pattern, ignoreCase ? RE2JS().CASE_INSENSITIVE : 0);
  } catch (err) {
    throw new ToolInputError(tool, field, `not a valid regex (RE2 syntax: no backreferences or lookaround): ${(err as Error).message}`);
  }
  return (line) => re.matcher(line).find();
}

/** True when the pattern compiles (for schema checks). */
export function validRegex(pattern: string): boolean {
  if (pattern.length > MAX_PATTERN) return false;
  try {
    RE2JS().compile(pattern);
    return true;
  } catch {
    return false;
  }
}
