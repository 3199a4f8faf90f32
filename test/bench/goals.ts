/**
 * `make bench-goals`: a goal of 7 heuristic tasks from submit to done in dev
 * mode over the real parts (working memory with synchronous=FULL, executor,
 * ledger, agents), against the same 7 tool calls made directly through the
 * executor in the same run. Tool time (each call's execution, from the
 * audit ledger) is subtracted to give the orchestration's own cost.
 */
import { cpus } from "node:os";
import { heuristicPlanner } from "../../src/orchestrator/planners/heuristic";
import { openWorld, removeWorld } from "../../src/orchestrator/testing";
import { setSink } from "../../src/sys";

setSink(() => {});
const RUNS = Number(process.env.RUNS ?? 30);
const WARMUP = 3;
const GOAL = "show disk usage, show memory usage, show process usage, check port 9, write 'a' to /tmp/a.txt, write 'b' to /tmp/b.txt and check http://127.0.0.1:9/";

const w = await openWorld({ planners: [heuristicPlanner()], level: "full", rollbackOnFailure: false });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))]!;

const total: number[] = [];
const planning: number[] = [];
const toolMs: number[] = [];
const overheadPerTask: number[] = [];
let tasks = 0;
let calls: Array<{ tool: string; args: Record<string, unknown>; agent: string }> = [];
for (let i = 0; i < RUNS + WARMUP; i++) {
  const t0 = performance.now();
  const g = w.engine.submit({ goal: GOAL, source: "bench" });
  const state = await w.until(g.id, ["done", "failed"], 60_000);
  const ms = performance.now() - t0;
  if (state !== "done") throw new Error(`goal ${g.id} ${state}: ${w.engine.get(g.id)?.error}`);
  const trace = w.engine.trace(g.id);
  const plan = (w.engine.get(g.id)!.plan as { tasks: Array<{ id: string; calls: Array<{ tool: string; args: Record<string, unknown> }> }> }).tasks;
  tasks = plan.length;
  const ran = w.tools.ledger.query({ correlationId: `g${g.id}`, limit: 1000 }).filter((r) => r.kind === "result" && !(r.data as { args?: unknown }).args);
  const tool = ran.reduce((s, r) => s + Number((r.data as { ms?: number }).ms ?? 0), 0);
  if (i < WARMUP) continue;
  total.push(ms);
  toolMs.push(tool);
  planning.push(trace.find((e) => e.kind === "running")!.ts - trace[0]!.ts);
  overheadPerTask.push((ms - tool) / tasks);
  const routes = new Map(trace.filter((e) => e.kind === "route").map((e) => [(e.data as { taskId: string }).taskId, (e.data as { agent: string }).agent]));
  calls = plan.flatMap((t) => t.calls.map((c) => ({ ...c, agent: routes.get(t.id)! })));
}

// Baseline: the same calls, one after another, straight into the executor (no goal, planner, router or agents).
const direct: number[] = [];
for (let i = 0; i < RUNS + WARMUP; i++) {
  const t0 = performance.now();
  for (const c of calls) await w.tools.executor.call({ tool: c.tool, args: c.args, agent: c.agent });
  if (i >= WARMUP) direct.push(performance.now() - t0);
}
await w.close();
removeWorld(w);

const f = (ms: number) => ms.toFixed(2);
console.log(`## Goals: ${tasks}-task heuristic plan, submit → done (${RUNS} runs after ${WARMUP} warm-up; ${cpus().length} × ${cpus()[0]?.model.trim()}, Bun ${Bun.version})

Goal: "${GOAL}"

| measure | median ms | p99 ms |
|---|---:|---:|
| goal latency, submit → done | ${f(median(total))} | ${f(p99(total))} |
| of which planning (heuristic planner, probes, routing) | ${f(median(planning))} | ${f(p99(planning))} |
| tool execution inside it (sum of the calls' own time, from the audit ledger) | ${f(median(toolMs))} | ${f(p99(toolMs))} |
| **goal latency excluding tool time** | **${f(median(total) - median(toolMs))}** | |
| **orchestration overhead per task** ((latency − tool time) / ${tasks}) | **${f(median(overheadPerTask))}** | ${f(p99(overheadPerTask))} |
| baseline: the same ${calls.length} calls straight into the executor, in sequence | ${f(median(direct))} | ${f(p99(direct))} |

Goal latency vs the bare executor baseline: ${(median(total) / median(direct)).toFixed(2)}× (the goal runs independent tasks in parallel; the baseline runs its calls in sequence). Target: overhead ≤ 2 ms per task (${median(overheadPerTask) <= 2 ? "met" : "NOT met"}).`);
