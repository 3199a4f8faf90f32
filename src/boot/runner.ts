/**
 * Runs boot phases in order and times them. EBUSY and EEXIST mean the work
 * was already done (a mount that exists, a directory that is there), which
 * counts as success: boot steps must be safe to run twice. A concurrent phase
 * runs alongside the phases after it and is waited for before ready; deferred
 * steps run right after ready (runDeferred), each still a row of the boot table.
 */
import { bootClockMs, errorCode, errorMessage, log } from "../sys";
import type { BootContext } from "./context";
import { ProductError, type Token } from "./products";
import type { Phase, PhaseResult, PhaseStatus, Step, StepResult } from "./step";

const ALREADY = new Set(["EBUSY", "EEXIST"]);

export interface RunHooks {
  /** Called when a required phase fails in PID-1 mode; boot resumes when it resolves. */
  emergency(phase: PhaseResult, ctx: BootContext): Promise<void>;
}

/**
 * Every need is provided by a step before it that has surely run by then: checked before the
 * first phase runs, so a misordered table never boots. What a concurrent phase provides is
 * for its own later steps only (the phases after it do not wait for it), what a deferred step
 * provides for no one; a deferred step is optional (ready has been announced when it runs).
 */
export function checkOrder(phases: readonly Phase[]): void {
  const provided = new Set<Token<unknown>>();
  for (const phase of phases) {
    const own = new Set<Token<unknown>>();
    for (const step of phase.steps) {
      if (step.deferred && step.required !== false) throw new ProductError(`boot step ${phase.name}/${step.name}: deferred, so it must be optional (required: false)`);
      for (const t of Object.values<Token<unknown>>(step.needs ?? {})) {
        if (!provided.has(t) && !own.has(t)) throw new ProductError(`boot step ${phase.name}/${step.name}: needs ${t.name}, which no step before it provides`);
      }
      if (step.deferred) continue;
      for (const t of step.provides ?? []) (phase.concurrent ? own : provided).add(t);
    }
  }
}

/**
 * Each boot's steps, running now and started so far: while a concurrent phase's step waits,
 * other steps run, and what they provide in that time is not the waiting step's undeclared product.
 */
const activity = new WeakMap<BootContext, { running: Set<Step<any>>; started: Step<any>[] }>();
/** Each boot's deferred steps, waiting for runDeferred, with their phase's row. */
const waiting = new WeakMap<BootContext, Array<{ phase: Phase; step: Step<any>; result: PhaseResult }>>();

/** The step's needs from the products so far, or the reason to skip it. */
function given(ctx: BootContext, step: Step<any>): { values: Record<string, unknown> } | { skip: string } {
  const values: Record<string, unknown> = {};
  for (const [key, t] of Object.entries<Token<unknown>>(step.needs ?? {})) {
    const v = ctx.products.find(t);
    if (v === undefined) return { skip: step.without?.[key] ?? t.absent };
    values[key] = v;
  }
  return { values };
}

async function runStep(ctx: BootContext, step: Step<any>): Promise<StepResult> {
  const command = step.describe(ctx);
  const started = performance.now();
  const result = (status: StepResult["status"], extra: Partial<StepResult> = {}): StepResult => ({
    name: step.name, command, status, ms: Math.round(performance.now() - started), ...extra,
  });
  if (step.pid1Only && ctx.mode !== "pid1") return result("skipped", { detail: "dev mode: not PID 1" });
  const needs = given(ctx, step);
  if ("skip" in needs) return result("skipped", { detail: needs.skip });
  const before = ctx.products.tokens();
  const seen = activity.get(ctx) ?? { running: new Set(), started: [] };
  activity.set(ctx, seen);
  const alongside = [...seen.running];
  const from = seen.started.push(step);
  seen.running.add(step);
  try {
    const outcome = await step.run(ctx, needs.values);
    const others = [...alongside, ...seen.started.slice(from)].flatMap((s) => s.provides ?? []);
    const undeclared = [...ctx.products.tokens()].filter((t) => !before.has(t) && !step.provides?.includes(t) && !others.includes(t));
    if (undeclared.length) throw new ProductError(`provided ${undeclared.map((t) => t.name).join(", ")} without declaring it`);
    if (outcome && typeof outcome === "object") return "already" in outcome ? result("already", { detail: outcome.already }) : result("skipped", { detail: outcome.skip });
    return result("done", outcome ? { detail: outcome } : {});
  } catch (err) {
    if (ALREADY.has(errorCode(err) ?? "")) return result("already");
    return result("failed", { error: errorMessage(err) });
  } finally {
    seen.running.delete(step);
  }
}

/** A deferred step counts as ok until it has run. */
function phaseStatus(phase: Phase, steps: StepResult[]): PhaseStatus {
  const failed = steps.filter((s) => s.status === "failed");
  if (failed.some((s) => phase.steps.find((p) => p.name === s.name)?.required !== false)) return "failed";
  if (failed.length) return "degraded";
  if (steps.length && steps.every((s) => s.status === "skipped")) return "skipped";
  return "ok";
}

