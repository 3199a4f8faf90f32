/**
 * Patterns over tokens: how an intent says which words it consumes.
 *
 *   restart [the] {names:services} [service]
 *   (is|are) {names:services} (running|up) <action=status>
 *
 * - `word`       one token whose text or lemma is the word ("package" also takes "packages",
 *                and "packages" "package"); `word!` that form only ("rules!": all of them)
 * - `(a|b c)`    alternatives, each a sequence
 * - `[a b|c]`    optional (alternatives allowed)
 * - `{type}` or `{name:type}`  a typed slot (slots.ts): a package list, a path, a port...;
 *                the captured value goes under `name` (default: the type)
 * - `<key=value>` consumes nothing and records key = value (JSON, or a bare string)
 * - `@macro`     a named piece of pattern (MACROS in compile.ts)
 *
 * Matching runs the pattern over the token list as a set of positions
 * (like an NFA): each element maps the set of (position, captures) reached
 * so far to the next set, keeping one state per position. The work is
 * bounded by elements × tokens × the ends a slot offers, never exponential,
 * whatever the input.
 */
import { lemmaOf, type Token } from "./lex";

export type Node =
  | { k: "lit"; words: readonly string[] }
  | { k: "seq"; items: readonly Node[] }
  | { k: "alt"; options: readonly Node[] }
  | { k: "opt"; item: Node }
  | { k: "slot"; type: string; name: string }
  | { k: "set"; key: string; value: unknown };

/** A persistent list of captures: cheap to extend in one state without touching another. */
export interface Cap {
  key: string;
  value: unknown;
  next: Cap | null;
}

export interface Fix {
  from: string;
  to: string;
}

export interface State {
  pos: number;
  caps: Cap | null;
  fixes: readonly Fix[];
  /** Tokens taken by slots: of two readings that end at the same place, the one reading more words as the grammar's own wins ("uninstall curl completely": "completely" is the qualifier, not a package). */
  named: number;
}

export interface SlotMatch {
  end: number;
  value: unknown;
  /** Typo readings the slot used (vocabulary slots only: "proccesses" read as a usage word). */
  fixes?: readonly Fix[];
}

/** A slot type: the ends (and values) a slot starting at `pos` may have. */
export type SlotType = (tokens: readonly Token[], pos: number, env: SlotEnv) => SlotMatch[];

export interface SlotEnv {
  slots: Readonly<Record<string, SlotType>>;
  /** Whether typo readings may be used (the second pass). */
  typos?: boolean;
  /** Anything the slot types need from the reader (the catalogue, for a scheduled goal). */
  [extra: string]: unknown;
}

export class PatternError extends Error {
  constructor(pattern: string, why: string) {
    super(`pattern "${pattern}": ${why}`);
    this.name = "PatternError";
  }
}

/** Parses a pattern; `@name` is the node `macros` gives for it (parsed once, shared). */
export function parsePattern(src: string, slotTypes?: ReadonlySet<string>, macros?: Readonly<Record<string, Node>>): Node {
  // "->" and "=>" are words people write ("symlink /a -> /b"), not a capture's brackets.
  const toks = src.match(/\(|\)|\[|\]|\||\{[^}]*\}|<[^>]*>|->|=>|[^\s()[\]|{}<>]+/g) ?? [];
  let i = 0;
  const seq = (close: string | null): Node => {
    const options: Node[] = [];
    let items: Node[] = [];
    for (;;) {
      const t = toks[i];
      if (t === undefined) {
        if (close !== null) throw new PatternError(src, `missing ${close}`);
        break;
      }
      if (t === close) {
        i++;
        break;
      }
      i++;
      if (t === ")" || t === "]") throw new PatternError(src, `unexpected ${t}`);
      if (t === "|") {
        options.push(items.length === 1 ? items[0]! : { k: "seq", items });
        items = [];
      } else if (t === "(") items.push(seq(")"));
      else if (t === "[") items.push({ k: "opt", item: seq("]") });
      else if (t.startsWith("{")) {
        const inner = t.slice(1, -1);
        const [name, type] = inner.includes(":") ? inner.split(":") : [inner, inner];
        if (!name || !type) throw new PatternError(src, `bad slot ${t}`);
        if (slotTypes && !slotTypes.has(type)) throw new PatternError(src, `unknown slot type ${type}`);
        items.push({ k: "slot", name, type });
      } else if (t.startsWith("<")) {
        const inner = t.slice(1, -1);
        const eq = inner.indexOf("=");
        if (eq <= 0) throw new PatternError(src, `bad capture ${t}`);
        const raw = inner.slice(eq + 1);
        // true, false, numbers and "quoted" strings are JSON; anything else is a bare string.
        const value: unknown = /^(true|false|null|-?\d+(\.\d+)?|"[^"]*")$/.test(raw) ? JSON.parse(raw) : raw;
        items.push({ k: "set", key: inner.slice(0, eq), value });
      } else if (t.startsWith("@")) {
        const m = macros?.[t.slice(1)];
        if (!m) throw new PatternError(src, `unknown macro ${t}`);
        items.push(m);
      } else if (t.length > 1 && t.endsWith("!")) {
        // "rules!": this form only, where the number says something ("the rules" are all of them).
        items.push({ k: "lit", words: [t.slice(0, -1).toLowerCase()] });
      } else {
        // A plural in a pattern also reads the singular ("list every user", "show each listening port"): the number of a noun rarely changes what is done.
        const w = t.toLowerCase();
        const base = lemmaOf(w);
        items.push({ k: "lit", words: base === w ? [w] : [w, base] });
      }
    }
    const last = items.length === 1 ? items[0]! : { k: "seq" as const, items };
    if (options.length === 0) return last;
    const all = [...options, last];
    // (a|b|c) of single words is one literal node with three words: one step instead of three.
    if (all.every((n) => n.k === "lit")) return { k: "lit", words: all.flatMap((n) => (n as { words: readonly string[] }).words) };
    return { k: "alt", options: all };
  };
  const node = seq(null);
  if (i < toks.length) throw new PatternError(src, "unbalanced brackets");
  return node;
}

