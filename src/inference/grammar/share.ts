/**
 * Shares what XGrammar would otherwise compile twice. XGrammar precomputes a
 * token mask for every position of every rule over the whole vocabulary, and
 * a bounded repetition `[a-z0-9_-]{0,31}` is 31 positions: measured over
 * Qwen3's 151,669 tokens, 0.22 s of compilation each time it is written. The
 * tool registry writes some twice (an account name, and the same name inside
 * "a user name or a uid"), and XGrammar's JSON Schema converter names a rule
 * per pattern, not per repetition. Hoisting each repeated repetition into one
 * rule that every occurrence references changes no language (a rule
 * reference stands for its body) and compiles its positions once.
 *
 * Written by hand: XGrammar has no pass that shares sub-expressions.
 */

/** Repetitions up to this bound are cheap enough to leave where they are (measured: {0,8} costs 0.035 s). */
const MIN_BOUND = 8;

/** A character class followed by a bounded repetition: `[...]{m,n}` or `[...]{n}`. */
interface Repeat {
  text: string;
  start: number;
  end: number;
}

/** The bounded, large repetitions of character classes in one rule body, outside string literals and lookaheads. */
function repeats(body: string): Repeat[] {
  const out: Repeat[] = [];
  let lookahead = 0;
  let depth = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === '"') {
      for (i++; i < body.length && body[i] !== '"'; i++) if (body[i] === "\\") i++;
    } else if (ch === "(") {
      depth++;
      if (body[i + 1] === "=" && !lookahead) lookahead = depth;
    } else if (ch === ")") {
      if (lookahead === depth) lookahead = 0;
      depth--;
    } else if (ch === "[") {
      const start = i;
      for (i++; i < body.length && body[i] !== "]"; i++) if (body[i] === "\\") i++;
      const q = /^\{(\d+)(?:,(\d+))?\}/.exec(body.slice(i + 1));
      if (!q || lookahead) continue;
      const max = Number(q[2] ?? q[1]);
      const end = i + 1 + q[0].length;
      if (max >= MIN_BOUND) out.push({ text: body.slice(start, end), start, end });
      i = end - 1;
    }
  }
  return out;
}

/** `ebnf` with each large repetition written more than once hoisted into one shared rule. */
export function shareRepeats(ebnf: string): string {
  const lines = ebnf.split("\n");
  const rule = /^([A-Za-z_][A-Za-z0-9_]*) ::= (.*)$/;
  const names = new Set(lines.map((l) => rule.exec(l)?.[1]).filter((n) => n !== undefined));
  const found = lines.map((l) => {
    const m = rule.exec(l);
    return m ? { head: l.length - m[2]!.length, list: repeats(m[2]!) } : { head: 0, list: [] };
  });
  const count = new Map<string, number>();
  for (const f of found) for (const r of f.list) count.set(r.text, (count.get(r.text) ?? 0) + 1);
  const shared = new Map<string, string>();
  let n = 0;
  for (const [text, c] of count) {
    if (c < 2) continue;
    let name: string;
    do name = `shared_repeat_${n++}`;
    while (names.has(name));
    shared.set(text, name);
  }
  if (!shared.size) return ebnf;
  const out = lines.map((line, k) => {
    const { head, list } = found[k]!;
    let s = line;
    // Right to left, so earlier offsets stay valid.
    for (const r of [...list].reverse()) {
      const name = shared.get(r.text);
      if (name) s = s.slice(0, head + r.start) + name + s.slice(head + r.end);
    }
    return s;
  });
  for (const [text, name] of shared) out.push(`${name} ::= ${text}`);
  return out.join("\n");
}
