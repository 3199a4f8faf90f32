/**
 * Boot steps are data, as in u-root's mount tables and LinuxKit's manifests:
 * each says what it would do as a shell command, whether the boot can go on
 * without it, and whether it only makes sense as PID 1.
 */
import type { BootContext } from "./context";
import type { Given, Needs, Token } from "./products";

/** What a step's `run` may return: nothing, a detail line, a reason it did not apply, or that it was already so. */
export type StepOutcome = void | string | { skip: string } | { already: string };

// biome-ignore lint/complexity/noBannedTypes: a step with no needs gets an empty object
export interface Step<N extends Needs = {}> {
  name: string;
  /** The equivalent shell command, for `boot` in the REPL and for humans reading logs. */
  describe(ctx: BootContext): string;
  /** Products of earlier steps that `run` gets, present and typed; without one the step is skipped with its reason. */
  needs?: N;
  /** Reasons to skip, for a need whose token's own reason does not say it well for this step. */
  without?: { [K in keyof N]?: string };
  /** The tokens this step may provide (ctx.products.provide); checkOrder and the runner hold it to them. */
  provides?: readonly Token<unknown>[];
  run(ctx: BootContext, given: Given<N>): StepOutcome | Promise<StepOutcome>;
  /** A failed optional step degrades its phase; a failed required step fails it. Default: required. */
  required?: boolean;
  /** Steps that change the machine (mount, hostname, modules) are skipped in dev mode. */
  pid1Only?: boolean;
  /**
   * Ready does not need it: it runs right after the ready line, in table order, before the
   * after-ready hooks, and its row says `deferred` until then. Only an optional step may be
   * deferred, and no step may need what it provides (checkOrder); its failure degrades its
   * phase then, as any optional step's does.
   */
  deferred?: boolean;
}

export interface Phase {
  name: string;
  /** A failed required phase drops PID 1 to the emergency shell. */
  required: boolean;
  // biome-ignore lint/suspicious/noExplicitAny: each step has its own needs
  steps: Step<any>[];
  /** Set for phases that a later part of aiOS fills in; the phase reports `skipped` with this reason. */
  pending?: string;
  /**
   * The phases after it do not wait for it; ready does. For a phase that mostly waits on
   * something outside aios-init (a DHCP server), so that the boot goes on meanwhile. Its place
   * in the boot table is its place in the phase table; no later step may need what it provides.
   */
  concurrent?: boolean;
}

// biome-ignore lint/complexity/noBannedTypes: a step with no needs
export function defineStep<N extends Needs = {}>(step: Step<N>): Step<N> {
  return step;
}

export function definePhase(phase: Phase): Phase {
  return phase;
}

export type { PhaseResult, PhaseStatus, StepResult, StepStatus } from "./result";
