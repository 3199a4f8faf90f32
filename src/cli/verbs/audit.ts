/** `audit [--limit N] [--tool T] [--cursor C]`, `audit --verify`, `audit --node NAME` (the fleet's verified copy, over NATS). */
import { table } from "../../sys/text";
import { formatAudit } from "../../fleet/format";
import type { AuditRow, VerifyResult } from "../../memory/ledger";
import { EXIT, usageError } from "../errors";
import { defineVerb, intFlag, print } from "../verb";

/** What a row says in one line: the call's args or its outcome. */
function rowText(r: AuditRow): string {
  const d = r.data as Record<string, unknown> | null;
  if (!d || typeof d !== "object") return "";
  if (r.kind === "result") return d.ok === false ? `failed${d.error ? `: ${JSON.stringify(d.error).slice(0, 60)}` : ""}` : `ok${typeof d.ms === "number" ? ` ${d.ms} ms` : ""}`;
  return JSON.stringify(d.args ?? d).slice(0, 70);
}

export function formatRows(r: { rows: AuditRow[]; next?: string | null }): string {
  if (!r.rows.length) return "no audit rows";
  const rows = [["SEQ", "TIME", "KIND", "TOOL", "AGENT", "CALL", "WHAT"]];
  for (const a of r.rows) rows.push([String(a.seq), new Date(a.ts).toISOString().slice(0, 19).replace("T", " "), a.kind, a.tool ?? "-", a.agent ?? "-", a.callId ?? "-", rowText(a)]);
  return `${table(rows)}${r.next ? `\nmore: aios-init ctl audit --cursor ${r.next}` : ""}`;
}

export const audit = defineVerb({
  name: "audit",
  summary: "the audit ledger, newest first; --verify checks its hash chain",
  flags: ["verify", "limit", "cursor", "tool", "node"],
  async run(ctx, args) {
    if (args.length) throw usageError(`audit: no arguments (got ${JSON.stringify(args[0])})`);
    const limit = intFlag(ctx, "limit", 20);
    if (ctx.flags.node) {
      if (!ctx.settings.nats) throw usageError("audit --node: the fleet's copy is read over NATS: add --nats URL (or AIOS_NATS)");
      const r = await (await ctx.fleet()).audit(ctx.flags.node, { limit });
      print(ctx, r, formatAudit);
      return r.verdict.ok ? EXIT.ok : EXIT.failed;
    }
    if (ctx.flags.verify) {
      const v = await ctx.api().post<VerifyResult>("/api/v1/audit/verify");
      print(ctx, v, (x) => (x.ok ? `audit chain verified: ${x.rows} rows, every hash and link intact` : `audit chain BROKEN at row ${x.firstBadRow}: ${x.reason} (${x.rows} rows read)`));
      return v.ok ? EXIT.ok : EXIT.failed;
    }
    const q = new URLSearchParams({ limit: String(limit) });
    if (ctx.flags.cursor) q.set("cursor", ctx.flags.cursor);
    if (ctx.flags.tool) q.set("tool", ctx.flags.tool);
    const r = await ctx.api().get<{ rows: AuditRow[]; next?: string | null }>(`/api/v1/audit?${q}`);
    print(ctx, r, formatRows);
    return EXIT.ok;
  },
});
