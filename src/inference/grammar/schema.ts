/**
 * A JSON Schema as XGrammar should compile it. Every keyword is either kept
 * (enforced token by token), rewritten into an equivalent XGrammar handles
 * correctly (patterns, see pattern.ts), or *relaxed*: left out of the grammar
 * and reported with its path, so a caller can refuse it (OpenAI's `strict`) or
 * let the output's own validation catch it (the planner's plan check).
 *
 * What is relaxed and why: a string length bound costs compile time per
 * allowed length and per vocabulary entry (measured, Qwen3's 151,669 tokens:
 * maxLength 16 2.5 s, 256 30 s, on the event loop; the tiny GPT-2's 326
 * tokens: 64 in 0.1 s), so lengths are compiled only while length × vocabulary
 * stays under LENGTH_BUDGET, and relaxed beyond. `multipleOf`, `uniqueItems`,
 * `not`, conditionals and property-count bounds have no grammar form.
 * Annotations (title, description, default...) say nothing about the output.
 */
import { GrammarError } from "./errors";
import { integerBounds, integerRange, numberRange, type Bounds } from "./numeric";
import { SAFE_CHAR, schemaPattern } from "./pattern";

export type JsonSchema = Record<string, unknown>;

export interface PreparedSchema {
  schema: JsonSchema | boolean;
  /** Keywords the grammar does not enforce, as "path: keyword (why)". */
  relaxed: string[];
  /**
   * EBNF rules for bounded numbers (numeric.ts), by name; the schema holds a
   * placeholder const `"__<name>__"` where each goes (xgrammar.ts splices them in).
   */
  rules: Record<string, string>;
}

const BOUNDS = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"] as const;

