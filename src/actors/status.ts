/**
 * The life of a running actor as a transition table (s6 / XState style): the
 * cell checks every change against it, so an impossible path is caught where
 * it happens instead of showing up later as a stuck actor.
 */

export const ACTOR_STATUSES = ["starting", "running", "restarting", "stopping", "stopped", "failed"] as const;
export type ActorStatus = (typeof ACTOR_STATUSES)[number];

export const TRANSITIONS: Readonly<Record<ActorStatus, readonly ActorStatus[]>> = {
  // initial() resolved / threw / stop() arrived while it ran
  starting: ["running", "failed", "stopping"],
  // stop() or a normal exit / a handler threw
  running: ["stopping", "failed"],
  // the supervisor's backoff elapsed / the supervisor shut down meanwhile
  restarting: ["starting", "stopping"],
  stopping: ["stopped"],
  // a supervisor brings stopped (permanent, or a sibling) and failed children back
  stopped: ["restarting"],
  failed: ["restarting"],
};

export function canTransition(from: ActorStatus, to: ActorStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Statuses in which the actor will handle (or queue) messages. */
export function accepts(status: ActorStatus): boolean {
  return status === "starting" || status === "running" || status === "restarting";
}
