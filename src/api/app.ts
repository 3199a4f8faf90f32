/**
 * The management API as a Hono app. It never touches a socket itself, so the
 * tests drive it with `app.request()`; `server.ts` binds it with Bun.serve,
 * and the fleet answers NATS requests with the same app.
 *
 * The route modules mount on one Hono; the app that serves is a second one
 * with each of those routes' handlers observed (http.ts: request id,
 * metrics, debug log), which admits the request — authenticate (token or
 * session, the route's role), then bodyLimits (size and type) — before the
 * route runs. A path no route answers is observed the same way. A known path
 * with another method is a 405 with `Allow`; /v1 answers errors in OpenAI's
 * shape.
 */
import { type Context, type ErrorHandler, Hono } from "hono";
import { log } from "../sys";
import { authenticate, type AuthDeps } from "./auth";
import { clip, errorResponse, HttpError } from "./errors";
import { type HttpCounts, observer, requestId } from "./http";
import { bodyLimits } from "./limits";
import { mcpHandler } from "./mcp";
import { createMetrics } from "./metrics";
import { FixedPathRouter } from "./router";
import { OPENAI_DOCS } from "./openai-doc";
import { doc, docMounted, openApiDocument } from "./openapi";
import { SessionStore } from "./sessions";
import { TokenStore } from "./tokens";
import { ToolError } from "../tools";
import { agentRoutes } from "./routes/agents";
import { approvalRoutes } from "./routes/approvals";
import { auditRoutes } from "./routes/audit";
import { callRoutes } from "./routes/calls";
import { gatewayRoutes } from "./routes/gateway";
import { toolErrorResponse } from "./routes/tool-errors";
import { toolRoutes } from "./routes/tools";
import { health } from "./routes/health";
import { openaiRoutes, toOpenAiError } from "./routes/openai";
import { goalRoutes } from "./routes/goals";
import { fleetRoutes } from "./routes/fleet";
import { memoryRoutes } from "./routes/memory";
import { powerRoutes } from "./routes/power";
import { sessionRoutes } from "./routes/session";
import { systemRoutes } from "./routes/system";
import { tokenRoutes } from "./routes/tokens";
import { updateRoutes } from "./routes/update";
import type { ApiDeps } from "./types";
import { webConsole } from "../web";
import { json } from "./json";

