/**
 * Goals on the console: `goal <text>` submits one and prints its progress
 * live; `goals` lists them; `trace <id>` prints the decision log of one;
 * `cancel <id>` stops one. While a goal waits for approval the prompt comes
 * back (so `approve <id>` can be typed) and progress goes on as log lines.
 */
import type { TraceEvent } from "../../memory";
import type { GoalEngine } from "../../orchestrator";
import { log } from "../../sys";
import { type CommandIO, defineCommand } from "../command";
import { table } from "../format";

const FINAL = new Set(["done", "failed", "cancelled"]);

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

export const goal = defineCommand({
  name: "goal",
  summary: "submit a goal and follow it live (planning, tasks, approvals, outcome)",
  usage: "goal <what you want done>",
  run: async (args, io) => {
    const text = args.join(" ").trim();
    if (!text) {
      io.print('usage: goal <what you want done>, e.g. goal "show disk usage"');
      return;
    }
    const engine = engineOf(io);
    const g = engine.submit({ goal: text, source: "console" });
    io.print(`goal ${g.id} submitted`);
    let detached = false;
    await new Promise<void>((resolve) => {
      let seen = 0;
      const show = (e: TraceEvent) => {
        if (e.id <= seen) return;
        seen = e.id;
        if (detached) log.always(`goal ${g.id}: ${line(e)}`);
        else io.print(line(e));
      };
      const settle = () => {
        const state = engine.get(g.id)!.state;
        if (FINAL.has(state)) {
          unsubscribe();
          if (!detached) resolve();
          else log.always(`goal ${g.id}: ${state}`);
        } else if (state === "awaiting_approval" && !detached) {
          detached = true;
          io.print(`goal ${g.id} waits for approval: see 'approvals', then 'approve <id>' or 'deny <id>'; progress goes on below`);
          resolve();
        }
      };
      const unsubscribe = engine.subscribe(g.id, (e) => {
        show(e);
        settle();
      });
      for (const e of engine.trace(g.id)) show(e);
      settle();
    });
    if (!detached) io.print(`goal ${g.id}: ${engine.get(g.id)!.state}${engine.get(g.id)!.error ? `: ${engine.get(g.id)!.error}` : ""}`);
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
  summary: "the full trace of a goal: planners, plan, routing, tasks, tool calls, outcome",
  usage: "trace <goal id>",
  run: (args, io) => {
    const engine = engineOf(io);
    const id = goalId(args[0], "trace <goal id>");
    const g = engine.get(id);
    if (!g) return io.print(`goal ${id}: no such goal`);
    io.print([`goal ${id} (${g.state}): ${g.description || g.title}`, ...engine.trace(id).map((e) => `${new Date(e.ts).toISOString().slice(11, 23)} ${line(e)}`)].join("\n"));
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