/** Every literal word in a pattern: the vocabulary typos are read against. */
export function literals(node: Node, out: Set<string> = new Set()): Set<string> {
  switch (node.k) {
    case "lit":
      for (const w of node.words) out.add(w);
      break;
    case "seq":
      for (const n of node.items) literals(n, out);
      break;
    case "alt":
      for (const n of node.options) literals(n, out);
      break;
    case "opt":
      literals(node.item, out);
      break;
  }
  return out;
}

/** Whether token `t` is the literal word `w`; "fix" when only its typo reading is. */
export function literalMatch(t: Token, w: string, typos: boolean): boolean | "fix" {
  // A literal path ("/tmp") matches that path token; no other literal matches a path, URL or quoted text.
  if (t.kind === "path") return w.startsWith("/") && t.text === w;
  if (t.kind === "quoted" || t.kind === "url") return false;
  if (t.text === w || t.lemma === w) return true;
  return typos && t.fix !== undefined && (t.fix === w || lemmaOf(t.fix) === w) ? "fix" : false;
}

export interface MatchOptions {
  typos: boolean;
  env: SlotEnv;
  /** Updated with the furthest position a complete form reached (for "what was not understood"); see grammar.ts. */
  furthest?: { pos: number };
}

/** Whether `a` is a better reading than `b` of the same tokens: fewer typo readings, then fewer words taken as names. */
export function better(a: State, b: State): boolean {
  return a.fixes.length < b.fixes.length || (a.fixes.length === b.fixes.length && a.named < b.named);
}

export function add(into: Map<number, State>, s: State): boolean {
  const had = into.get(s.pos);
  if (had && !better(s, had)) return false;
  into.set(s.pos, s);
  return true;
}

/** The states reached after `node`, from each of `from`. */
export function step(node: Node, tokens: readonly Token[], from: ReadonlyMap<number, State>, o: MatchOptions): Map<number, State> {
  const out = new Map<number, State>();
  switch (node.k) {
    case "lit":
      for (const s of from.values()) {
        const t = tokens[s.pos];
        if (!t) continue;
        for (const w of node.words) {
          const m = literalMatch(t, w, o.typos);
          if (m === true) add(out, { ...s, pos: s.pos + 1 });
          else if (m === "fix") add(out, { ...s, pos: s.pos + 1, fixes: [...s.fixes, { from: t.text, to: w }] });
          if (m) break;
        }
      }
      break;
    case "seq": {
      // Steps never change their input: the sequence threads each result into the next.
      let cur: ReadonlyMap<number, State> = from;
      for (const item of node.items) {
        cur = step(item, tokens, cur, o);
        if (cur.size === 0) break;
      }
      return cur === from ? new Map(from) : (cur as Map<number, State>);
    }
    case "alt":
      for (const opt of node.options) for (const s of step(opt, tokens, from, o).values()) add(out, s);
      break;
    case "opt":
      for (const s of from.values()) add(out, s);
      for (const s of step(node.item, tokens, from, o).values()) add(out, s);
      break;
    case "set":
      for (const s of from.values()) add(out, { ...s, caps: { key: node.key, value: node.value, next: s.caps } });
      break;
    case "slot": {
      const type = o.env.slots[node.type];
      if (!type) throw new Error(`unknown slot type ${node.type}`);
      for (const s of from.values()) {
        if (s.pos >= tokens.length) continue;
        for (const m of type(tokens, s.pos, o.env)) add(out, { ...s, pos: m.end, caps: { key: node.name, value: m.value, next: s.caps }, named: s.named + (m.end - s.pos), fixes: m.fixes?.length ? [...s.fixes, ...m.fixes] : s.fixes });
      }
      break;
    }
  }
  return out;
}

/** Captures as a record of key → values in the order they were met. */
export function captures(caps: Cap | null): Record<string, unknown[]> {
  const list: Cap[] = [];
  for (let c = caps; c; c = c.next) list.push(c);
  const out: Record<string, unknown[]> = {};
  for (const c of list.reverse()) (out[c.key] ??= []).push(c.value);
  return out;
}
