/**
 * `call TOOL key=value…`: words typed by the tool's input JSON Schema (the one
 * valibot schema that also drives validation, the REPL and the console's
 * forms). Numbers and integers are numbers, booleans are true/false (yes/no,
 * on/off, 1/0), enums are checked, arrays take JSON (`names=["a","b"]`) or a
 * comma list (`names=a,b`) or the key repeated, objects take JSON; strings
 * stay exactly as typed (`content=123` is the text "123"). A single JSON
 * object is taken whole. What the schema refuses is named here, before any
 * request: an unknown key (with the known ones), a missing required one, a
 * value of the wrong type.
 */
import { usageError } from "./errors";

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
}

class BadValue extends Error {}

const TRUE = new Set(["true", "yes", "on", "1"]);
const FALSE = new Set(["false", "no", "off", "0"]);

function typesOf(s: JsonSchema): string[] {
  if (s.type) return Array.isArray(s.type) ? s.type : [s.type];
  if (s.enum) return [...new Set(s.enum.map((x) => (x === null ? "null" : typeof x)))];
  if (s.const !== undefined) return [typeof s.const];
  if (s.properties) return ["object"];
  return [];
}

function json(raw: string, want: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new BadValue(`must be ${want} in JSON`);
  }
}

/** One value by its schema; throws BadValue with the reason. */
export function typed(raw: string, s: JsonSchema): unknown {
  const alts = s.anyOf ?? s.oneOf;
  if (alts) {
    const reasons: string[] = [];
    for (const alt of alts) {
      try {
        return typed(raw, alt);
      } catch (err) {
        reasons.push((err as Error).message);
      }
    }
    throw new BadValue(reasons.join(", or "));
  }
  if (s.enum) {
    const hit = s.enum.find((x) => String(x) === raw);
    if (hit === undefined) throw new BadValue(`must be one of ${s.enum.map(String).join(", ")}`);
    return hit;
  }
  if (s.const !== undefined) {
    if (String(s.const) !== raw) throw new BadValue(`must be ${String(s.const)}`);
    return s.const;
  }
  const types = typesOf(s);
  if (types.includes("null") && raw === "null") return null;
  const t = types.find((x) => x !== "null");
  switch (t) {
    case "string":
      return raw;
    case "integer":
      if (!/^-?\d{1,16}$/.test(raw)) throw new BadValue("must be an integer");
      return Number(raw);
    case "number": {
      const n = raw.trim() === "" ? Number.NaN : Number(raw);
      if (!Number.isFinite(n)) throw new BadValue("must be a number");
      return n;
    }
    case "boolean":
      if (TRUE.has(raw.toLowerCase())) return true;
      if (FALSE.has(raw.toLowerCase())) return false;
      throw new BadValue("must be true or false");
    case "array": {
      if (raw.trimStart().startsWith("[")) {
        const v = json(raw, "a list");
        if (!Array.isArray(v)) throw new BadValue("must be a list");
        return v;
      }
      if (raw === "") return [];
      const items = s.items ?? {};
      return raw.split(",").map((part) => typed(part, items));
    }
    case "object": {
      const v = json(raw, 'an object, e.g. {"key":"value"},');
      if (!v || typeof v !== "object" || Array.isArray(v)) throw new BadValue('must be a JSON object, e.g. {"key":"value"}');
      return v;
    }
    default:
      // No type said (any): JSON when it parses, else the text.
      try {
        return JSON.parse(raw);
      } catch {
        return raw;
      }
  }
}

/** The words after the tool's name as its arguments. */
export function typedArgs(tool: string, schema: JsonSchema, words: string[]): Record<string, unknown> {
  if (words.length === 1 && words[0]!.trimStart().startsWith("{")) {
    try {
      const v = JSON.parse(words[0]!);
      if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch (err) {
      throw usageError(`${tool}: arguments: malformed JSON: ${(err as Error).message}`);
    }
  }
  const props = schema.properties ?? {};
  const known = Object.keys(props);
  const out: Record<string, unknown> = {};
  for (const w of words) {
    const eq = w.indexOf("=");
    if (eq <= 0) throw usageError(`${tool}: ${JSON.stringify(w.slice(0, 80))}: arguments are key=value (${known.join(", ") || "this tool takes none"})`);
    const key = w.slice(0, eq);
    const raw = w.slice(eq + 1);
    const s = props[key];
    if (!s && schema.additionalProperties === false) {
      throw usageError(`${tool}: ${key}: unknown argument (${known.length ? `it takes ${known.join(", ")}` : "it takes none"})`);
    }
    let value: unknown;
    try {
      value = typed(raw, s ?? {});
    } catch (err) {
      if (!(err instanceof BadValue)) throw err;
      throw usageError(`${tool}: ${key}: ${err.message} (got ${JSON.stringify(raw.slice(0, 80))})`);
    }
    if (key in out) {
      if (!Array.isArray(out[key]) || !Array.isArray(value)) throw usageError(`${tool}: ${key}: given twice`);
      value = [...(out[key] as unknown[]), ...value];
    }
    out[key] = value;
  }
  const missing = (schema.required ?? []).filter((k) => !(k in out));
  if (missing.length) throw usageError(`${tool}: ${missing.join(", ")}: required (e.g. ${missing.map((k) => `${k}=…`).join(" ")})`);
  return out;
}
