/**
 * The iterative tool loop of the model planners: observe → decide → act. A
 * model (a Stepper: the gateway's or a local one) sees the goal and every
 * result so far, and decides: call tools, or finish with its answer. The
 * loop acts through a port (the engine's: the guard, then the executor's
 * gates; the evaluation's: a scripted system), tells the model each result,
 * typed and truncated, and stops at the bounds: decisions, tokens, time, the
 * month's budget (the stepper throws LoopStop), a model repeating itself, or
 * a failure the port will not re-plan. Every decision goes to the trace.
 */
import { AiosError, errorMessage } from "../sys";
import type { ToolRegistry } from "../tools/registry";
import { summarizeCall } from "./answer";
import type { Decision, LoopCall, Observation, ProposedCall, StepContext, Stepper, Turn } from "./types";

export type { Decision, LoopCall, Observation, StepContext, Stepper, StepUsage, Turn } from "./types";

/** A reason the loop cannot go on that no other decision fixes: the month's budget spent, the model gone. */
export class LoopStop extends AiosError<"over_budget" | "model_failed"> {
  constructor(
    readonly reason: "budget" | "model",
    message: string,
    opts?: { cause?: unknown },
  ) {
    super(reason === "budget" ? "over_budget" : "model_failed", message, opts);
  }
}

export interface LoopBounds {
  maxSteps: number;
  maxTokens: number;
  maxMs: number;
}

export interface LoopPorts {
  /** Runs one call through the guard and the executor's gates (pausing while it waits for approval). */
  act(call: LoopCall, step: number): Promise<Observation>;
  /** A call failed: whether the model may re-plan (false ends the loop with the failures). */
  failed(o: Extract<Observation, { outcome: "failed" }>, step: number): Promise<boolean> | boolean;
  /** The model decided again after a failure (the goal leaves `replanning`). */
  decided?(d: Decision, step: number): void;
  trace(kind: string, message: string, data?: unknown): void;
  /** Time not counted against maxMs (waiting for a person). */
  pausedMs?(): number;
}

export type LoopEnd =
  | { kind: "finished"; text: string; turns: Turn[]; tokens: number }
  | { kind: "stopped"; why: string; turns: Turn[]; tokens: number }
  | { kind: "cancelled"; why: string; turns: Turn[]; tokens: number };

const callLine = (c: ProposedCall) => `${c.tool} ${JSON.stringify(c.args)}`.slice(0, 300);

/** Runs the loop from `first` (the decision the planner made while planning) or from a fresh decision. */
export async function runLoop(stepper: Stepper, ctx: Omit<StepContext, "turns">, ports: LoopPorts, bounds: LoopBounds, first?: Decision): Promise<LoopEnd> {
  const turns: Turn[] = [];
  let tokens = 0;
  const t0 = performance.now();
  const elapsed = () => performance.now() - t0 - (ports.pausedMs?.() ?? 0);
  const end = (kind: "stopped" | "cancelled", why: string): LoopEnd => ({ kind, why, turns, tokens });
  const failures: string[] = [];
  for (let step = 1; ; step++) {
    if (ctx.signal.aborted) return end("cancelled", errorMessage(ctx.signal.reason));
    let d: Decision;
    if (step === 1 && first) d = first;
    else {
      try {
        d = await stepper.decide({ ...ctx, turns });
      } catch (err) {
        if (ctx.signal.aborted) return end("cancelled", errorMessage(ctx.signal.reason));
        const why = err instanceof LoopStop && err.reason === "budget" ? `the month's budget is spent: ${err.message}` : `${stepper.name} could not decide step ${step}: ${errorMessage(err)}`;
        ports.trace("step", `step ${step}: stopped: ${why}`, { step, stopped: why });
        return end("stopped", why);
      }
    }
    tokens += d.usage.tokens;
    ports.decided?.(d, step);
    const what = d.kind === "finish" ? `finish: ${d.text.slice(0, 200)}` : d.calls.map(callLine).join("; ");
    ports.trace("step", `step ${step} (${d.usage.by}): ${what}`, { step, decision: d, tokens });
    if (d.kind === "finish") {
      const last = turns.at(-1);
      const unresolved = last?.observations.filter((o) => o.outcome !== "done") ?? [];
      // Finishing right after a call failed or was refused is giving up on it: the goal fails with why.
      if (unresolved.length && last?.decision.kind === "calls") return end("stopped", `${stepper.name} finished after ${unresolved.map(observationLine).join("; ")}`);
      if (turns.length === 0) return end("stopped", `${stepper.name} answered without looking at the system`);
      return { kind: "finished", text: d.text, turns, tokens };
    }
    const observations: Observation[] = [];
    turns.push({ decision: d, observations });
    for (const [i, call] of d.calls.entries()) {
      if (ctx.signal.aborted) return end("cancelled", errorMessage(ctx.signal.reason));
      const o = await ports.act(call, step);
      observations.push(o);
      if (o.outcome === "failed") {
        failures.push(`${call.tool}: ${o.error}`);
        if (ctx.signal.aborted) return end("cancelled", errorMessage(ctx.signal.reason));
        if (!(await ports.failed(o, step))) return end("stopped", failures.join("; "));
        // The rest of this decision was made before the failure was known; each call still gets an answer.
        for (const rest of d.calls.slice(i + 1)) observations.push({ call: rest, outcome: "refused", why: `not run: ${call.tool} failed before it` });
        break;
      }
    }
    if (step >= bounds.maxSteps) return end("stopped", `the step limit (${bounds.maxSteps} decisions) was reached before ${stepper.name} finished`);
    if (tokens >= bounds.maxTokens) return end("stopped", `the token limit (${bounds.maxTokens}) was reached before ${stepper.name} finished (${tokens} used)`);
    if (elapsed() >= bounds.maxMs) return end("stopped", `the time limit (${Math.round(bounds.maxMs / 1000)} s) was reached before ${stepper.name} finished`);
    if (repeating(turns)) return end("stopped", `${stepper.name} made the same calls three times with the same results`);
  }
}

