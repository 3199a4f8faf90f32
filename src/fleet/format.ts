/**
 * Text for people from the client library's data (client.ts); `--json`
 * prints the data itself (`render`). 80 columns, no colour, as the console.
 */
import { duration, mib, table } from "../sys/text";
import type { NodeApprovals, NodeReport } from "./client";
import type { AuditCopyReport } from "./copies";
import type { FleetGoalResult, NodeStatus } from "./types";

const labelText = (l: Record<string, string>) => Object.entries(l).map(([k, v]) => `${k}=${v}`).join(",") || "-";

export function formatNodes(nodes: NodeStatus[], now = Date.now()): string {
  if (!nodes.length) return "no live nodes";
  const rows = [["NODE", "LABELS", "VERSION", "UP", "LOAD", "MEM FREE", "GOALS", "APPROVALS", "SEEN"]];
  for (const n of nodes) {
    rows.push([n.node, labelText(n.labels), n.version, duration(n.uptimeMs), n.load.one.toFixed(2), mib(n.memory.availableBytes), String(n.goals.running), String(n.approvals.pending), `${duration(Math.max(0, now - n.at))} ago`]);
  }
  return `${table(rows)}\n${nodes.length} node${nodes.length === 1 ? "" : "s"}`;
}

export function formatNodeReport(r: NodeReport): string {
  const lines = [`node ${r.node}: ${r.status ? "in the node list" : "not in the node list (down, or unknown)"}`];
  if (r.status) {
    const s = r.status;
    lines.push(`  labels    ${labelText(s.labels)}`, `  version   ${s.version} (${s.hostname}), autonomy ${s.autonomy}`, `  uptime    ${duration(s.uptimeMs)}`);
    lines.push(`  load      ${s.load.one.toFixed(2)} ${s.load.five.toFixed(2)} ${s.load.fifteen.toFixed(2)}`, `  memory    ${mib(s.memory.availableBytes)} free of ${mib(s.memory.totalBytes)}, aios-init ${mib(s.memory.rssBytes)}`);
    lines.push(`  goals     ${s.goals.running} running, ${s.goals.pending} pending; ${s.approvals.pending} approvals pending`, `  api       ${s.api ?? "-"}`);
  }
  if (r.system) lines.push(`  kernel    ${r.system.kernel}; ready in ${r.system.boot.readyMs ?? "?"} ms`);
  if (r.error) lines.push(`  api over NATS: ${r.error}`);
  return lines.join("\n");
}

export function formatFleetGoal(r: FleetGoalResult): string {
  const rows = [["NODE", "STATE", "GOAL", "ANSWER"]];
  for (const a of r.answers) rows.push([a.node, a.state, a.goalId === undefined ? "-" : String(a.goalId), (a.answer ?? a.error ?? "").replace(/\s+/g, " ").slice(0, 100)]);
  for (const m of r.missing) if (!r.answers.some((a) => a.node === m)) rows.push([m, "no answer", "-", ""]);
  const counts = Object.entries(r.summary).filter(([k]) => k !== "targets" && k !== "answered").map(([k, v]) => `${v} ${k}`);
  const head = `fleet goal ${r.id}: ${r.goal}`;
  const tail = `${r.summary.answered}/${r.summary.targets} answered${counts.length ? ` (${counts.join(", ")})` : ""}${r.missing.length ? `; no answer from ${r.missing.join(", ")}` : ""}`;
  return `${head}\n${table(rows)}\n${tail}`;
}

export function formatApprovals(list: NodeApprovals[], now = Date.now()): string {
  const rows = [["NODE", "APPROVAL", "TOOL", "RISK", "AGE", "ARGS"]];
  for (const n of list) {
    if (n.error) rows.push([n.node, "-", "-", "-", "-", `(${n.error})`]);
    for (const a of n.approvals) rows.push([n.node, a.approvalId, a.tool, a.risk, duration(Math.max(0, now - a.createdAt)), JSON.stringify(a.args).slice(0, 60)]);
  }
  const total = list.reduce((s, n) => s + n.approvals.length, 0);
  return total || list.some((n) => n.error) ? `${table(rows)}\n${total} pending on ${list.length} node${list.length === 1 ? "" : "s"}` : `no approvals pending on ${list.length} node${list.length === 1 ? "" : "s"}`;
}

export function formatAudit(r: AuditCopyReport): string {
  const v = r.verdict;
  const check = v.ok ? `verified: rows ${v.first ?? "-"}..${v.last ?? "-"}${v.complete ? " from the first" : ` (copy starts at row ${v.first})`}` : `NOT VERIFIED at row ${v.firstBadRow}: ${v.reason}`;
  const rows = [["SEQ", "TIME", "KIND", "TOOL", "AGENT", "CALL"]];
  for (const a of r.rows) rows.push([String(a.seq), new Date(a.ts).toISOString(), a.kind, a.tool ?? "-", a.agent ?? "-", a.callId ?? "-"]);
  return `audit of ${r.node} (fleet copy, ${v.rows} rows; ${check})\n${r.rows.length ? table(rows) : "no rows"}`;
}

/** `--json` prints the data; otherwise the text. */
export function render<T>(data: T, json: boolean, text: (d: T) => string): string {
  return json ? JSON.stringify(data, null, 2) : text(data);
}