function logStep(phase: Phase, step: Step<any>, r: StepResult): void {
  const detail = r.error ?? r.detail;
  log.debug(`boot: ${phase.name}: ${r.name}: ${r.status}${detail ? ` (${detail})` : ""} [${r.ms} ms]`);
  if (r.status === "failed") (step.required !== false ? log.error : log.warn)(`boot: ${phase.name}: ${r.name} failed: ${r.error}`);
}

/**
 * Most steps never wait on I/O, so awaiting them runs the next at once, as a microtask: without a
 * turn of the event loop between them, a boot would hold it from main() to ready (~1.3 s under
 * TCG). Timers, a concurrent phase's child process (DHCP) and the event-loop watchdog's probe then
 * all waited for ready, and the watchdog reported the whole boot as one stall just after it.
 */
const turnOfTheLoop = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve))); // Bun runs timers after the immediates of a turn: one immediate would run the next step before them

/** Runs the phase's steps but its deferred ones, which wait for runDeferred with a `deferred` row. */
export async function runPhase(ctx: BootContext, phase: Phase): Promise<PhaseResult> {
  if (phase.pending) return { name: phase.name, required: phase.required, status: "skipped", ms: 0, steps: [], reason: phase.pending };
  const started = performance.now();
  const startMs = bootClockMs();
  const steps: StepResult[] = [];
  const later: Step<any>[] = [];
  for (const step of phase.steps) {
    if (step.deferred) {
      steps.push({ name: step.name, command: step.describe(ctx), status: "deferred", ms: 0, detail: "after ready" });
      later.push(step);
      continue;
    }
    const r = await runStep(ctx, step);
    steps.push(r);
    logStep(phase, step, r);
    if (r.status === "failed" && step.required !== false) break;
    await turnOfTheLoop();
  }
  const result: PhaseResult = { name: phase.name, required: phase.required, status: phaseStatus(phase, steps), startMs, ms: Math.round(performance.now() - started), steps };
  // A required step that failed stopped the phase: what came after it, deferred or not, does not run.
  const stopped = steps.some((s, i) => s.status === "failed" && phase.steps[i]?.required !== false);
  if (stopped) for (const s of steps) if (s.status === "deferred") Object.assign(s, { status: "skipped", detail: "the phase stopped before ready" });
  if (!stopped && later.length) {
    const list = waiting.get(ctx) ?? [];
    waiting.set(ctx, list);
    for (const step of later) list.push({ phase, step, result });
  }
  return result;
}

/**
 * Runs the phases: each after the one before it, but a concurrent phase runs alongside
 * the phases after it; every phase has finished when this resolves (ready). The boot
 * table (ctx.report.phases) keeps the phase table's order.
 */
export async function runPhases(ctx: BootContext, phases: Phase[], hooks: RunHooks): Promise<PhaseResult[]> {
  checkOrder(phases);
  const place = (r: PhaseResult) => phases.findIndex((p) => p.name === r.name);
  const finish = async (phase: Phase, result: PhaseResult) => {
    ctx.report.phases.push(result);
    ctx.report.phases.sort((a, b) => place(a) - place(b));
    log.info(`boot: ${result.name} ${result.status} (${result.ms} ms)${result.reason ? `: ${result.reason}` : ""}`);
    if (result.status === "failed" && phase.required) {
      if (ctx.mode === "pid1") await hooks.emergency(result, ctx);
      else log.error(`boot: required phase ${phase.name} failed; dev mode continues without an emergency shell`);
    }
  };
  // A concurrent phase reports (and fails into the emergency shell) when the mainline reaches it again or ready.
  const alongside: Array<Promise<[Phase, PhaseResult]>> = [];
  const joinFinished = async () => {
    for (const [phase, result] of await settled(alongside)) await finish(phase, result);
  };
  for (const phase of phases) {
    if (phase.concurrent) {
      alongside.push(runPhase(ctx, phase).then((r) => [phase, r]));
      continue;
    }
    await finish(phase, await runPhase(ctx, phase));
    await joinFinished();
  }
  while (alongside.length) {
    await Promise.race(alongside);
    await joinFinished();
  }
  return ctx.report.phases;
}

/** Takes the settled promises out of `list` (in order), leaving those still running. */
async function settled<T>(list: Array<Promise<T>>): Promise<T[]> {
  const PENDING = Symbol("pending");
  const states = await Promise.all(list.map((p) => Promise.race([p, Promise.resolve(PENDING)])));
  const done: T[] = [];
  for (let i = states.length - 1; i >= 0; i--) {
    if (states[i] !== PENDING) {
      done.unshift(states[i] as T);
      list.splice(i, 1);
    }
  }
  return done;
}

/**
 * Right after the ready line: the deferred steps, in table order, each updating its row and its
 * phase's status. Returns when all have run; a failure is logged and shown, never thrown.
 */
export async function runDeferred(ctx: BootContext): Promise<void> {
  for (const { phase, step, result } of waiting.get(ctx)?.splice(0) ?? []) {
    const r = await runStep(ctx, step);
    const at = result.steps.findIndex((s) => s.name === step.name && s.status === "deferred");
    if (at >= 0) result.steps[at] = r;
    result.status = phaseStatus(phase, result.steps);
    logStep(phase, step, r);
  }
}
