/**
 * The management API as a Hono app. It never touches a socket itself, so the
 * tests drive it with `app.request()`; `server.ts` binds it with Bun.serve.
 */
import { Hono } from "hono";
import { log } from "../sys";
import { bearerAuth } from "./auth";
import { errorResponse, HttpError } from "./errors";
import { ToolError } from "../tools";
import { agentRoutes } from "./routes/agents";
import { approvalRoutes } from "./routes/approvals";
import { auditRoutes } from "./routes/audit";
import { callRoutes } from "./routes/calls";
import { gatewayRoutes } from "./routes/gateway";
import { toolErrorResponse } from "./routes/tool-errors";
import { toolRoutes } from "./routes/tools";
import { health } from "./routes/health";
import { openaiRoutes } from "./routes/openai";
import { goalRoutes } from "./routes/goals";
import { fleetRoutes } from "./routes/fleet";
import { memoryRoutes } from "./routes/memory";
import { powerRoutes } from "./routes/power";
import { systemRoutes } from "./routes/system";
import type { ApiDeps } from "./types";

export function createApi(deps: ApiDeps): Hono {
  const app = new Hono();
  app.route("/", health);

  const v1 = new Hono();
  v1.use("*", bearerAuth(deps.token));
  v1.route("/", systemRoutes(deps));
  v1.route("/", powerRoutes(deps));
  v1.route("/", agentRoutes(deps));
  v1.route("/", gatewayRoutes(deps));
  v1.route("/", memoryRoutes(() => deps.memory?.()));
  v1.route("/", goalRoutes(() => deps.goals?.()));
  v1.route("/", fleetRoutes(() => deps.fleet?.()));
  if (deps.tools) for (const routes of [toolRoutes, callRoutes, auditRoutes, approvalRoutes]) v1.route("/", routes(deps.tools));
  app.route("/api/v1", v1);
  // OpenAI-compatible inference, same token; its errors take OpenAI's shape.
  app.route("/v1", openaiRoutes(deps));

  app.notFound((c) => errorResponse(c, new HttpError(404, "not_found", `${c.req.method} ${c.req.path}: no such route`)));
  app.onError((err, c) => {
    if (err instanceof HttpError) return errorResponse(c, err);
    if (err instanceof ToolError) return toolErrorResponse(c, err);
    log.error(`api: ${c.req.method} ${c.req.path}: ${err.message}`);
    return errorResponse(c, new HttpError(500, "internal", `${c.req.method} ${c.req.path}: internal error`));
  });
  return app;
}
