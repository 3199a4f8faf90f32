/**
 * A form generated from a tool's input JSON Schema (the one valibot schema
 * behind validation, the CLI and the REPL): required fields marked and
 * checked, enums as selects, numbers with their bounds, booleans as
 * checkboxes, lists of strings or numbers one per line, anything else as
 * JSON. A field the API refuses (400 `field: args.path`) is marked and
 * focused.
 */
import type { Child } from "hono/jsx";

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
}

type Kind = "enum" | "string" | "integer" | "number" | "boolean" | "list" | "json";

function typeOf(s: JsonSchema): string | undefined {
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== "null") : s.type;
  return t ?? (s.enum ? typeof s.enum[0] : undefined);
}

export function kindOf(s: JsonSchema): Kind {
  if (s.enum) return "enum";
  const t = typeOf(s);
  if (t === "string" || t === "integer" || t === "number" || t === "boolean") return t;
  if (t === "array") {
    const it = s.items ? typeOf(s.items) : undefined;
    if (it === "string" || it === "number" || it === "integer") return "list";
  }
  return "json";
}

const LONG_TEXT = /^(content|text|body|script|data|message|config)$/i;

const fieldId = (tool: string, key: string) => `f-${tool.replace(/\W/g, "-")}-${key}`;

function hint(s: JsonSchema, kind: Kind): string {
  const parts: string[] = [];
  if (s.description) parts.push(s.description);
  if (kind === "list") parts.push("one per line");
  if (kind === "json") parts.push("JSON");
  if (s.minimum !== undefined || s.maximum !== undefined) parts.push(`${s.minimum ?? "…"} to ${s.maximum ?? "…"}`);
  if (s.default !== undefined && kind !== "boolean") parts.push(`default ${JSON.stringify(s.default)}`);
  return parts.join("; ");
}

function Field({ tool, name, s, required, invalid }: { tool: string; name: string; s: JsonSchema; required: boolean; invalid: boolean }) {
  const id = fieldId(tool, name);
  const kind = kindOf(s);
  const help = hint(s, kind);
  const described = help ? `${id}-help` : undefined;
  const common = { id, name, "aria-invalid": invalid ? "true" : undefined, "aria-describedby": described };
  let control: Child;
  switch (kind) {
    case "enum":
      control = (
        <select {...common} required={required}>
          {required ? null : <option value="">(default{s.default !== undefined ? `: ${String(s.default)}` : ""})</option>}
          {(s.enum ?? []).map((v) => (
            <option value={String(v)} selected={s.default === v && required}>
              {String(v)}
            </option>
          ))}
        </select>
      );
      break;
    case "boolean":
      control = <input {...common} type="checkbox" checked={s.default === true} />;
      break;
    case "integer":
    case "number":
      control = <input {...common} type="number" inputmode={kind === "integer" ? "numeric" : "decimal"} step={kind === "integer" ? "1" : "any"} min={s.minimum} max={s.maximum} required={required} />;
      break;
    case "string":
      // Text bodies get room; names, paths and patterns one line.
      control = LONG_TEXT.test(name) ? (
        <textarea {...common} rows={4} required={required} minlength={s.minLength} maxlength={s.maxLength} spellcheck={false} />
      ) : (
        <input {...common} type="text" required={required} minlength={s.minLength} maxlength={s.maxLength} autocomplete="off" />
      );
      break;
    default:
      control = <textarea {...common} rows={kind === "list" ? 3 : 2} required={required} spellcheck={false} />;
  }
  return (
    <div class={`field ${kind === "boolean" ? "check" : ""}`}>
      <label for={id}>
        {name}
        {required ? <span class="req"> (required)</span> : null}
      </label>
      {control}
      {help ? (
        <small id={described} class="muted">
          {help}
        </small>
      ) : null}
    </div>
  );
}

export function SchemaFields({ tool, schema, invalid }: { tool: string; schema: JsonSchema; invalid?: string }) {
  const props = Object.entries(schema.properties ?? {});
  if (!props.length) return <p class="muted">This tool takes no arguments.</p>;
  const required = new Set(schema.required ?? []);
  // Required first, in the schema's order.
  props.sort(([a], [b]) => Number(required.has(b)) - Number(required.has(a)));
  return (
    <>
      {props.map(([k, s]) => (
        <Field tool={tool} name={k} s={s} required={required.has(k)} invalid={invalid === k} />
      ))}
    </>
  );
}

export class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** The form's values as the tool's arguments; an empty optional field is left out (its default applies). */
export function readArgs(form: HTMLFormElement, tool: string, schema: JsonSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const required = new Set(schema.required ?? []);
  for (const [k, s] of Object.entries(schema.properties ?? {})) {
    const el = form.querySelector<HTMLInputElement>(`#${CSS.escape(fieldId(tool, k))}`);
    if (!el) continue;
    const kind = kindOf(s);
    if (kind === "boolean") {
      if (el.checked || required.has(k) || s.default === true) out[k] = el.checked;
      continue;
    }
    const raw = el.value;
    if (raw.trim() === "") {
      if (required.has(k)) throw new FieldError(k, "required");
      continue;
    }
    switch (kind) {
      case "enum":
        out[k] = (s.enum ?? []).find((v) => String(v) === raw) ?? raw;
        break;
      case "integer":
      case "number": {
        const n = Number(raw);
        if (!Number.isFinite(n) || (kind === "integer" && !Number.isInteger(n))) throw new FieldError(k, `must be ${kind === "integer" ? "an integer" : "a number"}`);
        out[k] = n;
        break;
      }
      case "list": {
        const numeric = typeOf(s.items ?? {}) !== "string";
        const items = raw.split("\n").map((x) => x.trim()).filter(Boolean);
        if (numeric && items.some((x) => !Number.isFinite(Number(x)))) throw new FieldError(k, "must be numbers, one per line");
        out[k] = numeric ? items.map(Number) : items;
        break;
      }
      case "json":
        try {
          out[k] = JSON.parse(raw);
        } catch {
          throw new FieldError(k, "must be JSON");
        }
        break;
      default:
        out[k] = raw;
    }
  }
  return out;
}

/** Focuses the field an error names (`args.path` or `path`). */
export function focusField(tool: string, field: string | undefined): string | undefined {
  const key = field?.replace(/^args\./, "").split(/[.[]/)[0];
  if (!key) return undefined;
  document.getElementById(fieldId(tool, key))?.focus();
  return key;
}
