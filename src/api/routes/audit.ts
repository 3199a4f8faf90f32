/**
 * GET /audit?limit=N[&cursor&callId&correlationId&tool&agent&kind&afterSeq]: ledger
 * rows, newest first, a page at a time (`next`); with `afterSeq`, the rows right
 * after that seq (a reader catching up). POST /audit/verify: the chain check (and
 * that it reaches the head anchored at the last commit). POST /audit/{seq}/redact
 * {"reason"}: a row's payload redacted after the fact; the chain still verifies.
 */
import { Hono } from "hono";
import * as v from "valibot";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { LedgerError, type LedgerErrorCode } from "../../memory";
import { actor, principal } from "../auth";
import { HttpError } from "../errors";
import { doc } from "../openapi";
import { cursorParam, cursorText, intParam, limitParam, page, textParam } from "../params";
import type { ToolsApi } from "../types";
import { readJson } from "../validate";
import { json } from "../json";

const LIMIT = limitParam(50, 10_000);
const AFTER = intParam("afterSeq", "Only rows after this seq: the oldest `limit` of them (still newest first within the page).", 0, Number.MAX_SAFE_INTEGER);
const FILTERS = ["callId", "correlationId", "tool", "agent", "kind"].map((n) => textParam(n, `Only rows whose ${n} is this.`));

const RedactBody = v.strictObject({
  reason: v.pipe(v.string("must be a string"), v.trim(), v.minLength(1, "must say why"), v.maxLength(500, "must be at most 500 characters")),
});

const LEDGER_STATUS = { not_found: 404, invalid_argument: 400, unhashed_row: 409, already_redacted: 409, queued_call: 409, not_durable: 503 } as const satisfies Record<LedgerErrorCode, ContentfulStatusCode>;

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
        return json({ rows: items, next: more ? cursorText({ dir: "a", n: items[0]!.seq }) : null });
      }
      const { items, next } = page(rows, limit, (r) => ({ dir: "b", n: r.seq }));
      return json({ rows: items, next });
    }))
    .post("/audit/verify", doc({ summary: "Walk the ledger's hash chain; report the first row that does not hold, the anchored head and rows missing up to it" }, (c) => json(t.ledger.verify())))
    .post(
      "/audit/:seq/redact",
      doc({ summary: "Redact a row's payload after the fact (a secret that should never have been written); the chain still verifies", body: RedactBody, responses: { 200: "The redact row.", 404: "No such row.", 409: "A row that cannot be redacted (already redacted, the old format, a held call's request).", 503: "The ledger could not be flushed to disk." } }, async (c) => {
        const raw = c.req.param("seq")!;
        if (!/^[1-9]\d{0,15}$/.test(raw)) throw new HttpError(400, "bad_request", `seq: must be a row number (got ${JSON.stringify(raw.slice(0, 40))})`, { field: "seq" });
        const { reason } = await readJson(c, RedactBody);
        try {
          return json({ redaction: await t.executor.redact(Number(raw), actor(principal(c)), reason) });
        } catch (err) {
          if (!(err instanceof LedgerError)) throw err;
          if (err.code === "invalid_argument") throw new HttpError(400, "bad_request", err.message, { field: "reason" });
          throw new HttpError(LEDGER_STATUS[err.code], err.code, err.message);
        }
      }),
    );
}