/** Formats XGrammar's JSON Schema converter builds grammars for. */
const FORMATS = new Set(["date", "time", "date-time", "duration", "email", "ipv4", "ipv6", "hostname", "uuid", "uri"]);
const ANNOTATIONS = new Set(["title", "description", "default", "examples", "$schema", "$id", "$comment", "deprecated", "readOnly", "writeOnly", "$anchor", "strict"]);
const NO_GRAMMAR = new Set(["multipleOf", "uniqueItems", "not", "if", "then", "else", "minProperties", "maxProperties", "patternProperties", "propertyNames", "dependentRequired", "dependentSchemas", "contains", "minContains", "maxContains", "unevaluatedProperties", "unevaluatedItems", "contentEncoding", "contentMediaType"]);
const SUBSCHEMA_MAPS = ["properties", "$defs", "definitions"] as const;
const KEPT = new Set(["type", "required", "enum", "const", "$ref", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems"]);

/** Keeps a hostile or runaway schema from turning into minutes of compilation. */
export const LIMITS = { nodes: 4000, depth: 24, maxItems: 256 } as const;
/** String length bounds are compiled while bound × vocabulary size stays under this (about 0.1 s of compilation). */
export const LENGTH_BUDGET = 30_000;

export interface PrepareOptions {
  /** The model's vocabulary size; length bounds are compiled only when cheap for it. */
  vocabSize?: number;
}

export function prepareSchema(input: unknown, where = "schema", opts: PrepareOptions = {}): PreparedSchema {
  const relaxed: string[] = [];
  const rules: Record<string, string> = {};
  // Placeholder names derive from the schema, so a schema cannot hold its own placeholder and the cache key is stable.
  const nonce = Bun.hash(JSON.stringify(input) ?? "").toString(36);
  let nodes = 0;
  /** Schemas whose pattern already carries their maxLength. */
  const lengthDone = new WeakSet<JsonSchema>();
  const relax = (path: string, keyword: string, why: string) => relaxed.push(`${path}: ${keyword} (${why})`);

  const walk = (s: unknown, path: string, depth: number): JsonSchema | boolean => {
    if (typeof s === "boolean") return s;
    if (s === null || typeof s !== "object" || Array.isArray(s)) throw new GrammarError(`${path}: must be a JSON Schema object or boolean`, path);
    if (++nodes > LIMITS.nodes) throw new GrammarError(`${where}: more than ${LIMITS.nodes} subschemas`, where);
    if (depth > LIMITS.depth) throw new GrammarError(`${path}: nested deeper than ${LIMITS.depth} levels`, path);
    const src = s as JsonSchema;
    const out: JsonSchema = {};
    // Pattern and format first: the length bounds may be folded into them (see lengths).
    const first = (k: string) => Number(k === "pattern" || k === "format");
    for (const [key, value] of Object.entries(src).sort(([a], [b]) => first(b) - first(a))) {
      if (ANNOTATIONS.has(key)) continue;
      if (KEPT.has(key)) {
        if (key === "maxItems" && typeof value === "number" && value > LIMITS.maxItems) relax(path, key, `more than ${LIMITS.maxItems}`);
        else out[key] = value;
      } else if ((SUBSCHEMA_MAPS as readonly string[]).includes(key)) {
        if (value === null || typeof value !== "object" || Array.isArray(value)) throw new GrammarError(`${path}.${key}: must be an object of schemas`, `${path}.${key}`);
        out[key] = Object.fromEntries(Object.entries(value).map(([k, sub]) => [k, walk(sub, `${path}.${key}.${k}`, depth + 1)]));
      } else if (key === "items" || key === "additionalProperties") {
        out[key] = Array.isArray(value) ? value.map((sub, i) => walk(sub, `${path}.${key}.${i}`, depth + 1)) : walk(value, `${path}.${key}`, depth + 1);
      } else if (key === "prefixItems") {
        if (!Array.isArray(value)) throw new GrammarError(`${path}.prefixItems: must be an array of schemas`, `${path}.prefixItems`);
        out[key] = value.map((sub, i) => walk(sub, `${path}.prefixItems.${i}`, depth + 1));
      } else if (key === "anyOf" || key === "oneOf") {
        if (!Array.isArray(value) || value.length === 0) throw new GrammarError(`${path}.${key}: must be a non-empty array of schemas`, `${path}.${key}`);
        // Exclusivity has no grammar form; branches of a oneOf rarely overlap in practice.
        if (key === "oneOf") relax(path, "oneOf", "compiled as anyOf: one branch is produced, exclusivity is not checked");
        out.anyOf = value.map((sub, i) => walk(sub, `${path}.${key}.${i}`, depth + 1));
      } else if (key === "allOf") {
        if (!Array.isArray(value)) throw new GrammarError(`${path}.allOf: must be an array of schemas`, `${path}.allOf`);
        if (value.length === 1) Object.assign(out, walk(value[0], `${path}.allOf.0`, depth + 1));
        else relax(path, "allOf", "only a single-schema allOf is compiled");
      } else if (key === "pattern") {
        if (typeof value !== "string") throw new GrammarError(`${path}.pattern: must be a string`, `${path}.pattern`);
        const r = schemaPattern(value);
        if ("unsupported" in r) relax(path, "pattern", `${r.unsupported} cannot be compiled`);
        else {
          out.pattern = r.regex;
          if (r.relaxed) relax(path, "pattern", r.relaxed);
          // A literal prefix and anything after ("^/" for paths) takes a maximum length exactly.
          const open = /^([A-Za-z0-9/_:.@ -]*)\[\^"\\\\\\x00-\\x1f\]\*$/.exec(r.regex);
          const max = typeof src.maxLength === "number" ? src.maxLength : undefined;
          if (open && max !== undefined && max >= open[1]!.length && max * (opts.vocabSize ?? Number.POSITIVE_INFINITY) <= LENGTH_BUDGET) {
            out.pattern = `${open[1]}${SAFE_CHAR}{0,${max - open[1]!.length}}`;
            if (Number(src.minLength ?? 0) <= open[1]!.length) lengthDone.add(out);
          }
        }
      } else if (key === "format") {
        if (FORMATS.has(String(value)) && src.pattern === undefined) out.format = value;
        else relax(path, "format", src.pattern === undefined ? `format ${String(value)} has no grammar` : "ignored beside a pattern");
      } else if (key === "minLength" || key === "maxLength") {
        lengths(src, out, path, key);
      } else if (NO_GRAMMAR.has(key)) relax(path, key, "no grammar form");
      // Anything else is not a validation keyword of JSON Schema: it constrains nothing.
    }
    return numeric(out, path);
  };

  /** A string's length bounds: a bounded pattern when cheap for this vocabulary, XGrammar's own minLength ≤ 1, else relaxed. */
  const lengths = (src: JsonSchema, out: JsonSchema, path: string, key: "minLength" | "maxLength") => {
    const min = typeof src.minLength === "number" ? src.minLength : 0;
    const max = typeof src.maxLength === "number" ? src.maxLength : undefined;
    if (lengthDone.has(out)) return;
    const cheap = (n: number) => n * (opts.vocabSize ?? Number.POSITIVE_INFINITY) <= LENGTH_BUDGET;
    if (src.format === "uri" && src.pattern === undefined && max !== undefined && max >= 11 && cheap(max)) {
      // A bounded URI: http(s), a host and a path, each within the bound (a narrowing of "uri": every string produced is one).
      if (key === "maxLength") {
        const n = Math.min(24, Math.floor((max - 9) / 2));
        out.pattern = `https?://[a-z0-9.-]{1,${n}}(/[A-Za-z0-9._~%-]{0,${n}})?`;
        delete out.format;
      }
      return;
    }
    if (src.pattern !== undefined || src.format !== undefined) return relax(path, key, "ignored beside a pattern or format");
    if (cheap(max ?? min) && min <= (max ?? min)) {
      // Both bounds in one rule; the second keyword adds nothing.
      if (key === "minLength" || src.minLength === undefined) out.pattern = `${SAFE_CHAR}{${min},${max ?? ""}}`;
      return;
    }
    if (key === "minLength" && min <= 1 && max === undefined) {
      out.minLength = min;
      return;
    }
    relax(path, key, `a length bound of ${max ?? min} costs too much compile time with a ${opts.vocabSize ?? "large"}-token vocabulary`);
  };

  /** Bounded integers and numbers become a placeholder for a hand-written rule (XGrammar's own are wrong). */
  const numeric = (out: JsonSchema, path: string): JsonSchema => {
    const present = BOUNDS.filter((k) => out[k] !== undefined);
    if (!present.length) return out;
    const types = typeof out.type === "string" ? [out.type] : Array.isArray(out.type) ? (out.type as string[]) : [];
    const kind = types.includes("number") ? "number" : types.includes("integer") ? "integer" : undefined;
    const bounds: Bounds = {};
    for (const k of present) {
      const value = out[k];
      delete out[k];
      if (typeof value === "number" && Number.isFinite(value)) bounds[k] = value;
      else relax(path, k, "only a finite number bound has a grammar (not draft-04's boolean form)");
    }
    // Enumerated values are already exact; an untyped schema's bounds would need every type's grammar.
    if (!kind || out.enum !== undefined || out.const !== undefined) {
      if (!kind && out.enum === undefined && out.const === undefined) for (const k of Object.keys(bounds)) relax(path, k, "bounds apply only with type integer or number");
      return out;
    }
    const rule = kind === "number" ? numberRange(bounds) : integerRange(...integerBounds(bounds));
    if (!rule) {
      for (const k of Object.keys(bounds)) relax(path, k, "no value in range has a grammar (a decimal-only range)");
      return out;
    }
    const name = `aios_${nonce}_${Object.keys(rules).length}`;
    rules[name] = rule;
    const placeholder = { const: `__${name}__` };
    const others = types.filter((t) => t !== "integer" && t !== "number");
    delete out.type;
    return others.length ? { anyOf: [placeholder, { ...out, type: others.length === 1 ? others[0] : others }] } : placeholder;
  };
  return { schema: walk(input, where, 0), relaxed, rules };
}
