/** sec.audit_query and sec.audit_verify: reading and checking the hash-chained audit ledger. */
import * as v from "valibot";
import { indented, plural } from "../summary";
import { formatClock } from "../units";
import { isoTimeArg } from "../args";
import { defineTool } from "../define";
import "./host";

const optionalText = v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty")));

const AuditRowSchema = v.object({
  seq: v.number(),
  ts: v.number(),
  kind: v.string(),
  callId: v.nullable(v.string()),
  tool: v.nullable(v.string()),
  agent: v.nullable(v.string()),
  correlationId: v.nullable(v.string()),
  data: v.unknown(),
  prevHash: v.string(),
  hash: v.string(),
});

export const auditQuery = defineTool({
  name: "sec.audit_query",
  description:
    "Read audit ledger rows, newest first, filtered by call, correlation, tool, agent or kind; since/until (ISO times) keep the rows written in that window; text keeps the rows whose data (a call's arguments, a result) holds that text, case-sensitive (a path, a package name)",
  input: v.strictObject({
    limit: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(1, "must be 1..1000"), v.maxValue(1000, "must be 1..1000")), 50),
    callId: optionalText,
    correlationId: optionalText,
    tool: optionalText,
    agent: optionalText,
    kind: optionalText,
    afterSeq: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(0, "must not be negative"))),
    since: v.optional(isoTimeArg()),
    until: v.optional(isoTimeArg()),
    text: v.optional(v.pipe(v.string("must be a string"), v.minLength(1, "must not be empty"), v.maxLength(200, "must be at most 200 characters"))),
  }),
  output: v.object({ rows: v.array(AuditRowSchema) }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 10_000,
  execute({ since, until, ...args }, ctx) {
    const window = { ...(since === undefined ? {} : { since: Date.parse(since) }), ...(until === undefined ? {} : { until: Date.parse(until) }) };
    if (args.text === undefined) return { rows: ctx.host.ledger.query({ ...args, ...window }) };
    // This call's own request holds the text it looks for: left out, one more row read in its place.
    const rows = ctx.host.ledger.query({ ...args, ...window, limit: args.limit + 1 }).filter((r) => r.callId !== ctx.callId);
    return { rows: rows.slice(0, args.limit) };
  },
  summarize: (o, args) => {
    const filter = [args.tool && `tool ${args.tool}`, args.agent && `by ${args.agent}`, args.text !== undefined && `mentioning ${JSON.stringify(args.text)}`, args.since && `since ${formatClock(Date.parse(args.since))}`, args.until && `before ${formatClock(Date.parse(args.until))}`]
      .filter(Boolean)
      .join(", ");
    if (!o.rows.length) return `No audit entry matches${filter ? ` (${filter})` : ""}`;
    const rows = o.rows.map((r) => `${formatClock(r.ts)} #${r.seq} ${r.kind}${r.tool ? ` ${r.tool}` : ""}${r.callId ? ` (${r.callId})` : ""}${r.agent ? ` by ${r.agent}` : ""}${r.correlationId ? ` for ${r.correlationId}` : ""}`);
    return [`${plural(o.rows.length, "audit entry", "audit entries")}${filter ? ` (${filter})` : ""}, newest first:`, ...indented(rows, 20, "head")].join("\n");
  },
});

export const auditVerify = defineTool({
  name: "sec.audit_verify",
  description: "Walk the audit ledger's hash chain and report the first row that was edited, removed or reordered, and rows missing up to the head anchored at the last commit",
  input: v.strictObject({}),
  output: v.object({
    ok: v.boolean(),
    rows: v.number(),
    firstBadRow: v.optional(v.number()),
    reason: v.optional(v.string()),
    missing: v.optional(v.object({ from: v.number(), to: v.number() })),
    anchored: v.optional(v.number()),
    redacted: v.optional(v.number()),
  }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 120_000,
  execute: (_args, ctx) => ctx.host.ledger.verify(),
  summarize: (o) =>
    o.ok ? `The audit ledger is intact: ${plural(o.rows, "row")}, hash chain verified` : `The audit ledger is broken at row ${o.firstBadRow ?? "?"}: ${o.reason ?? "the hash chain does not hold"} (${plural(o.rows, "row")} checked)`,
});
