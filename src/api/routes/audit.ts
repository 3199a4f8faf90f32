/**
 * GET /audit?limit=N[&cursor&callId&correlationId&tool&agent&kind&afterSeq]: ledger
 * rows, newest first, a page at a time (`next`); with `afterSeq`, the rows right
 * after that seq (a reader catching up). POST /audit/verify: the chain check.
 */
import { Hono } from "hono";
import { doc } from "../openapi";
import { cursorParam, cursorText, intParam, limitParam, page, textParam } from "../params";
import type { ToolsApi } from "../types";

const LIMIT = limitParam(50, 10_000);
const AFTER = intParam("afterSeq", "Only rows after this seq: the oldest `limit` of them (still newest first within the page).", 0, Number.MAX_SAFE_INTEGER);
const FILTERS = ["callId", "correlationId", "tool", "agent", "kind"].map((n) => textParam(n, `Only rows whose ${n} is this.`));

export function auditRoutes(t: ToolsApi) {
  return new Hono()
    .get("/audit", doc({ summary: "Audit ledger rows, newest first, a page at a time", query: [LIMIT, cursorParam, AFTER, ...FILTERS] }, (c) => {
      const limit = LIMIT.read(c);
      const cursor = cursorParam.read(c);
      const [callId, correlationId, tool, agent, kind] = FILTERS.map((f) => f.read(c));
      // A cursor goes the way its page went: `b` below the oldest row shown, `a` above the newest when catching up.
      const afterSeq = cursor?.dir === "a" ? cursor.n : AFTER.read(c);
      const beforeSeq = cursor?.dir === "b" ? cursor.n : undefined;
      const rows = t.ledger.query({ limit: limit + 1, afterSeq, beforeSeq, callId, correlationId, tool, agent, kind });
      const more = rows.length > limit;
      if (afterSeq !== undefined && beforeSeq === undefined) {
        // A forward page comes newest first too: the extra row fetched is its newest, so that one is dropped.
        const items = more ? rows.slice(1) : rows;
        return c.json({ rows: items, next: more ? cursorText({ dir: "a", n: items[0]!.seq }) : null });
      }
      const { items, next } = page(rows, limit, (r) => ({ dir: "b", n: r.seq }));
      return c.json({ rows: items, next });
    }))
    .post("/audit/verify", doc({ summary: "Walk the ledger's hash chain; report the first row that does not hold" }, (c) => c.json(t.ledger.verify())));
}
