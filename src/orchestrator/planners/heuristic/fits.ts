/**
 * Does a planned call fit the tool this system has? The planner only sees
 * tools as descriptions (name, JSON Schema of the input), so it checks each
 * call's arguments against that schema before handing the plan over: a
 * tool from another version (sys.cleanup before it took scopes) or an
 * argument out of range makes the planner refuse, saying which, instead of
 * a plan that fails half way. The subset of JSON Schema that valibot's
 * conversion produces is checked: type, properties, required,
 * additionalProperties, enum, const, pattern, minimum/maximum,
 * minLength/maxLength, minItems/maxItems, items, anyOf.
 */
type Schema = Record<string, unknown>;

const patterns = new Map<string, RegExp | null>();

function pattern(src: string): RegExp | null {
  let re = patterns.get(src);
  if (re === undefined) {
    try {
      re = new RegExp(src, "u");
    } catch {
      re = null; // a pattern JavaScript cannot compile is the tool's to check
    }
    patterns.set(src, re);
  }
  return re;
}

function typeOk(type: unknown, v: unknown): boolean {
  const types = Array.isArray(type) ? type : [type];
  return types.some((t) => {
    switch (t) {
      case "string":
        return typeof v === "string";
      case "integer":
        return typeof v === "number" && Number.isInteger(v);
      case "number":
        return typeof v === "number" && Number.isFinite(v);
      case "boolean":
        return typeof v === "boolean";
      case "array":
        return Array.isArray(v);
      case "object":
        return typeof v === "object" && v !== null && !Array.isArray(v);
      case "null":
        return v === null;
      default:
        return true;
    }
  });
}

/** The first problem with `v` under `schema`, as "field: what", or null when it fits. */
export function problem(schema: Schema, v: unknown, at = "args"): string | null {
  if (Array.isArray(schema.anyOf)) {
    const ok = (schema.anyOf as Schema[]).some((s) => problem(s, v, at) === null);
    if (!ok) return `${at}: matches none of the accepted forms`;
  }
  if (schema.type !== undefined && !typeOk(schema.type, v)) return `${at}: must be ${String(schema.type)}`;
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => e === v)) return `${at}: must be one of ${schema.enum.join(", ")}`;
  if ("const" in schema && schema.const !== v) return `${at}: must be ${JSON.stringify(schema.const)}`;
  if (typeof v === "string") {
    if (typeof schema.minLength === "number" && v.length < schema.minLength) return `${at}: too short`;
    if (typeof schema.maxLength === "number" && v.length > schema.maxLength) return `${at}: too long`;
    if (typeof schema.pattern === "string" && pattern(schema.pattern) && !pattern(schema.pattern)!.test(v)) return `${at}: ${JSON.stringify(v)} is not accepted`;
  }
  if (typeof v === "number") {
    if (typeof schema.minimum === "number" && v < schema.minimum) return `${at}: must be at least ${schema.minimum}`;
    if (typeof schema.maximum === "number" && v > schema.maximum) return `${at}: must be at most ${schema.maximum}`;
  }
  if (Array.isArray(v)) {
    if (typeof schema.minItems === "number" && v.length < schema.minItems) return `${at}: needs at least ${schema.minItems}`;
    if (typeof schema.maxItems === "number" && v.length > schema.maxItems) return `${at}: at most ${schema.maxItems}`;
    if (schema.items && typeof schema.items === "object") {
      for (const [i, item] of v.entries()) {
        const p = problem(schema.items as Schema, item, `${at}[${i}]`);
        if (p) return p;
      }
    }
  }
  if (typeof v === "object" && v !== null && !Array.isArray(v)) {
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const r of (schema.required ?? []) as string[]) if (!(r in v)) return `${at}.${r}: is required`;
    for (const [k, val] of Object.entries(v)) {
      const s = props[k];
      if (!s) {
        if (schema.additionalProperties === false) return `${at}.${k}: this version of the tool does not take it`;
        continue;
      }
      const p = problem(s, val, `${at}.${k}`);
      if (p) return p;
    }
  }
  return null;
}
