/**
 * The catalogue as the guard of model planning. "Never a wrong action" holds
 * for what a model proposes as much as for the catalogue's own plans, so the
 * heuristic catalogue reads every goal first (once per planning) and its
 * reading decides what a model may do:
 *
 * 1. **planned** — every word read, a plan made. The catalogue's plan is the
 *    exact intent ("install nginx" needs no model): when the heuristic is in
 *    the chain, model planners pass. Where a model still acts on such a goal
 *    (re-planning after one of the plan's tasks failed, or a chain without
 *    the heuristic), each call that changes the system must be one the
 *    catalogue's plan makes — same tool, same arguments once validated —
 *    or it is refused. Read-only calls are free: looking changes nothing.
 * 2. **refused** — every word read (or a clause read as a refusal entry), and
 *    refused: dangerous, out of scope, impossible, the system says no, or a
 *    line of safety.ts crossed; also goals the catalogue declines to read at
 *    all (too long, too many clauses, a pronoun with nothing before it). No
 *    model plans it: the refusal stands.
 * 3. **unread** — a word nothing in the catalogue consumes (the grammar's
 *    "miss"). Only here may a model plan. Its calls must not cross safety.ts's
 *    lines (the same as the catalogue's: secrets never read, aiOS's state and
 *    system directories never changed, PID 1 never signalled...), and every
 *    call that changes the system is held for a person (autonomy "manual" at
 *    least), whatever the system's level: nobody has checked the model's
 *    reading but the person who approves it.
 *
 * And every model call, in every case, passes the executor's gates like any
 * other: argument validation, the agent's and the principal's capabilities,
 * the autonomy gate.
 */
import * as v from "valibot";
import type { AutonomyLevel } from "../tools/gate";
import type { ToolRegistry } from "../tools/registry";
import { catalogue } from "./planners/catalogue";
import type { Intent } from "./planners/heuristic";
import type { Planner, PlanningContext, PlanningFacts, ProposedCall, Reading } from "./types";

export type { ProposedCall, Reading } from "./types";

/** Reads goals with the catalogue; one reading per planning context. */
export interface Guard {
  read(ctx: PlanningContext): Promise<Reading>;
}

/** Planner and intents default to the catalogue's own, loaded at the first goal (planners/catalogue.ts). */
export function catalogueGuard(planner?: Planner, intents?: readonly Intent[]): Guard {
  const memo = new WeakMap<PlanningContext, Promise<Reading>>();
  return {
    read(ctx) {
      let r = memo.get(ctx);
      if (!r) memo.set(ctx, (r = classify(ctx, (planner ??= catalogue().heuristic.heuristicPlanner()), (intents ??= catalogue().heuristic.INTENTS))));
      return r;
    },
  };
}

async function classify(ctx: PlanningContext, planner: Planner, intents: readonly Intent[]): Promise<Reading> {
  let result: Awaited<ReturnType<Planner["plan"]>>;
  try {
    result = await planner.plan(ctx);
  } catch (err) {
    // The catalogue could not finish reading it: nothing vouches for a model's plan either.
    return { kind: "refused", why: `the catalogue failed on it: ${(err as Error).message}` };
  }
  if ("plan" in result) return { kind: "planned", plan: result.plan, why: result.why };
  const why = "pass" in result ? result.pass : "the catalogue did not plan it";
  try {
    const { heuristic, readGoal } = catalogue();
    if (Array.isArray(heuristic.understand(ctx.goal, intents, ctx.facts))) return { kind: "refused", why };
    const g = readGoal(ctx.goal, intents, ctx.facts);
    if (g.kind === "miss" && g.miss.result.kind === "miss") return { kind: "unread", why };
  } catch {
    // Not read at all (too long for the lexer): nothing vouches for a model's plan.
  }
  return { kind: "refused", why };
}

/** The heuristic planner of the chain, answering from the guard's reading (the goal is read once). */
export function guardedCatalogue(guard: Guard): Planner {
  return {
    name: "heuristic",
    async plan(ctx) {
      const r = await guard.read(ctx);
      return r.kind === "planned" ? { plan: r.plan, why: r.why } : { pass: r.why };
    },
  };
}

/** The least supervision a model's calls get under this reading (the goal's own level may be stricter). */
export function autonomyFloor(reading: Reading | undefined): AutonomyLevel | undefined {
  return reading?.kind === "unread" ? "manual" : undefined;
}

export type Vetted = { ok: true; args: Record<string, unknown>; changes: boolean } | { ok: false; why: string };

const show = (c: ProposedCall) => `${c.tool} ${JSON.stringify(c.args)}`;

/**
 * Whether a model's call may go to the executor under this reading: the tool
 * exists, its arguments validate, it crosses no safety line, and a change
 * agrees with the catalogue's plan where there is one. `why` is told to the
 * model and written in the trace.
 */
export function vetCall(call: ProposedCall, reading: Reading | undefined, registry: ToolRegistry, facts: PlanningFacts): Vetted {
  const tool = registry.get(call.tool);
  if (!tool) return { ok: false, why: `${call.tool} is not a tool of this system` };
  const parsed = v.safeParse(tool.input, call.args);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const where = issue.path?.map((p: { key: unknown }) => String(p.key)).join(".");
    return { ok: false, why: `${call.tool}: ${where ? `${where}: ` : ""}${issue.message}` };
  }
  const args = parsed.output as Record<string, unknown>;
  const line = catalogue().unsafe({ summary: "model call", tasks: [{ id: "t1", title: "model call", calls: [{ tool: call.tool, args }], dependsOn: [] }] }, facts);
  if (line) return { ok: false, why: `refused: ${line}` };
  const changes = !tool.readOnly;
  if (reading?.kind === "refused") return { ok: false, why: `the catalogue reads this goal and refuses it (${reading.why}); no model plans it` };
  if (changes && reading?.kind === "planned") {
    const planned = reading.plan.tasks.flatMap((t) => t.calls).filter((c) => c.tool === call.tool);
    const same = planned.some((c) => {
      const p = v.safeParse(tool.input, c.args);
      return p.success && Bun.deepEquals(p.output, args, true);
    });
    if (!same) {
      const changing = reading.plan.tasks.flatMap((t) => t.calls).filter((c) => !registry.get(c.tool)?.readOnly);
      return {
        ok: false,
        why: `the catalogue reads this goal as "${reading.plan.summary}"; a change it does not plan (${show({ tool: call.tool, args })}) is refused${changing.length ? `; the changes it plans: ${changing.map((c) => show(c as ProposedCall)).join("; ")}` : "; it plans no change"}`,
      };
    }
  }
  return { ok: true, args, changes };
}
