/**
 * Runs boot phases in order and times them. EBUSY and EEXIST mean the work
 * was already done (a mount that exists, a directory that is there), which
 * counts as success: boot steps must be safe to run twice.
 */
import { errorCode, errorMessage, log } from "../sys";
import type { BootContext } from "./context";
import { ProductError, type Token } from "./products";
import type { Phase, PhaseResult, PhaseStatus, Step, StepResult } from "./step";

const ALREADY = new Set(["EBUSY", "EEXIST"]);

export interface RunHooks {
  /** Called when a required phase fails in PID-1 mode; boot resumes when it resolves. */
  emergency(phase: PhaseResult, ctx: BootContext): Promise<void>;
}

/** Every need is provided by a step before it: checked before the first phase runs, so a misordered table never boots. */
export function checkOrder(phases: readonly Phase[]): void {
  const provided = new Set<Token<unknown>>();
  for (const phase of phases) {
    for (const step of phase.steps) {
      for (const t of Object.values<Token<unknown>>(step.needs ?? {})) {
        if (!provided.has(t)) throw new ProductError(`boot step ${phase.name}/${step.name}: needs ${t.name}, which no step before it provides`);
      }
      for (const t of step.provides ?? []) provided.add(t);
    }
  }
}

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
  try {
    const outcome = await step.run(ctx, needs.values);
    const undeclared = [...ctx.products.tokens()].filter((t) => !before.has(t) && !step.provides?.includes(t));
    if (undeclared.length) throw new ProductError(`provided ${undeclared.map((t) => t.name).join(", ")} without declaring it`);
    if (outcome && typeof outcome === "object") return "already" in outcome ? result("already", { detail: outcome.already }) : result("skipped", { detail: outcome.skip });
    return result("done", outcome ? { detail: outcome } : {});
  } catch (err) {
    if (ALREADY.has(errorCode(err) ?? "")) return result("already");
    return result("failed", { error: errorMessage(err) });
  }
}

function phaseStatus(phase: Phase, steps: StepResult[]): PhaseStatus {
  const failed = steps.filter((s) => s.status === "failed");
  if (failed.some((s) => phase.steps.find((p) => p.name === s.name)?.required !== false)) return "failed";
  if (failed.length) return "degraded";
  if (steps.length && steps.every((s) => s.status === "skipped")) return "skipped";
  return "ok";
}

export async function runPhase(ctx: BootContext, phase: Phase): Promise<PhaseResult> {
  if (phase.pending) return { name: phase.name, required: phase.required, status: "skipped", ms: 0, steps: [], reason: phase.pending };
  const started = performance.now();
  const steps: StepResult[] = [];
  for (const step of phase.steps) {
    const r = await runStep(ctx, step);
    steps.push(r);
    const detail = r.error ?? r.detail;
    log.debug(`boot: ${phase.name}: ${r.name}: ${r.status}${detail ? ` (${detail})` : ""} [${r.ms} ms]`);
    if (r.status === "failed") {
      const required = step.required !== false;
      (required ? log.error : log.warn)(`boot: ${phase.name}: ${r.name} failed: ${r.error}`);
      if (required) break;
    }
  }
  return { name: phase.name, required: phase.required, status: phaseStatus(phase, steps), ms: Math.round(performance.now() - started), steps };
}

export async function runPhases(ctx: BootContext, phases: Phase[], hooks: RunHooks): Promise<PhaseResult[]> {
  checkOrder(phases);
  for (const phase of phases) {
    const result = await runPhase(ctx, phase);
    ctx.report.phases.push(result);
    log.info(`boot: ${result.name} ${result.status} (${result.ms} ms)${result.reason ? `: ${result.reason}` : ""}`);
    if (result.status === "failed" && phase.required) {
      if (ctx.mode === "pid1") await hooks.emergency(result, ctx);
      else log.error(`boot: required phase ${phase.name} failed; dev mode continues without an emergency shell`);
    }
  }
  return ctx.report.phases;
}
