/** The actor runtime: mailboxes, asks, a registry by id, and OTP supervision. */
export { DEFAULT_ASK_MS, DEFAULT_SHUTDOWN_MS } from "./cell";
export * from "./errors";
export { defineActor, type ActorContext, type ActorLogic, type ActorRef, type ChildExit, type ExitReason, type SpawnOptions } from "./logic";
export { ACTOR_STATUSES, accepts, canTransition, TRANSITIONS, type ActorStatus } from "./status";
export {
  backoffDelay,
  RESTART_TYPES,
  STRATEGIES,
  SUPERVISOR_DEFAULTS,
  supervisor,
  type Backoff,
  type ChildInfo,
  type ChildSpec,
  type RestartType,
  type Strategy,
  type SupervisorMsg,
  type SupervisorOptions,
} from "./supervisor";
export { ActorSystem, createActorSystem } from "./system";
