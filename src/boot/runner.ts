/**
 * Runs boot phases in order and times them. EBUSY and EEXIST mean the work
 * was already done (a mount that exists, a directory that is there), which
 * counts as success: boot steps must be safe to run twice.
 */
import { errorCode, errorMessage, log } from "../sys";
import type { BootContext } from "./context";
import type { Phase, PhaseResult, PhaseStatus, Step, StepResult } from "./step";

const ALREADY = new Set(["EBUSY", "EEXIST"]);

export interface RunHooks {
  /** Called when a required phase fails in PID-1 mode; boot resumes when it resolves. */
  emergency(phase: PhaseResult, ctx: BootContext): Promise<void>;
}

async function runStep(ctx: BootContext, step: Step): Promise<StepResult> {
  const command = step.describe(ctx);
  const started = performance.now();
  const result = (status: StepResult["status"], extra: Partial<StepResult> = {}): StepResult => ({
    name: step.name, command, status, ms: Math.round(performance.now() - started), ...extra,
  });
  if (step.pid1Only && ctx.mode !== "pid1") return result("skipped", { detail: "dev mode: not PID 1" });
  try {
    const outcome = await step.run(ctx);
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
