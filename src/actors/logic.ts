/**
 * Actor logic is plain data, apart from the running actor (XState v5's split
 * between logic and actor): `initial` builds the state, `receive` handles one
 * message and returns the next state. The cell that runs it owns the mailbox,
 * the status and the restarts.
 */
import type { ActorStatus } from "./status";

/** Why an actor ended: a normal exit (stop) or a crash (a handler or initial threw). */
export type ExitReason = { kind: "normal" } | { kind: "crash"; error: unknown };

/** What a parent receives in its mailbox when a child ends (OTP's exit signal, trapped). */
export interface ChildExit {
  type: "child_exit";
  /** The child's id as its parent named it (the child spec id). */
  id: string;
  ref: ActorRef;
  reason: ExitReason;
}

export interface ActorRef<M = any> {
  /** The full id in the system registry: the parent's id, a slash, the local id. */
  readonly id: string;
  readonly status: ActorStatus;
  /** Messages waiting, not counting the one being handled. */
  readonly mailboxDepth: number;
  /** How many times a supervisor brought this actor back. */
  readonly restarts: number;
  send(msg: M): void;
  /**
   * Sends and waits for the handler's `ctx.reply`. Rejects with AskTimeoutError,
   * ActorCrashedError (the actor crashed before replying), ActorStoppedError, or
   * the error the handler gave to `ctx.replyError`.
   */
  ask<R = unknown>(msg: M, timeoutMs?: number): Promise<R>;
  /** A normal exit: waits for the message in hand (up to the shutdown time), then stops. */
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** Local id; the registry id is `<parent id>/<id>`. */
  id: string;
  /** How long stop() waits for the message in hand before abandoning it. Default 5000 ms. */
  shutdownMs?: number;
}

export interface ActorContext<M = any> {
  readonly self: ActorRef<M>;
  readonly id: string;
  /** Aborted when this incarnation stops or crashes: long work in a handler must stop when it fires. */
  readonly signal: AbortSignal;
  /** Answers the ask being handled. A handler that returns without replying answers `undefined`. */
  reply(value: unknown): void;
  /** Answers the ask being handled with an error: an expected failure, not a crash. */
  replyError(error: unknown): void;
  /** Starts a child; its end arrives here as a ChildExit message. */
  spawn<C>(logic: ActorLogic<C, any>, opts: SpawnOptions): ActorRef<C>;
  /** Sends to a ref or to a registry id; a message to an id nobody holds is dropped. */
  send(target: ActorRef | string, msg: unknown): void;
  /** Ends this actor normally once the current message is handled. */
  stop(): void;
}

export interface ActorLogic<M = any, S = any> {
  initial(ctx: ActorContext<M>): S | Promise<S>;
  /** One message at a time; a throw or a rejection is a crash, reported to the parent. */
  receive(state: S, msg: M, ctx: ActorContext<M>): S | Promise<S>;
  /** Called on a stop (not on a crash), for cleanup; errors are logged only. */
  stopped?(state: S, ctx: ActorContext<M>): void | Promise<void>;
}

export function defineActor<M, S>(logic: ActorLogic<M, S>): ActorLogic<M, S> {
  return logic;
}
