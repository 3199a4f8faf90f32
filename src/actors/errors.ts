/**
 * Why an ask did not get its reply, or why the runtime refused something.
 * Each names the actor, so one log line is enough to find it.
 */
import { AiosError, errorMessage } from "../sys";
import type { ActorStatus } from "./status";

export const ACTOR_ERROR_CODES = ["ask_timeout", "actor_crashed", "actor_stopped", "actor_exists", "invalid_transition", "max_restart_intensity", "child_start_failed"] as const;
export type ActorErrorCode = (typeof ACTOR_ERROR_CODES)[number];

export class ActorError extends AiosError<ActorErrorCode> {}

/** No reply arrived within the ask's time limit; the message may still be handled later. */
export class AskTimeoutError extends ActorError {
  constructor(id: string, ms: number) {
    super("ask_timeout", `actor ${id}: no reply within ${ms} ms`);
  }
}

/** The actor crashed while this message was queued or being handled; `cause` is what its handler threw. */
export class ActorCrashedError extends ActorError {
  constructor(id: string, cause: unknown) {
    super("actor_crashed", `actor ${id}: crashed: ${errorMessage(cause)}`, { cause });
  }
}

/** The actor is stopping, stopped or failed, so the message will never be handled. */
export class ActorStoppedError extends ActorError {
  constructor(id: string, status: ActorStatus) {
    super("actor_stopped", `actor ${id}: ${status}`);
  }
}

export class ActorExistsError extends ActorError {
  constructor(id: string) {
    super("actor_exists", `actor ${id}: already registered`);
  }
}

/** A status change the transition table does not allow: a bug in the runtime, never in an actor. */
export class InvalidTransitionError extends ActorError {
  constructor(id: string, from: ActorStatus, to: ActorStatus) {
    super("invalid_transition", `actor ${id}: no transition from ${from} to ${to}`);
  }
}

/** More restarts than `intensity` within `period`: the supervisor gives up and escalates. */
export class SupervisorIntensityError extends ActorError {
  constructor(id: string, intensity: number, periodMs: number) {
    super("max_restart_intensity", `supervisor ${id}: more than ${intensity} restarts in ${periodMs} ms`);
  }
}

export class ChildStartError extends ActorError {
  constructor(supervisor: string, child: string, cause: unknown) {
    super("child_start_failed", `supervisor ${supervisor}: child ${child} failed to start: ${errorMessage(cause)}`, { cause });
  }
}
