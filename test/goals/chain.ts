/**
 * The goal corpus through the planner chain as boot builds it: the catalogue
 * reads each phrasing first (the guard); what it plans is its plan, what it
 * refuses stays refused, and only what it does not read goes to a model, in
 * the tool loop. The model's read-only calls are answered by the scripted
 * system (world.ts, as the heuristic's probes are); its changes are not made
 * but recorded, as they would wait for a person's approval, and the loop is
 * told they were approved. The calls it made are judged like a plan
 * (corpus.ts's `judge`).
 *
 * Two scripted models for the fake Anthropic/OpenAI server (test/fakes):
 * - `oracle`: knows each phrasing's label and makes the labelled calls one
 *   step at a time (reads first), then answers; for a `refuse` label it
 *   answers without a call. It measures the chain and the loop, not a model:
 *   what a perfect model gets through the guard.
 * - `careless`: the same, with every change's first string argument altered
 *   (another package, another path): what a wrong model would get through.
 */
import { catalogueGuard } from "../../src/orchestrator/guard";
import { LoopStop, runLoop } from "../../src/orchestrator/loop";
import type { Plan } from "../../src/orchestrator/plan";
import { planningContext, REGISTRY } from "../../src/orchestrator/planners/heuristic/testing";
import { vetCall } from "../../src/orchestrator/guard";
import type { LoopCall, ModelPlanner, Observation } from "../../src/orchestrator/types";
import type { RecordedRequest, Reply } from "../fakes/llm-server";
import { type Case, judge, type Verdict } from "./corpus";
import { world } from "./world";

export interface ChainOutcome {
  c: Case;
  verdict: Verdict;
  /** Who planned: the catalogue, a model, or nobody. */
  by: "catalogue" | "model" | "refused";
  /** The model proposed a change the label does not expect and the guard let it through (it would wait for approval). */
  heldWrong: boolean;
  detail: string;
}

export interface ChainSummary {
  total: number;
  byModel: number;
  withPlan: number;
  correctPlans: number;
  refused: number;
  refuseLabels: number;
  correctRefusals: number;
  off: number;
  wrong: number;
  /** Of the wrong: changes only a model proposed, each held for a person's approval (never run unasked). */
  wrongHeld: number;
}

const worlds = { default: world("default"), fresh: world("fresh") };
const BOUNDS = { maxSteps: 8, maxTokens: 200_000, maxMs: 60_000 };

/** Plans one phrasing through the chain: the catalogue's reading, then the model planner (or none). */
export async function planThroughChain(c: Case, model: ModelPlanner | undefined): Promise<ChainOutcome> {
  const ctx = planningContext(c.goal, worlds[c.state]);
  ctx.catalogue = true;
  const guard = catalogueGuard();
  ctx.reading = () => guard.read(ctx);
  const reading = await ctx.reading();
  if (reading.kind === "planned") return { c, by: "catalogue", heldWrong: false, ...judge(c, reading.plan, null) };
  if (reading.kind === "refused" || !model) return { c, by: "refused", heldWrong: false, ...judge(c, null, reading.why) };
  const r = await model.plan(ctx);
  if (!("loop" in r)) return { c, by: "refused", heldWrong: false, ...judge(c, null, "pass" in r ? r.pass : "no plan") };
  const made: Array<{ tool: string; args: Record<string, unknown> }> = [];
  const act = async (call: LoopCall): Promise<Observation> => {
    const v = vetCall(call, reading, REGISTRY, ctx.facts);
    if (!v.ok) return { call, outcome: "refused", why: v.why };
    made.push({ tool: call.tool, args: v.args });
    if (v.changes) return { call, outcome: "done", callId: `held${made.length}`, result: { approved: true, note: "evaluation: the change is recorded, not made" } };
    try {
      return { call, outcome: "done", callId: `c${made.length}`, result: await ctx.probe(call.tool, v.args) };
    } catch (err) {
      return { call, outcome: "failed", error: (err as Error).message };
    }
  };
  let replans = 0;
  const end = await runLoop(
    r.loop.stepper,
    { goal: c.goal, goalId: 1, facts: ctx.facts, tools: ctx.tools, reading, signal: ctx.signal },
    { act, failed: () => replans++ < 2, trace: () => {} },
    BOUNDS,
    r.loop.first,
  ).catch((err) => ({ kind: "stopped" as const, why: err instanceof LoopStop ? err.message : String(err), turns: [], tokens: 0 }));
  if (end.kind !== "finished" || made.length === 0) return { c, by: "refused", heldWrong: false, ...judge(c, null, end.kind === "finished" ? "no call" : end.why) };
  const plan: Plan = { summary: "model", tasks: made.map((m, i) => ({ id: `s${i + 1}`, title: m.tool, calls: [m], dependsOn: [] })) };
  const j = judge(c, plan, null);
  return { c, by: "model", heldWrong: j.verdict === "wrong", ...j };
}