/** The last three turns made the same calls and got the same outcomes: more of it will not help. */
function repeating(turns: readonly Turn[]): boolean {
  if (turns.length < 3) return false;
  const key = (t: Turn) => JSON.stringify([t.decision.kind === "calls" ? t.decision.calls.map((c) => [c.tool, c.args]) : [], t.observations.map((o) => (o.outcome === "done" ? o.result : o.outcome))]);
  const [a, b, c] = turns.slice(-3).map(key);
  return a === b && b === c;
}

export function observationLine(o: Observation): string {
  if (o.outcome === "done") return `${o.call.tool} done (${o.callId})`;
  if (o.outcome === "failed") return `${o.call.tool} failed: ${o.error}`;
  return `${o.call.tool} refused: ${o.why}`;
}

/**
 * What a model is told about one call: the tool's own summary over its typed
 * output, then the output as JSON, cut at `chars` (the full result stays in
 * the audit ledger and the call record).
 */
export function observe(o: Observation, registry: ToolRegistry, chars: number): string {
  if (o.outcome === "refused") return JSON.stringify({ ok: false, tool: o.call.tool, refused: o.why });
  if (o.outcome === "failed") return JSON.stringify({ ok: false, tool: o.call.tool, error: o.error, ...(o.code ? { code: o.code } : {}) });
  let summary = summarizeCall({ tool: o.call.tool, callId: o.callId, args: o.call.args, result: o.result, answer: true }, registry);
  if (summary.length > chars / 2) summary = `${summary.slice(0, Math.floor(chars / 2))}…`;
  const json = JSON.stringify(o.result) ?? "null";
  const head = JSON.stringify({ ok: true, tool: o.call.tool, callId: o.callId, summary });
  const room = Math.max(0, chars - head.length - 12);
  if (json.length <= room) return `${head.slice(0, -1)},"result":${json}}`;
  // Cut as a string, shortened until its escaped form fits too.
  let keep = room;
  let cut = "";
  do {
    cut = JSON.stringify(`${json.slice(0, keep)}… (${json.length - keep} more characters)`);
    keep -= Math.max(1, cut.length - room);
  } while (cut.length > room && keep > 0);
  return `${head.slice(0, -1)},"result":${cut}}`;
}

/** How the rules for a model in the loop read, shared by the gateway and the local stepper. */
export const LOOP_RULES = `You administer aios, an operating system run by agents that act only through typed tools. You reach a person's goal one step at a time.
At each step either call tools (with arguments that match their input schemas exactly) or, once the results you have answer the goal, finish with a short answer.
Rules:
- Look before you change: use read-only tools to check the system first.
- Use only what the tool results say; never invent files, packages, services, numbers or results.
- A change the system's guard refuses, or a person denies, is not made: do not try to get around it.
- If the goal cannot be done with these tools, finish and say so.`;

/** The first message of the conversation: the goal, the machine, what happened before. */
export function loopBrief(ctx: Pick<StepContext, "goal" | "facts" | "prelude">): string {
  const lines = [`Goal: ${ctx.goal}`, "", `Machine: hostname ${ctx.facts.hostname}; management API on port ${ctx.facts.apiPort}; mode ${ctx.facts.mode}.`];
  if (ctx.prelude) lines.push("", ctx.prelude);
  return lines.join("\n");
}
