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

/** A rule body's parts outside string literals and character classes: rule names, and whether it repeats anything. */
function scan(body: string): { refs: string[]; repeats: boolean; topChoice: boolean } {
  const refs: string[] = [];
  let repeats = false;
  let topChoice = false;
  let depth = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === '"') {
      for (i++; i < body.length && body[i] !== '"'; i++) if (body[i] === "\\") i++;
    } else if (ch === "[") {
      for (i++; i < body.length && body[i] !== "]"; i++) if (body[i] === "\\") i++;
    } else if (ch === "{") {
      repeats = true;
      while (i < body.length && body[i] !== "}") i++;
    } else if (ch === "*" || ch === "+") repeats = true;
    else if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === "|" && depth === 0) topChoice = true;
    else if (/[A-Za-z_]/.test(ch)) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(body.slice(i))![0];
      refs.push(name);
      i += name.length - 1;
    }
  }
  return { refs, repeats, topChoice };
}

/**
 * XGrammar inlines a rule made of terminals alone at every place that
 * refers to it, so a string pattern's rule (`string ::= "\"" "/" [^"...]*
 * "\""`, one per distinct pattern) compiles its repeating positions once per
 * reference: measured, the path pattern that 25 file tools share cost 0.2 s
 * of the plan grammar's compilation, 0.045 s compiled alone. Such a rule,
 * referred to more than once, keeps its opening literal and refers to a
 * rule holding the rest: it is no longer inlined, and its rest (referred to
 * once) is compiled once.
 */
function keepShared(lines: string[]): string[] {
  const rule = /^([A-Za-z_][A-Za-z0-9_]*) ::= (.*)$/;
  const bodies = new Map<string, string>();
  for (const l of lines) {
    const m = rule.exec(l);
    if (m) bodies.set(m[1]!, m[2]!);
  }
  const uses = new Map<string, number>();
  const scanned = new Map([...bodies].map(([name, body]) => [name, scan(body)]));
  for (const { refs } of scanned.values()) for (const r of refs) uses.set(r, (uses.get(r) ?? 0) + 1);
  const out: string[] = [];
  const tails: string[] = [];
  for (const l of lines) {
    const m = rule.exec(l);
    const info = m && scanned.get(m[1]!);
    const head = m && /^("(?:\\.|[^"\\])*")\s+(\S.*)$/.exec(m[2]!);
    // A lookahead closes a rule's own body: such rules are left as they are.
    if (!m || !info || !head || info.refs.length || !info.repeats || info.topChoice || m[2]!.includes("(=") || (uses.get(m[1]!) ?? 0) < 2) {
      out.push(l);
      continue;
    }
    let tail = `${m[1]}_rest`;
    for (let k = 0; bodies.has(tail); k++) tail = `${m[1]}_rest_${k}`;
    bodies.set(tail, head[2]!);
    out.push(`${m[1]} ::= ${head[1]} ${tail}`);
    tails.push(`${tail} ::= ${head[2]}`);
  }
  return [...out, ...tails];
}

/**
 * `ebnf` with each large repetition written more than once hoisted into one
 * shared rule, and shared terminal rules kept from being inlined.
 */
export function shareGrammar(ebnf: string): string {
  return keepShared(shareRepeats(ebnf).split("\n")).join("\n");
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
