/** GET /audit?limit=N[&callId&correlationId&tool&agent&kind&afterSeq]: ledger rows, newest first. POST /audit/verify: the chain check. */
import { Hono } from "hono";
import type { ToolsApi } from "../types";
import { queryInt, queryText } from "../validate-query";

export function auditRoutes(t: ToolsApi) {
  return new Hono()
    .get("/audit", (c) => {
      const rows = t.ledger.query({
        limit: queryInt(c, "limit", 1, 10_000, 50),
        afterSeq: queryInt(c, "afterSeq", 0, Number.MAX_SAFE_INTEGER),
        callId: queryText(c, "callId"),
        correlationId: queryText(c, "correlationId"),
        tool: queryText(c, "tool"),
        agent: queryText(c, "agent"),
        kind: queryText(c, "kind"),
      });
      return c.json({ rows });
    })
    .post("/audit/verify", (c) => c.json(t.ledger.verify()));
}
