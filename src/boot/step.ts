/**
 * Boot steps are data, as in u-root's mount tables and LinuxKit's manifests:
 * each says what it would do as a shell command, whether the boot can go on
 * without it, and whether it only makes sense as PID 1.
 */
import type { BootContext } from "./context";

/** What a step's `run` may return: nothing, a detail line, a reason it did not apply, or that it was already so. */
export type StepOutcome = void | string | { skip: string } | { already: string };

export interface Step {
  name: string;
  /** The equivalent shell command, for `boot` in the REPL and for humans reading logs. */
  describe(ctx: BootContext): string;
  run(ctx: BootContext): StepOutcome | Promise<StepOutcome>;
  /** A failed optional step degrades its phase; a failed required step fails it. Default: required. */
  required?: boolean;
  /** Steps that change the machine (mount, hostname, modules) are skipped in dev mode. */
  pid1Only?: boolean;
}

export interface Phase {
  name: string;
  /** A failed required phase drops PID 1 to the emergency shell. */
  required: boolean;
  steps: Step[];
  /** Set for phases that a later part of aiOS fills in; the phase reports `skipped` with this reason. */
  pending?: string;
}

export function defineStep(step: Step): Step {
  return step;
}

export function definePhase(phase: Phase): Phase {
  return phase;
}

export type { PhaseResult, PhaseStatus, StepResult, StepStatus } from "./result";
