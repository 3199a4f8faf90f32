/**
 * Where things are in a TOML text, in one linear pass: the statements (a
 * table header, or a key with its value, which may span lines), and the line
 * of every key path (`system.hostname`, `autonomy.jobs.0.cron`). Bun's TOML
 * parser says neither; re-parsing every prefix to find an error took 3.7 s
 * at 8,000 lines (issue 11). No TOML library reachable here reports key
 * positions either, so this small scanner is written by hand; it only finds
 * boundaries and names, Bun.TOML still does the parsing.
 */

export interface Statement {
  /** 1-based line where it starts. */
  line: number;
  text: string;
  kind: "table" | "array" | "key";
  /** The header's or the key's dotted parts, unquoted. */
  key: string[];
}

/** Splits `a."b.c".d` into its parts, unquoted; null when it is not a key. */
export function keyParts(s: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = s.length;
  for (;;) {
    while (i < n && (s[i] === " " || s[i] === "\t")) i++;
    if (i >= n) return null;
    const q = s[i];
    if (q === '"' || q === "'") {
      const end = s.indexOf(q, i + 1);
      if (end < 0) return null;
      out.push(s.slice(i + 1, end));
      i = end + 1;
    } else {
      const m = /^[A-Za-z0-9_-]+/.exec(s.slice(i));
      if (!m) return null;
      out.push(m[0]);
      i += m[0].length;
    }
    while (i < n && (s[i] === " " || s[i] === "\t")) i++;
    if (i >= n) return out;
    if (s[i] !== ".") return null;
    i++;
  }
}

/** The statements of a TOML text; a statement ends at a newline outside strings and brackets. */
export function statements(text: string): Statement[] {
  const out: Statement[] = [];
  let line = 1;
  let start = 0;
  let startLine = 1;
  let depth = 0;
  let i = 0;
  let atStart = true;
  const n = text.length;
  const close = (end: number) => {
    const t = text.slice(start, end);
    const body = t.trim();
    if (body !== "" && !body.startsWith("#")) out.push(describe(body, startLine));
  };
  while (i < n) {
    const c = text[i]!;
    if (atStart && (c === " " || c === "\t")) {
      i++;
      continue;
    }
    atStart = false;
    if (c === "\n") {
      if (depth <= 0) {
        close(i);
        start = i + 1;
        startLine = line + 1;
        depth = 0;
        atStart = true;
      }
      line++;
      i++;
      continue;
    }
    if (c === "#") {
      while (i < n && text[i] !== "\n") i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const triple = text.startsWith(c.repeat(3), i);
      const q = triple ? c.repeat(3) : c;
      let j = i + q.length;
      for (;;) {
        if (j >= n) break;
        if (c === '"' && text[j] === "\\") {
          if (text[j + 1] === "\n") line++;
          j += 2;
          continue;
        }
        if (text.startsWith(q, j)) break;
        if (text[j] === "\n") {
          if (!triple) break; // an unclosed one-line string: the statement ends here, and fails to parse
          line++;
        }
        j++;
      }
      i = text.startsWith(q, j) ? j + q.length : j;
      continue;
    }
    if (c === "[" || c === "{") depth++;
    else if (c === "]" || c === "}") depth--;
    i++;
  }
  close(n);
  return out;
}

function describe(body: string, line: number): Statement {
  if (body.startsWith("[[")) {
    const end = body.indexOf("]]");
    return { line, text: body, kind: "array", key: (end > 0 && keyParts(body.slice(2, end))) || [] };
  }
  if (body.startsWith("[")) {
    const end = body.indexOf("]");
    return { line, text: body, kind: "table", key: (end > 0 && keyParts(body.slice(1, end))) || [] };
  }
  const eq = equalsOutsideQuotes(body);
  return { line, text: body, kind: "key", key: (eq > 0 && keyParts(body.slice(0, eq))) || [] };
}

function equalsOutsideQuotes(s: string): number {
  let q: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (q) {
      if (c === q) q = null;
    } else if (c === '"' || c === "'") q = c;
    else if (c === "=") return i;
  }
  return -1;
}

/** The line of every table, array-of-tables entry and key, by dotted path (`autonomy.jobs.0.cron`). */
export function keyLines(stmts: readonly Statement[]): Map<string, number> {
  const lines = new Map<string, number>();
  const counts = new Map<string, number>();
  let table: string[] = [];
  for (const s of stmts) {
    if (s.kind === "array") {
      const name = s.key.join(".");
      const i = counts.get(name) ?? 0;
      counts.set(name, i + 1);
      table = [...s.key, String(i)];
      if (!lines.has(name)) lines.set(name, s.line);
    } else if (s.kind === "table") {
      table = s.key;
    } else {
      lines.set([...table, ...s.key].join("."), s.line);
      continue;
    }
    lines.set(table.join("."), s.line);
  }
  return lines;
}

/** The line of the first statement Bun's parser refuses on its own, or of a key or table defined twice. */
export function errorLine(text: string): number | undefined {
  const stmts = statements(text);
  for (const s of stmts) {
    try {
      Bun.TOML.parse(s.text);
    } catch {
      return s.line;
    }
  }
  const seen = new Set<string>();
  let table: string[] = [];
  for (const s of stmts) {
    if (s.kind === "array") {
      table = [...s.key, `#${s.line}`];
      continue;
    }
    const full = s.kind === "table" ? s.key : [...table, ...s.key];
    if (s.kind === "table") table = s.key;
    const k = full.join("\u0000");
    if (seen.has(k)) return s.line;
    seen.add(k);
  }
  return undefined;
}
