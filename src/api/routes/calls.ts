/**
 * GET /calls[?limit=N], GET /calls/{callId}: what a call did and whether it can
 * be undone. POST /calls/{callId}/rollback undoes one call;
 * POST /correlations/{id}/rollback every call of a goal, newest first.
 */
import { Hono } from "hono";
import { HttpError } from "../errors";
import type { ToolsApi } from "../types";
import { queryInt } from "../validate-query";

export function callRoutes(t: ToolsApi) {
  return new Hono()
    .get("/calls", (c) => c.json({ calls: t.executor.recentCalls(queryInt(c, "limit", 1, 1000, 20)) }))
    .get("/calls/:id", (c) => c.json(t.executor.getCall(c.req.param("id"))))
    .post("/calls/:id/rollback", async (c) => c.json(await t.executor.rollback(c.req.param("id"), "api")))
    .post("/correlations/:id/rollback", async (c) => {
      const out = await t.executor.rollbackCorrelation(c.req.param("id"), "api");
      if (!out.failed) return c.json(out);
      const err = new HttpError(422, out.failed.code, out.failed.message);
      return c.json({ error: { code: err.code, message: err.message }, ...out }, 422);
    });
}
