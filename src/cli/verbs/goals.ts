/** `goal "…" [--wait]`, `goals`, `trace ID`; fleet goals with --labels, --nodes or --all. */
import { table } from "../../sys/text";
import { CtlError, EXIT, usageError } from "../errors";
import type { Goal, TraceEvent } from "../../orchestrator";
// progress.ts alone (no runtime imports): the CLI must not load the orchestrator.
import { progressLine } from "../../orchestrator/progress";
import { type Ctx, defineVerb, intFlag, print } from "../verb";
import { fleetGoal } from "./fleet";

type GoalSummary = Pick<Goal, "id" | "state" | "priority" | "source" | "createdAt" | "updatedAt" | "finishedAt" | "error" | "answer"> & { goal: string };
type GoalDetail = GoalSummary & { trace: TraceEvent[]; plan: unknown };

/** How a finished goal ends the command. */
export function exitForGoal(state: string): number {
  if (state === "done") return EXIT.ok;
  if (state === "cancelled") return EXIT.cancelled;
  if (state === "failed") return EXIT.failed;
  return EXIT.held;
}

function goalNumber(raw: string | undefined, usage: string): number {
  if (!raw || !/^\d{1,12}$/.test(raw)) throw usageError(`usage: aios-init ctl ${usage}`);
  return Number(raw);
}

/** The lines a person follows live (as the REPL prints them); the rest is in `trace`. */
export const followLine = (e: TraceEvent) => progressLine(e, (id) => `aios-init ctl approve ${id} (or deny ${id})`);

export const answerText = (g: { id: number; state: string; answer: string | null; error: string | null }) => {
  const text = g.answer ?? g.error ?? "";
  return text ? `goal ${g.id} ${g.state}:\n${text.replace(/^/gm, "  ")}` : `goal ${g.id} ${g.state}`;
};

/** Follows a goal's events until `end`; progress goes to stderr, the outcome is returned. */
async function follow(ctx: Ctx, id: number): Promise<GoalDetail> {
  const api = ctx.api();
  const seen = new Set<string>();
  let ended = false;
  await api.events(`/api/v1/goals/${id}/events`, (e) => {
    if (e.event === "end") {
      ended = true;
      return "stop";
    }
    if (e.id !== undefined) {
      if (seen.has(e.id)) return; // a resumed stream may repeat what was read
      seen.add(e.id);
    }
    let ev: TraceEvent;
    try {
      ev = JSON.parse(e.data) as TraceEvent;
    } catch {
      return;
    }
    const line = followLine(ev);
    if (line) ctx.io.err(`goal ${id}: ${line}`);
  }, ctx.signal);
  if (!ended && ctx.signal.aborted) throw new CtlError("interrupted", `goal ${id} goes on: aios-init ctl trace ${id}`, EXIT.interrupted);
  return api.get<GoalDetail>(`/api/v1/goals/${id}`);
}

export const goal = defineVerb({
  name: "goal",
  args: '"what you want done"',
  summary: "submit a goal; --wait follows it live and exits with its outcome",
  flags: ["wait", "autonomy", "labels", "nodes", "all", "deadline"],
  async run(ctx, args) {
    const text = args.join(" ").trim();
    if (!text) throw usageError('goal: say what you want done, e.g. aios-init ctl goal "show disk usage" --wait');
    if (ctx.flags.labels || ctx.flags.nodes || ctx.flags.all) return fleetGoal(ctx, text);
    const body: Record<string, unknown> = { goal: text };
    if (ctx.flags.autonomy) body.autonomy = ctx.flags.autonomy;
    const submitted = await ctx.api().post<{ id: number; state: string }>("/api/v1/goals", body);
    if (!ctx.flags.wait) {
      print(ctx, submitted, (s) => `goal ${s.id} submitted (${s.state}): aios-init ctl trace ${s.id}, or goal --wait to follow it`);
      return EXIT.ok;
    }
    ctx.io.err(`goal ${submitted.id} submitted; following it (Ctrl-C stops following, not the goal)`);
    const g = await follow(ctx, submitted.id);
    print(ctx, g, answerText);
    return exitForGoal(g.state);
  },
});

export const goals = defineVerb({
  name: "goals",
  summary: "recent goals, newest first",
  flags: ["limit", "cursor"],
  async run(ctx) {
    const q = new URLSearchParams({ limit: String(intFlag(ctx, "limit", 20, 1000)) });
    if (ctx.flags.cursor) q.set("cursor", ctx.flags.cursor);
    const r = await ctx.api().get<{ goals: GoalSummary[]; next?: string | null }>(`/api/v1/goals?${q}`);
    print(ctx, r, ({ goals: list, next }) => {
      if (!list.length) return 'no goals yet: aios-init ctl goal "show disk usage" --wait';
      const rows = [["ID", "STATE", "SOURCE", "WHEN", "GOAL"]];
      for (const g of list) rows.push([String(g.id), g.state, g.source, new Date(g.createdAt).toISOString().slice(0, 19).replace("T", " "), g.goal.replace(/\s+/g, " ").slice(0, 60)]);
      return `${table(rows)}${next ? `\nmore: aios-init ctl goals --cursor ${next}` : ""}`;
    });
    return EXIT.ok;
  },
});

export function formatTrace(g: GoalDetail): string {
  const events = g.trace.map((e) => `${new Date(e.ts).toISOString().slice(11, 23)} [${e.kind}] ${e.message}`);
  return [`goal ${g.id} (${g.state}): ${g.goal}`, ...events, ...(g.answer ? [`answer:\n${g.answer.replace(/^/gm, "  ")}`] : [])].join("\n");
}

export const trace = defineVerb({
  name: "trace",
  args: "GOAL",
  summary: "a goal's full trace: planners, plan, routing, tasks, calls, outcome, answer",
  async run(ctx, args) {
    const id = goalNumber(args[0], "trace GOAL (a goal's number)");
    const g = await ctx.api().get<GoalDetail>(`/api/v1/goals/${id}`);
    print(ctx, g, formatTrace);
    return EXIT.ok;
  },
});
