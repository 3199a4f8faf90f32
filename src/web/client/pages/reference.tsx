/** The API reference, rendered from the OpenAPI document the system serves (GET /api/v1/openapi.json). */
import type { Child } from "hono/jsx";
import { useState } from "hono/jsx/dom";
import { get } from "../api";
import { Pending, Title, useLoad } from "../ui";

interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  description?: string;
  default?: unknown;
  additionalProperties?: boolean | Schema;
}

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  operationId?: string;
  parameters?: Array<{ name: string; in: string; required?: boolean; description?: string; schema?: Schema; $ref?: string }>;
  requestBody?: { description?: string; required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
  security?: unknown[];
}

interface Doc {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

const METHODS = ["get", "post", "put", "patch", "delete", "head", "options"];

function resolve(doc: Doc, s: Schema | undefined): { name?: string; schema: Schema } {
  if (s?.$ref?.startsWith("#/components/schemas/")) {
    const name = s.$ref.slice("#/components/schemas/".length);
    return { name, schema: doc.components?.schemas?.[name] ?? {} };
  }
  return { schema: s ?? {} };
}

function typeName(doc: Doc, s: Schema | undefined): string {
  const { name, schema } = resolve(doc, s);
  if (name) return name;
  if (schema.enum) return schema.enum.map((x) => JSON.stringify(x)).join(" | ");
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const alts = schema.anyOf ?? schema.oneOf;
  if (alts) return alts.map((a) => typeName(doc, a)).join(" | ");
  if (schema.allOf) return schema.allOf.map((a) => typeName(doc, a)).join(" & ");
  const t = Array.isArray(schema.type) ? schema.type.join(" | ") : schema.type;
  if (t === "array") return `${typeName(doc, schema.items)}[]`;
  return t ?? (schema.properties ? "object" : "any");
}

/** A schema as a nested list of its fields, a few levels deep (cycles through $ref stop there). */
function SchemaView({ doc, schema, depth = 0 }: { doc: Doc; schema: Schema | undefined; depth?: number }): Child {
  const { schema: s } = resolve(doc, schema);
  const target = s.type === "array" || (Array.isArray(s.type) && s.type.includes("array")) ? resolve(doc, s.items).schema : s;
  const props = Object.entries(target.properties ?? {});
  if (!props.length || depth > 3) return <code>{typeName(doc, schema)}</code>;
  const required = new Set(target.required ?? []);
  return (
    <ul class="schema">
      {props.map(([k, p]) => (
        <li>
          <code>{k}</code>
          {required.has(k) ? <span class="req">*</span> : null} <span class="muted">{typeName(doc, p)}</span>
          {p.description ? <span> — {p.description}</span> : null}
          {resolve(doc, p).schema.properties || resolve(doc, resolve(doc, p).schema.items).schema.properties ? <SchemaView doc={doc} schema={p} depth={depth + 1} /> : null}
        </li>
      ))}
    </ul>
  );
}

function OperationView({ doc, method, path, op }: { doc: Doc; method: string; path: string; op: Operation }) {
  const body = op.requestBody?.content?.["application/json"]?.schema;
  return (
    <details class="op">
      <summary>
        <span class={`method ${method}`}>{method.toUpperCase()}</span> <code>{path}</code> {op.summary ? <span class="muted">— {op.summary}</span> : null}
      </summary>
      <div class="op-body">
        {op.description ? <p>{op.description}</p> : null}
        {op.parameters?.length ? (
          <>
            <h4>Parameters</h4>
            <ul class="schema">
              {op.parameters.map((p) => (
                <li>
                  <code>{p.name}</code> <span class="muted">
                    ({p.in}
                    {p.required ? ", required" : ""}) {typeName(doc, p.schema)}
                  </span>
                  {p.description ? ` — ${p.description}` : ""}
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {body ? (
          <>
            <h4>Body (JSON)</h4>
            <SchemaView doc={doc} schema={body} />
          </>
        ) : null}
        {op.responses ? (
          <>
            <h4>Responses</h4>
            <ul class="schema">
              {Object.entries(op.responses).map(([code, r]) => (
                <li>
                  <code>{code}</code> {r.description ?? ""}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </div>
    </details>
  );
}

export function Reference() {
  const doc = useLoad(() => get<Doc>("/api/v1/openapi.json"), []);
  const [filter, setFilter] = useState("");
  const d = doc.data;
  const groups = new Map<string, Array<{ method: string; path: string; op: Operation }>>();
  if (d) {
    for (const [path, item] of Object.entries(d.paths ?? {})) {
      for (const method of METHODS) {
        const op = item[method];
        if (!op) continue;
        const text = `${method} ${path} ${op.summary ?? ""} ${(op.tags ?? []).join(" ")}`.toLowerCase();
        if (filter && !text.includes(filter.toLowerCase())) continue;
        const tag = op.tags?.[0] ?? path.split("/").filter(Boolean).slice(0, path.startsWith("/api/v1") ? 3 : 2).join("/");
        if (!groups.has(tag)) groups.set(tag, []);
        groups.get(tag)!.push({ method, path, op });
      }
    }
  }
  return (
    <section>
      <Title intro={d ? `${d.info.title} ${d.info.version} (OpenAPI ${d.openapi}). The document itself: /api/v1/openapi.json` : "Rendered from /api/v1/openapi.json."}>API reference</Title>
      {doc.error && (doc.error as { status?: number }).status === 404 ? (
        <p class="note">This build serves no OpenAPI document (GET /api/v1/openapi.json answered 404).</p>
      ) : (
        <Pending state={doc} />
      )}
      {d ? (
        <>
          {d.info.description ? <p>{d.info.description}</p> : null}
          <div class="field inline">
            <label for="api-filter">Filter</label>
            <input id="api-filter" type="search" value={filter} onInput={(e: Event) => setFilter((e.target as HTMLInputElement).value)} placeholder="goals, post, tools…" />
          </div>
          {[...groups.entries()].map(([tag, ops]) => (
            <section class="api-group">
              <h2>{tag}</h2>
              {ops.map((o) => (
                <OperationView doc={d} method={o.method} path={o.path} op={o.op} />
              ))}
            </section>
          ))}
        </>
      ) : null}
    </section>
  );
}
