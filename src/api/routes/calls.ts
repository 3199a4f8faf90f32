/**
 * GET /calls?limit=N&cursor=C, GET /calls/{callId}: what a call did and
 * whether it can be undone. POST /calls/{callId}/rollback undoes one call;
 * POST /correlations/{id}/rollback every call of a goal, newest first.
 */
import { Hono } from "hono";
import { actor, principal } from "../auth";
import { HttpError } from "../errors";
import { doc } from "../openapi";
import { cursorParam, limitParam, page } from "../params";
import type { ToolsApi } from "../types";
import { json } from "../json";

const LIMIT = limitParam(20, 1000);

export function callRoutes(t: ToolsApi) {
  return new Hono()
    .get("/calls", doc({ summary: "Tool calls, newest first, a page at a time", query: [LIMIT, cursorParam] }, (c) => {
      const limit = LIMIT.read(c);
      const cursor = cursorParam.read(c);
      const { items, next } = page(t.executor.recentCalls(limit + 1, cursor && `c${cursor.n}`), limit, (call) => ({ dir: "b", n: Number(call.callId.slice(1)) }));
      return json({ calls: items, next });
    }))
    .get("/calls/:id", doc({ summary: "One call: arguments, result or error, whether it can be undone", responses: { 200: "The call.", 404: "No such call." } }, (c) => json(t.executor.getCall(c.req.param("id")!))))
    .post("/calls/:id/rollback", doc({ summary: "Undo one call from its undo record", responses: { 200: "Undone.", 404: "No such call.", 409: "Not reversible, or undone already." } }, async (c) => json(await t.executor.rollback(c.req.param("id")!, actor(principal(c))))))
    .post("/correlations/:id/rollback", doc({ summary: "Undo every call of a goal (correlation id), newest first", responses: { 200: "All undone.", 422: "One could not be undone: what was and what failed." } }, async (c) => {
      const out = await t.executor.rollbackCorrelation(c.req.param("id")!, actor(principal(c)));
      if (!out.failed) return json(out);
      const err = new HttpError(422, out.failed.code, out.failed.message);
      return json({ error: { code: err.code, message: err.message }, ...out }, 422);
    }));
}