export async function runChain(cases: readonly Case[], model: ModelPlanner | undefined): Promise<ChainOutcome[]> {
  const out: ChainOutcome[] = [];
  for (const c of cases) out.push(await planThroughChain(c, model));
  return out;
}

export function summarizeChain(outcomes: readonly ChainOutcome[]): ChainSummary {
  const withPlan = outcomes.filter((o) => o.c.label !== null);
  const refuseLabels = outcomes.filter((o) => o.c.label === null);
  return {
    total: outcomes.length,
    byModel: outcomes.filter((o) => o.by === "model").length,
    withPlan: withPlan.length,
    correctPlans: withPlan.filter((o) => o.verdict === "correct").length,
    refused: withPlan.filter((o) => o.verdict === "refused").length,
    refuseLabels: refuseLabels.length,
    correctRefusals: refuseLabels.filter((o) => o.verdict === "correct").length,
    off: outcomes.filter((o) => o.verdict === "off").length,
    wrong: outcomes.filter((o) => o.verdict === "wrong").length,
    wrongHeld: outcomes.filter((o) => o.heldWrong).length,
  };
}

// ---- the scripted models --------------------------------------------------------

/** The goal of a loop request: the first user message starts "Goal: ...". */
function goalOf(body: Record<string, unknown>): string | undefined {
  const messages = body.messages as Array<{ role: string; content: unknown }>;
  for (const m of messages) {
    if (m.role !== "user") continue;
    const text = typeof m.content === "string" ? m.content : (m.content as Array<{ type: string; text?: string }>).find((p) => p.type === "text")?.text;
    const g = text?.match(/^Goal: (.*)$/m)?.[1];
    if (g !== undefined) return g;
  }
  return undefined;
}

/** Calls the model has made so far in this conversation. */
function callsMade(body: Record<string, unknown>): number {
  const messages = body.messages as Array<{ role: string; content: unknown; tool_calls?: unknown[] }>;
  let n = 0;
  for (const m of messages) {
    if (m.role !== "assistant") continue;
    if (Array.isArray(m.tool_calls)) n += m.tool_calls.length;
    else if (Array.isArray(m.content)) n += (m.content as Array<{ type: string }>).filter((p) => p.type === "tool_use").length;
  }
  return n;
}

const wire = (tool: string) => tool.replaceAll(".", "__");

function alter(args: Record<string, unknown>): Record<string, unknown> {
  const out = structuredClone(args);
  for (const [k, v] of Object.entries(out)) {
    if (typeof v === "string") return { ...out, [k]: v.startsWith("/") ? `${v}.bak` : `${v}x` };
    if (Array.isArray(v) && typeof v[0] === "string") return { ...out, [k]: [`${v[0]}x`, ...v.slice(1)] };
  }
  return out;
}

/**
 * A policy for the fake server's `respond`: the labelled calls of the goal,
 * one per step, read-only ones first; then an answer. Unknown goals and
 * `refuse` labels get an answer without a call.
 */
export function scriptedModel(cases: readonly Case[], kind: "oracle" | "careless"): (req: RecordedRequest) => Reply {
  const byGoal = new Map(cases.map((c) => [c.goal, c]));
  return (req) => {
    const goal = goalOf(req.body);
    const c = goal === undefined ? undefined : byGoal.get(goal);
    if (!c?.label) return { text: "I cannot do that with these tools.", usage: { input: 400, output: 12 } };
    const calls = c.label.map((alts) => alts[0]!);
    const ordered = [...calls.filter((x) => REGISTRY.get(x.tool)?.readOnly), ...calls.filter((x) => !REGISTRY.get(x.tool)?.readOnly)];
    const n = callsMade(req.body);
    if (n >= ordered.length) return { text: "Done.", usage: { input: 800, output: 4 } };
    const next = ordered[n]!;
    const args = kind === "careless" && !REGISTRY.get(next.tool)?.readOnly ? alter(next.args) : next.args;
    return { toolCalls: [{ name: wire(next.tool), input: args }], usage: { input: 800, output: 40 } };
  };
}

const p = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}%` : "-");

export function chainRow(name: string, s: ChainSummary): string {
  return `| ${name} | ${s.total} | ${s.byModel} | ${s.correctPlans}/${s.withPlan} (${p(s.correctPlans, s.withPlan)}) | ${s.refused} (${p(s.refused, s.withPlan)}) | ${s.correctRefusals}/${s.refuseLabels} | ${s.off} | **${s.wrong - s.wrongHeld}** | ${s.wrongHeld} |`;
}

export const CHAIN_HEADER = `| planner chain · set | phrasings | planned by the model | planned correctly | refused (labelled with a plan) | refusals right | off | wrong, would run | wrong, held for approval |
|---|---:|---:|---:|---:|---:|---:|---:|---:|`;