export function createApi(deps: ApiDeps): Hono {
  const auth: AuthDeps = { token: deps.token, tokens: deps.tokens ?? new TokenStore(), sessions: new SessionStore() };
  const counts: HttpCounts = new Map();
  const metrics = createMetrics(deps, counts);

  // Every route, as the modules define them; `app` serves them, each handler observed (http.ts).
  const defined = new Hono();
  const onError: ErrorHandler = (err, c) => {
    if (err instanceof HttpError) return answer(c, err);
    if (err instanceof ToolError) return toolErrorResponse(err);
    log.error(`api: ${c.req.method} ${c.req.path}: ${err.message} (request ${requestId(c)})`);
    return answer(c, new HttpError(500, "internal", `${c.req.method} ${c.req.path}: internal error (request ${requestId(c)})`));
  };
  const app = new Hono({ router: new FixedPathRouter() });
  defined.route("/", health);
  defined.get(
    "/metrics",
    doc({ summary: "Prometheus metrics (text exposition format)", responses: { 200: { description: "The metrics.", type: "text/plain" } } }, async (c) =>
      c.body(await metrics.scrape(), 200, { "content-type": metrics.registry.contentType }),
    ),
  );
  defined.post(
    "/mcp",
    doc({ summary: "MCP (Streamable HTTP, stateless): the tools the token's role allows, resources for boot phases, goals and the audit", responses: { 200: "A JSON-RPC answer." } }, mcpHandler(deps)),
  );

  const v1 = new Hono();
  v1.route("/", sessionRoutes(auth));
  v1.route("/", tokenRoutes(auth.tokens, auth.sessions));
  v1.route("/", systemRoutes(deps));
  v1.route("/", updateRoutes(deps));
  v1.route("/", powerRoutes(deps));
  v1.route("/", agentRoutes(deps));
  v1.route("/", gatewayRoutes(deps));
  v1.route("/", memoryRoutes(() => deps.memory?.()));
  v1.route("/", goalRoutes(() => deps.goals?.(), deps.sseHeartbeatMs));
  v1.route("/", fleetRoutes(() => deps.fleet?.()));
  if (deps.tools) for (const routes of [toolRoutes, callRoutes, auditRoutes, approvalRoutes]) v1.route("/", routes(deps.tools));
  const spec = openApiDocument(app, () => deps.tools?.registry);
  v1.get("/openapi.json", doc({ summary: "This document: OpenAPI 3.1 of /api/v1, /v1, /mcp and /metrics, with every tool's schemas" }, async (c) => json(await spec())));
  defined.route("/api/v1", v1);
  // OpenAI-compatible inference, same tokens; its errors take OpenAI's shape.
  defined.route("/v1", openaiRoutes(deps));
  // The web console (src/web): `/` and its two assets, built into the binary.
  defined.route("/", webConsole());
  const observe = observer(counts, { admit: [authenticate(auth), bodyLimits()], onError });
  // One handler per route: each is observed (admitted, counted) once, so a middleware (`use`, ALL) or a
  // second handler on the same route would admit and count its requests twice. Refused when the app is built.
  const seen = new Set<string>();
  for (const r of defined.routes) {
    const key = `${r.method} ${r.path}`;
    if (r.method === "ALL" || seen.has(key)) throw new Error(`api: ${key}: one handler per route (no middleware, no second handler); the observer admits and counts each request once`);
    seen.add(key);
    app.on(r.method, r.path, observe.route({ method: r.method, path: r.path }, r.handler));
  }
  docMounted(app, {
    "GET /": { summary: "The web console: its page (sign in there with a token)", responses: { 200: { description: "The console's HTML.", type: "text/html" } } },
    "GET /console/:file": { summary: "The web console's script and stylesheet, named by their hash (cached for good)", responses: { 200: { description: "JavaScript or CSS.", type: "text/plain" }, 404: "No such asset." } },
  });
  docMounted(app, OPENAI_DOCS);

  const allowed = allowedMethods(app);
  app.notFound(observe.notFound((c) => {
    const methods = allowed(c.req.path);
    if (methods.length && c.req.method === "OPTIONS") return c.body(null, 204, { allow: methods.join(", ") });
    const err = methods.length
      ? new HttpError(405, "method_not_allowed", `${c.req.method} ${c.req.path}: not allowed here; use ${methods.join(", ")}`, { headers: { allow: methods.join(", ") } })
      : new HttpError(404, "not_found", `${c.req.method} ${c.req.path}: no such route`);
    return answer(c, err);
  }));
  app.onError(onError);
  return app;
}

/** An error in the API's shape, or OpenAI's under /v1 (its clients parse that one). */
function answer(c: Context, err: HttpError): Response {
  if (!c.req.path.startsWith("/v1/")) return errorResponse(err);
  const o = toOpenAiError(err);
  return json({ error: { message: clip(o.message), type: o.type, param: o.param, code: o.code } }, err.status, err.headers);
}

/** The methods some route answers on a path (for 405 and OPTIONS), from the app's own routes. */
function allowedMethods(app: Hono): (path: string) => string[] {
  let table: Array<{ re: RegExp; method: string }> | undefined;
  return (path) => {
    table ??= app.routes
      .filter((r) => r.method !== "ALL")
      .map((r) => ({ method: r.method, re: new RegExp(`^${r.path.split("/").map((s) => (s.startsWith(":") ? "[^/]+" : s === "*" ? ".*" : s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("/")}$`) }));
    const methods = new Set(table.filter((t) => t.re.test(path)).map((t) => t.method));
    if (methods.has("GET")) methods.add("HEAD");
    return [...methods].sort();
  };
}

