/** What running a step or a phase reports: the boot context keeps these, the runner makes them (step.ts re-exports them). */

/** `deferred`: a step that runs after the ready line (Step.deferred) and has not run yet. */
export type StepStatus = "done" | "already" | "skipped" | "failed" | "deferred";
export type PhaseStatus = "ok" | "degraded" | "failed" | "skipped";

export interface StepResult {
  name: string;
  command: string;
  status: StepStatus;
  ms: number;
  detail?: string;
  error?: string;
}

export interface PhaseResult {
  name: string;
  /** The phase's own `required` (a failed one drops to the emergency shell, or fails a trial boot). */
  required?: boolean;
  status: PhaseStatus;
  /** When it started, on the boot report's clock (sys bootClockMs: ms since the kernel started, as PID 1). */
  startMs?: number;
  ms: number;
  steps: StepResult[];
  reason?: string;
}
