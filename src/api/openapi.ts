/**
 * The OpenAPI 3.1 document at GET /api/v1/openapi.json, generated from the
 * app itself: hono-openapi walks the routes as mounted, each route's `doc()`
 * names its summary, its query parameters (params.ts, the same objects that
 * read them) and its body (the valibot schema readJson validates with); the
 * role table adds `x-aios-role` and the security of each operation; the tool
 * registry adds one operation per tool, POST /api/v1/tools/{its name}, with
 * its input and output schemas (the tool's own valibot schemas), its risk and
 * flags. One source of truth: nothing here restates a schema by hand.
 */
import { toJsonSchema } from "@valibot/to-json-schema";
import type { Hono } from "hono";
import { generateSpecs, resolver, uniqueSymbol } from "hono-openapi";
import { findTargetHandler } from "hono/utils/handler";
import type * as v from "valibot";
import { buildInfo } from "../sys";
import type { ToolRegistry } from "../tools";
import { BODY_RULES, DEFAULT_BODY_BYTES } from "./limits";
import type { QueryParam } from "./params";
import { routeRole, toolRole } from "./roles";

type Json = Record<string, unknown>;

export interface RouteDoc {
  summary: string;
  description?: string;
  /** JSON request body, as the route validates it. */
  body?: v.GenericSchema;
  /** A body that is not JSON: its media type (sent as bytes, e.g. an update image). */
  rawBody?: string;
  query?: readonly QueryParam<unknown>[];
  /** Success responses: status → description, or description and a JSON Schema of the body. */
  responses?: Record<number, string | { description: string; schema?: Json; type?: string }>;
  /** The answer is a stream of server-sent events. */
  sse?: boolean;
}

const TARGET = { options: { target: "draft-2020-12" } };

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect) of a valibot schema; checks JSON Schema cannot state are left out. */
export function schemaOf(schema: v.GenericSchema): Json {
  const s = toJsonSchema(schema, { errorMode: "ignore", target: "draft-2020-12" }) as Json;
  delete s.$schema;
  return s;
}

/** Attaches a route's documentation to its handler (no middleware: nothing runs per request). */
export function doc<H extends object>(d: RouteDoc, handler: H): H {
  return Object.assign(handler, { [uniqueSymbol]: lazySpec(d) });
}

/**
 * hono-openapi's attachment, its spec built when GET /api/v1/openapi.json first asks: built
 * eagerly, every route's spec was PID 1's work on the way to ready, for a document few read.
 */
function lazySpec(d: RouteDoc): { readonly spec: Json } {
  let spec: Json | undefined;
  return {
    get spec() {
      return (spec ??= specOf(d));
    },
  };
}

/**
 * Documents routes another module mounted (by `METHOD /full/path`): their
 * handlers get the same attachment doc() gives, through Hono's wrappers.
 */
export function docMounted(app: Hono, docs: Readonly<Record<string, RouteDoc>>): void {
  for (const r of app.routes) {
    const d = docs[`${r.method} ${r.path}`];
    if (d) Object.assign(findTargetHandler(r.handler), { [uniqueSymbol]: lazySpec(d) });
  }
}

function specOf(d: RouteDoc): Json {
  const spec: Json = { summary: d.summary };
  if (d.description) spec.description = d.description;
  if (d.query?.length) spec.parameters = d.query.map((q) => q.doc);
  if (d.body) spec.requestBody = { required: true, content: { "application/json": { schema: resolver(d.body as never, TARGET) } } };
  if (d.rawBody) spec.requestBody = { required: true, content: { [d.rawBody]: { schema: { type: "string", contentMediaType: d.rawBody } } } };
  const responses: Json = {};
  for (const [status, r] of Object.entries(d.responses ?? { 200: "OK" })) {
    const o = typeof r === "string" ? { description: r } : r;
    const type = o.type ?? (d.sse && status === "200" ? "text/event-stream" : "application/json");
    responses[status] = { description: o.description, ...(o.schema || type !== "application/json" ? { content: { [type]: { schema: o.schema ?? { type: "string" } } } } : {}) };
  }
  spec.responses = responses;
  return spec;
}

const ERROR: Json = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", description: "Stable, machine-readable." },
        message: { type: "string", description: "Names the object and the field; echoes at most 200 characters of input." },
        field: { type: "string", description: "The body field, query parameter or header at fault." },
        role: { type: "string", enum: ["viewer", "operator", "admin"], description: "On 403: the role the request needs." },
      },
    },
  },
};

const errorResponse = (description: string): Json => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });

const OPERATIONS = ["get", "put", "post", "delete", "patch"] as const;

