/** `approvals` (this node, or the fleet with --nats), `approve ID [--remember]`, `deny ID [--reason …]`. */
import { duration, table } from "../../sys/text";
import { formatApprovals } from "../../fleet/format";
import type { ApprovalView, CallView } from "../../tools/views";
import { EXIT, usageError } from "../errors";
import { defineVerb, print } from "../verb";
import { callText } from "./tools";

export function formatApprovalList(r: { level: string; approvals: ApprovalView[] }, now = Date.now()): string {
  if (!r.approvals.length) return `no approvals waiting (autonomy ${r.level})`;
  const rows = [["ID", "CALL", "TOOL", "AGENT", "RISK", "AGE", "ARGS"]];
  for (const a of r.approvals) rows.push([a.approvalId, a.callId, a.tool, a.agent, a.risk, duration(Math.max(0, now - a.createdAt)), JSON.stringify(a.args).slice(0, 60)]);
  return `${table(rows)}\n${r.approvals.length} waiting (autonomy ${r.level}): aios-init ctl approve ID, or deny ID`;
}

export const approvals = defineVerb({
  name: "approvals",
  summary: "calls waiting for a person (every node's with --nats)",
  async run(ctx) {
    if (ctx.settings.nats) {
      const fleet = await ctx.fleet();
      const list = await fleet.approvals();
      print(ctx, list, (l) => formatApprovals(l));
      return EXIT.ok;
    }
    const r = await ctx.api().get<{ level: string; approvals: ApprovalView[] }>("/api/v1/approvals");
    print(ctx, r, formatApprovalList);
    return EXIT.ok;
  },
});

function approvalId(args: string[], verb: string): string {
  const [id, ...rest] = args;
  if (!id || rest.length || !/^a?\d{1,15}$/.test(id)) throw usageError(`usage: aios-init ctl ${verb} ID (an approval, e.g. a3: aios-init ctl approvals)`);
  return id.startsWith("a") ? id : `a${id}`;
}

export const approve = defineVerb({
  name: "approve",
  args: "ID",
  summary: "approve a held call: it runs now and its result prints",
  flags: ["remember"],
  async run(ctx, args) {
    const id = approvalId(args, "approve");
    const r = await ctx.api().post<{ callId: string; result?: unknown; summary?: string }>(`/api/v1/approvals/${id}`, { decision: "approve", ...(ctx.flags.remember ? { remember: true } : {}) });
    print(ctx, r, (x) => `${id} approved${ctx.flags.remember ? " (and remembered)" : ""}: ${callText(x)}`);
    return EXIT.ok;
  },
});

export const deny = defineVerb({
  name: "deny",
  args: "ID",
  summary: "deny a held call (its goal fails or goes on without it)",
  flags: ["reason"],
  async run(ctx, args) {
    const id = approvalId(args, "deny");
    const r = await ctx.api().post<ApprovalView | CallView>(`/api/v1/approvals/${id}`, { decision: "deny", ...(ctx.flags.reason ? { reason: ctx.flags.reason } : {}) });
    print(ctx, r, () => `${id} denied`);
    return EXIT.ok;
  },
});
