/**
 * Goals on the console: `goal <text>` submits one and gives the prompt back
 * at once; its progress (plan, tasks, approvals it waits for) and then its
 * answer print above the prompt as log lines do, so `approvals`, `approve`
 * and `deny` can be typed while it runs. `goals` lists them; `trace <id>`
 * prints the decision log of one; `cancel <id>` stops one.
 */
import { type GoalEngine, isFinalGoalState, progressLine, type TraceEvent } from "../../orchestrator";
import { type CommandIO, defineCommand } from "../command";
import { table } from "../../sys/text";

function engineOf(io: CommandIO): GoalEngine {
  const e = io.deps.goals?.();
  if (!e) throw new Error("goals are not available (the orchestrator did not start: it needs the memory and tools steps)");
  return e;
}

function goalId(raw: string | undefined, usage: string): number {
  if (!raw || !/^\d{1,12}$/.test(raw)) throw new Error(`usage: ${usage}`);
  return Number(raw);
}

const line = (e: TraceEvent) => `[${e.kind}] ${e.message}`;

/** The trace events a person follows live; the rest (planners' passes, routing, calls) is in `trace <id>`. */
const progress = (e: TraceEvent) => progressLine(e, (id) => `type 'approve ${id}' or 'deny ${id}' ('approvals' lists them)`);

/** "goal 3 done:" and the answer, indented. */
export function answerLines(id: number, state: string, answer: string | null, error: string | null): string {
  const text = answer ?? error ?? "";
  return text ? `goal ${id} ${state}:\n${text.replace(/^/gm, "  ")}` : `goal ${id} ${state}`;
}

/** Prints a goal's progress and, once it ends, its answer, through `print` (above the prompt once the command returned). */
export function follow(engine: GoalEngine, id: number, print: (text: string) => void): void {
  let seen = 0;
  let ended = false;
  const show = (e: TraceEvent) => {
    if (e.id <= seen || ended) return;
    seen = e.id;
    const text = progress(e);
    if (text) print(`goal ${id}: ${text}`);
  };
  const settle = () => {
    const g = engine.get(id);
    if (!g || ended || !isFinalGoalState(g.state)) return;
    ended = true;
    unsubscribe();
    print(answerLines(id, g.state, g.answer, g.error));
  };
  // The engine changes a goal's state before it logs the event that announces it, so the
  // event that ends the goal finds it final here.
  const unsubscribe = engine.subscribe(id, (e) => {
    show(e);
    settle();
  });
  for (const e of engine.trace(id)) show(e);
  settle();
}

export const goal = defineCommand({
  name: "goal",
  summary: "submit a goal; the prompt comes back at once, its progress and answer print above it",
  usage: "goal <what you want done>",
  run: (args, io) => {
    const text = args.join(" ").trim();
    if (!text) {
      io.print('usage: goal <what you want done>, e.g. goal "show disk usage"');
      return;
    }
    const engine = engineOf(io);
    const g = engine.submit({ goal: text, source: "console" });
    io.print(`goal ${g.id} submitted; its progress and answer will print here ('cancel ${g.id}' stops it)`);
    follow(engine, g.id, io.print);
  },
});

export const goals = defineCommand({
  name: "goals",
  summary: "recent goals with their state",
  run: (_args, io) => {
    const list = engineOf(io).list(20);
    if (list.length === 0) return io.print("no goals yet; try: goal show disk usage");
    io.print(table([["ID", "STATE", "SOURCE", "GOAL"], ...list.map((g) => [String(g.id), g.state, g.source, (g.description || g.title).slice(0, 50)])]));
  },
});

export const trace = defineCommand({
  name: "trace",
  summary: "the full trace of a goal: planners, plan, routing, tasks, tool calls, outcome, answer",
  usage: "trace <goal id>",
  run: (args, io) => {
    const engine = engineOf(io);
    const id = goalId(args[0], "trace <goal id>");
    const g = engine.get(id);
    if (!g) return io.print(`goal ${id}: no such goal`);
    const events = engine.trace(id).map((e) => `${new Date(e.ts).toISOString().slice(11, 23)} ${line(e)}`);
    io.print([`goal ${id} (${g.state}): ${g.description || g.title}`, ...events, ...(g.answer ? [`answer:\n${g.answer.replace(/^/gm, "  ")}`] : [])].join("\n"));
  },
});

export const cancel = defineCommand({
  name: "cancel",
  summary: "cancel a goal (held calls are denied; what ran is rolled back per config)",
  usage: "cancel <goal id>",
  run: (args, io) => {
    const g = engineOf(io).cancel(goalId(args[0], "cancel <goal id>"), "console");
    io.print(`goal ${g.id}: ${g.state === "cancelled" ? "cancelled" : "cancelling"}`);
  },
});