/** Adds what every operation shares: its role, its security, the error answers it can give. */
function decorate(paths: Record<string, Record<string, Json>>): void {
  for (const [path, item] of Object.entries(paths)) {
    const pattern = path.replace(/\{([^}]+)\}/g, ":$1");
    for (const method of OPERATIONS) {
      const op = item[method];
      if (!op) continue;
      const role = routeRole(method.toUpperCase(), pattern) ?? "admin";
      op["x-aios-role"] = role === "tool" ? "viewer for read-only tools, operator for others, admin for power and security tools" : role;
      op.tags ??= [tagOf(path)];
      const responses = (op.responses ??= {}) as Json;
      if (role === "public") op.security = [];
      else {
        responses["401"] ??= errorResponse("No valid token or session (`WWW-Authenticate: Bearer`).");
        responses["403"] ??= errorResponse("The token's role is not enough (`error.role` names the one needed), or a signed-in browser request from another origin.");
      }
      if (op.parameters || pattern.includes(":")) responses["400"] ??= errorResponse("A parameter is not valid (`error.field` names it).");
      if (op.requestBody) {
        responses["400"] ??= errorResponse("The body is not valid JSON or does not fit the schema (`error.field` names the field).");
        const max = BODY_RULES[`${method.toUpperCase()} ${pattern}`]?.maxBytes ?? DEFAULT_BODY_BYTES;
        responses["413"] ??= errorResponse(`The body is larger than ${max} bytes.`);
        responses["415"] ??= errorResponse("The body is not application/json.");
      }
    }
  }
}

function tagOf(path: string): string {
  if (path.startsWith("/v1/")) return "openai";
  const m = /^\/api\/v1\/([^/{]+)/.exec(path);
  return m ? m[1]!.replace(/\.json$/, "") : path.replace(/^\//, "") || "root";
}

/** One operation per tool: POST /api/v1/tools/{name} with the tool's own schemas. */
function toolPaths(registry: ToolRegistry, schemas: Json): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const t of registry.list()) {
    const d = registry.describe(t.name);
    schemas[`${t.name}.input`] = schemaOf(t.input);
    schemas[`${t.name}.output`] = schemaOf(t.output);
    const role = toolRole(t);
    out[`/api/v1/tools/${t.name}`] = {
      post: {
        operationId: `tool.${t.name}`,
        summary: d.description,
        tags: ["tool calls"],
        "x-aios-role": role,
        "x-aios-tool": { risk: d.risk, readOnly: d.readOnly, idempotent: d.idempotent, reversible: d.reversible, timeoutMs: d.timeoutMs },
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                additionalProperties: false,
                properties: {
                  args: { $ref: `#/components/schemas/${t.name}.input` },
                  agent: { type: "string", description: "The agent the call runs as (its capabilities are checked); default: the agent set up to route this tool." },
                  correlationId: { type: "string", description: "Groups calls for tracing and rollback." },
                },
              },
            },
          },
        },
        responses: {
          "200": { description: "It ran.", content: { "application/json": { schema: { type: "object", required: ["callId", "result"], properties: { callId: { type: "string" }, result: { $ref: `#/components/schemas/${t.name}.output` }, summary: { type: "string", description: "The tool's own words over its result" } } } } } },
          "202": { description: "The autonomy gate holds it for a person: decide it at /api/v1/approvals/{approvalId}.", content: { "application/json": { schema: { $ref: "#/components/schemas/Queued" } } } },
          "400": errorResponse("The arguments do not fit the tool's schema (`error.field` is `args.<field>`)."),
          "401": errorResponse("No valid token or session."),
          "403": errorResponse(`The token's role is not enough (this tool needs ${role}), or the agent lacks the capability.`),
          "409": errorResponse("Denied by a person."),
          "422": errorResponse("The tool ran and failed (its own code)."),
          "504": errorResponse("Timed out."),
        },
      },
    };
  }
  return out;
}

/** The document for this app, built once (routes and tools are fixed once the API is up). */
export function openApiDocument(app: Hono, registry: () => ToolRegistry | undefined): () => Promise<Json> {
  let built: Promise<Json> | undefined;
  return () =>
    (built ??= (async () => {
      const b = buildInfo();
      const spec = (await generateSpecs(app, {
        excludeStaticFile: false, // openapi.json is a route, not a file
        documentation: {
          info: {
            title: "aiOS management API",
            version: b.version,
            description:
              "The management API of aiOS (PID 1) and its OpenAI-compatible /v1. Authenticate with `Authorization: Bearer <token>` " +
              "or, in a browser, with the session cookie from POST /api/v1/session. Lists page by cursor: `?limit=N&cursor=C` answers " +
              "`{…, next}`; send `next` back as `cursor` until it is null. Every answer carries `X-Request-Id`.",
          },
          components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" }, session: { type: "apiKey", in: "cookie", name: "aios_session" } } },
          security: [{ bearer: [] }, { session: [] }],
        },
      } as never)) as unknown as Json & { paths: Record<string, Record<string, Json>>; components?: Json };
      decorate(spec.paths);
      const schemas: Json = {
        Error: ERROR,
        Queued: { type: "object", required: ["status", "callId", "approvalId"], properties: { status: { const: "queued" }, callId: { type: "string" }, approvalId: { type: "string" }, agent: { type: "string" } } },
      };
      const tools = registry();
      if (tools) Object.assign(spec.paths, toolPaths(tools, schemas));
      spec.components = { ...spec.components, schemas: { ...((spec.components?.schemas as Json) ?? {}), ...schemas } };
      spec["x-aios-commit"] = b.commit;
      return spec as Json;
    })());
}
