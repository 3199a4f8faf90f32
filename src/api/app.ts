/**
 * The management API as a Hono app. It never touches a socket itself, so the
 * tests drive it with `app.request()`; `server.ts` binds it with Bun.serve.
 */
import { Hono } from "hono";
import { log } from "../sys";
import { bearerAuth } from "./auth";
import { errorResponse, HttpError } from "./errors";
import { health } from "./routes/health";
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
  app.route("/api/v1", v1);

  app.notFound((c) => errorResponse(c, new HttpError(404, "not_found", `${c.req.method} ${c.req.path}: no such route`)));
  app.onError((err, c) => {
    if (err instanceof HttpError) return errorResponse(c, err);
    log.error(`api: ${c.req.method} ${c.req.path}: ${err.message}`);
    return errorResponse(c, new HttpError(500, "internal", `${c.req.method} ${c.req.path}: internal error`));
  });
  return app;
}
