/**
 * JSON Schema `pattern` (an ECMA-262 regex that *searches* the string) to the
 * regex XGrammar compiles (which must match the *whole* string, character by
 * character, with no idea of JSON escaping). Three differences are bridged:
 *
 * - anchors: `^a` becomes `a` + anything; an unanchored end gets anything after;
 * - `.`, negated classes and `\D \W \S` must not produce `"`, `\` or control
 *   characters, which XGrammar would emit raw inside the JSON string (its own
 *   `.` does: measured, `{"pattern":"^/.*$"}` accepts `"/a"b"`);
 * - constructs it cannot compile or cannot compile cheaply (look-arounds,
 *   back-references, repetition bounds above MAX_REPEAT, which cost compile time
 *   per position and per vocabulary entry) are reported, not guessed.
 *
 * Written by hand: no library translates between these two regex dialects.
 */

/** Characters a JSON string may hold unescaped, as a class body (no `"`, `\` or controls). */
const SAFE = '^"\\\\\\x00-\\x1f';
export const SAFE_CHAR = `[${SAFE}]`;
/** Bounded repetitions cost compile time per repetition; beyond this the bound is dropped (relaxed). */
export const MAX_REPEAT = 32;

export type PatternResult = { regex: string; relaxed?: string } | { unsupported: string };

/** Splits at top-level `|` (outside groups and classes). */
function topLevelBranches(p: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < p.length; i++) {
    const ch = p[i];
    if (ch === "\\") i++;
    else if (inClass) inClass = ch !== "]";
    else if (ch === "[") inClass = true;
    else if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === "|" && depth === 0) {
      out.push(p.slice(start, i));
      start = i + 1;
    }
  }
  out.push(p.slice(start));
  return out;
}

/** Rewrites the body of one branch; anchors already removed by the caller. */
function rewriteBody(p: string): PatternResult {
  let out = "";
  let relaxed: string | undefined;
  for (let i = 0; i < p.length; i++) {
    const ch = p[i]!;
    if (ch === "\\") {
      const next = p[i + 1];
      if (next === undefined) return { unsupported: "a trailing backslash" };
      i++;
      if (/[1-9k]/.test(next)) return { unsupported: "back-references" };
      if (next === "b" || next === "B") return { unsupported: "word boundaries (\\b)" };
      if (next === "D") out += '[^0-9"\\\\\\x00-\\x1f]';
      else if (next === "W") out += '[^A-Za-z0-9_"\\\\\\x00-\\x1f]';
      else if (next === "S") out += '[^ \\t\\n\\r"\\\\\\x00-\\x1f]';
      // Whitespace other than a space would need escaping inside JSON.
      else if (next === "s") out += " ";
      else if (next === '"' || next === "\\") return { unsupported: `a literal ${next === '"' ? "quote" : "backslash"}` };
      else if (next === "n" || next === "t" || next === "r" || next === "f" || next === "v" || next === "0" || next === "x" || next === "u" || next === "c") {
        if (next === "x" || next === "u") {
          out += `\\${next}`;
          continue;
        }
        return { unsupported: "control characters" };
      } else out += `\\${next}`;
    } else if (ch === "[") {
      let j = i + 1;
      const negated = p[j] === "^";
      if (negated) j++;
      let body = "";
      if (p[j] === "]") {
        body += "\\]";
        j++;
      }
      for (; j < p.length && p[j] !== "]"; j++) {
        if (p[j] === "\\") {
          const e = p[j + 1];
          if (e === '"' || e === "\\") return { unsupported: `a literal ${e === '"' ? "quote" : "backslash"} in a class` };
          if (e === "s") {
            body += " ";
            j++;
            continue;
          }
          body += p[j]! + (e ?? "");
          j++;
        } else if (p[j] === '"') return { unsupported: "a literal quote in a class" };
        else body += p[j];
      }
      if (j >= p.length) return { unsupported: "an unterminated character class" };
      out += negated ? `[^${body}"\\\\\\x00-\\x1f]` : `[${body}]`;
      i = j;
    } else if (ch === ".") out += SAFE_CHAR;
    else if (ch === "(") {
      if (p[i + 1] === "?") {
        if (p[i + 2] === ":") {
          out += "(";
          i += 2;
        } else return { unsupported: "look-arounds and named groups" };
      } else out += "(";
    } else if (ch === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i));
      if (!m) {
        out += "\\{";
        continue;
      }
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
      if (min > MAX_REPEAT) return { unsupported: `a repetition of at least ${min} (more than ${MAX_REPEAT})` };
      if (max !== Infinity && max > MAX_REPEAT) {
        out += `{${min},}`;
        relaxed = `the bound {${m[1]}${m[2] ?? ""}} is not enforced (more than ${MAX_REPEAT})`;
      } else out += m[0];
      i += m[0].length - 1;
    } else if (ch === '"') return { unsupported: "a literal quote" };
    else if (ch === "^" || ch === "$") return { unsupported: "anchors inside the pattern" };
    else out += ch;
  }
  return { regex: out, relaxed };
}

/** A JSON Schema pattern as a whole-string XGrammar regex. */
export function schemaPattern(pattern: string): PatternResult {
  const branches = topLevelBranches(pattern);
  const parts: string[] = [];
  let relaxed: string | undefined;
  for (const raw of branches) {
    let b = raw;
    const start = b.startsWith("^");
    if (start) b = b.slice(1);
    // An unescaped trailing `$`.
    const end = b.endsWith("$") && !/(^|[^\\])(\\\\)*\\\$$/.test(b);
    if (end) b = b.slice(0, -1);
    const r = rewriteBody(b);
    if ("unsupported" in r) return r;
    relaxed ??= r.relaxed;
    parts.push(`${start ? "" : `${SAFE_CHAR}*`}${branches.length > 1 ? `(${r.regex})` : r.regex}${end ? "" : `${SAFE_CHAR}*`}`);
  }
  return { regex: parts.length > 1 ? `(${parts.join("|")})` : parts[0]!, relaxed };
}
