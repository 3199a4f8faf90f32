/**
 * The fleet (issue 17): `nodes`, `node NAME status`, `goal --labels/--nodes/--all "…"`,
 * and, in approvals.ts and audit.ts, `approvals` across the fleet and
 * `audit --node NAME`. With --nats (or AIOS_NATS) they go over NATS through
 * the fleet client library (src/fleet/client.ts), loaded only then; without,
 * through this node's HTTP API in fleet mode (/api/v1/fleet/*).
 */
import { formatFleetGoal, formatNodeReport, formatNodes } from "../../fleet/format";
import type { NodeReport } from "../../fleet/client";
import type { FleetGoalResult, NodeStatus, Selector } from "../../fleet/types";
import { EXIT, usageError } from "../errors";
import { type Ctx, defineVerb, print } from "../verb";

const NAME = /^[A-Za-z0-9_-]{1,63}$/;

/** `role=web,zone=a` → {role: "web", zone: "a"}, each part checked. */
export function parseLabels(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of raw.split(",").filter(Boolean)) {
    const m = /^([^=]+)=(.*)$/.exec(part.trim());
    if (!m || !NAME.test(m[1]!) || !NAME.test(m[2]!)) throw usageError(`--labels: ${JSON.stringify(part)}: want key=value (1-63 of A-Z a-z 0-9 _ -), e.g. role=web,zone=a`);
    out[m[1]!] = m[2]!;
  }
  if (!Object.keys(out).length) throw usageError("--labels: give at least one key=value, e.g. role=web");
  return out;
}

function selectorOf(ctx: Ctx): Selector {
  const sel: Selector = {};
  if (ctx.flags.labels) sel.labels = parseLabels(ctx.flags.labels);
  if (ctx.flags.nodes) {
    sel.nodes = ctx.flags.nodes.split(",").map((n) => n.trim()).filter(Boolean);
    const bad = sel.nodes.find((n) => !NAME.test(n));
    if (bad !== undefined || !sel.nodes.length) throw usageError(`--nodes: ${JSON.stringify(bad ?? "")}: want node names, comma-separated`);
  }
  if (ctx.flags.all) sel.all = true;
  return sel;
}

function deadlineMs(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^(\d{1,7})(ms|s|m)$/.exec(raw);
  const ms = m ? Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[m[2] as "ms" | "s" | "m"] : Number.NaN;
  if (!(ms >= 100 && ms <= 600_000)) throw usageError(`--deadline: must be a duration 100ms..10m such as 30s or 2m (got ${JSON.stringify(raw)})`);
  return ms;
}

/** All answered and all done: 0; any failed, cancelled or missing: 1. */
export function exitForFleetGoal(r: FleetGoalResult): number {
  const done = r.summary.done ?? 0;
  return r.missing.length === 0 && done === r.summary.targets ? EXIT.ok : EXIT.failed;
}

export async function fleetGoal(ctx: Ctx, text: string): Promise<number> {
  const selector = selectorOf(ctx);
  const deadline = deadlineMs(ctx.flags.deadline);
  let r: FleetGoalResult;
  if (ctx.settings.nats) {
    const fleet = await ctx.fleet();
    r = await fleet.fleetGoal(selector, text, { deadlineMs: deadline });
  } else {
    r = await ctx.api().post<FleetGoalResult>("/api/v1/fleet/goals", { goal: text, ...selector, ...(ctx.flags.deadline ? { deadline: ctx.flags.deadline } : {}) });
  }
  print(ctx, r, formatFleetGoal);
  return exitForFleetGoal(r);
}

async function liveNodes(ctx: Ctx): Promise<NodeStatus[]> {
  if (ctx.settings.nats) return (await ctx.fleet()).nodes();
  return (await ctx.api().get<{ nodes: NodeStatus[] }>("/api/v1/fleet/nodes")).nodes;
}

export const nodes = defineVerb({
  name: "nodes",
  summary: "the fleet's live nodes: labels, version, load, memory, goals, approvals",
  async run(ctx) {
    print(ctx, await liveNodes(ctx), (l) => formatNodes(l));
    return EXIT.ok;
  },
});

export const node = defineVerb({
  name: "node",
  args: "NAME status",
  summary: "one node of the fleet: its heartbeat and (over NATS) its live system report",
  async run(ctx, args) {
    const [name, what, ...rest] = args;
    if (!name || !NAME.test(name) || (what !== undefined && what !== "status") || rest.length) throw usageError("usage: aios-init ctl node NAME status");
    let report: NodeReport;
    if (ctx.settings.nats) report = await (await ctx.fleet()).nodeStatus(name);
    else report = { node: name, status: (await liveNodes(ctx)).find((n) => n.node === name) ?? null, system: null };
    print(ctx, report, formatNodeReport);
    return report.status || report.system ? EXIT.ok : EXIT.notFound;
  },
});
