/**
 * A supervised service as data: what to run, how to restart it (OTP's
 * intensity within period, with backoff), what it starts after. The schema is
 * shared by the tools' input and by definitions loaded back from the store.
 */
import * as v from "valibot";
import { guestPath } from "../fs/common";
import { SIGNALS } from "../process/signal";

export const RESTART_POLICIES = ["always", "on-failure", "never"] as const;
export type RestartPolicy = (typeof RESTART_POLICIES)[number];

const ms = (max: number) => v.pipe(v.number(), v.integer("must be an integer"), v.minValue(0, "must not be negative"), v.maxValue(max, `must be at most ${max}`));

/** Also a log file name (`<name>.log`), so no slashes or dots up front. */
export const serviceName = v.pipe(v.string("must be a string"), v.regex(/^[a-z0-9][a-z0-9_.@-]{0,63}$/, "must be 1-64 of a-z 0-9 _ . @ - starting with a letter or digit"));

export const ServiceDefinitionSchema = v.strictObject({
  name: serviceName,
  argv: v.pipe(v.array(v.pipe(v.string(), v.check((s) => !s.includes("\0"), "must not contain a NUL byte")), "must be an array of strings"), v.minLength(1, "must name a program")),
  /** Guest directory it runs in; default the root. */
  cwd: v.optional(guestPath),
  /** Run as this user (a name, uid or uid:gid), within what [security] allows the agent that defined it. */
  user: v.optional(v.pipe(v.string("must be a string"), v.regex(/^[a-z_][a-z0-9_-]{0,31}$|^\d{1,10}(:\d{1,10})?$/, "must be a user name, a uid or uid:gid"))),
  /** The agent that defined it (set by service.start, never by the caller): its [security] sandbox applies at every start. */
  definedBy: v.optional(v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_-]*$/, "must be an agent name"))),
  env: v.optional(v.record(v.pipe(v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a variable name")), v.string())),
  restart: v.optional(v.picklist(RESTART_POLICIES, "must be always, on-failure or never"), "on-failure"),
  /** Intensity: at most this many restarts within `withinMs`; one more exit and it is failed. */
  maxRestarts: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(0, "must not be negative"), v.maxValue(1000, "must be at most 1000")), 5),
  /** Period. */
  withinMs: v.optional(ms(86_400_000), 60_000),
  /** First restart delay; doubles with each restart in the period, up to 30 s. */
  backoffMs: v.optional(ms(60_000), 200),
  /** Services that must be running first (seed 002's `After=`). */
  after: v.optional(v.array(serviceName), []),
  stopSignal: v.optional(v.picklist(SIGNALS, "must be a signal name such as SIGTERM"), "SIGTERM"),
  /** How long a stop waits after stopSignal before SIGKILL. */
  stopTimeoutMs: v.optional(ms(300_000), 5_000),
  /** Time a fresh process must survive before it counts as running (and dependents start). */
  readyDelayMs: v.optional(ms(60_000), 0),
});

export type ServiceDefinition = v.InferOutput<typeof ServiceDefinitionSchema>;
/** The part of a definition service.set_restart changes. */
export type RestartSettings = Pick<ServiceDefinition, "restart" | "maxRestarts" | "withinMs">;
export type ServiceDefinitionInput = v.InferInput<typeof ServiceDefinitionSchema>;

export const SERVICE_STATES = ["stopped", "starting", "running", "stopping", "failed", "backoff"] as const;
export type ServiceState = (typeof SERVICE_STATES)[number];

/** The only moves a service's state may make; anything else is a bug in the manager. */
export const TRANSITIONS: Readonly<Record<ServiceState, readonly ServiceState[]>> = {
  stopped: ["starting"],
  // A fresh process can die before it counts as running, or be stopped while starting.
  starting: ["running", "backoff", "failed", "stopped", "stopping"],
  // An unexpected exit: restart (backoff), give up (failed), or a clean end (stopped).
  running: ["stopping", "backoff", "failed", "stopped"],
  stopping: ["stopped"],
  backoff: ["starting", "stopped"],
  failed: ["starting", "stopped"],
};

export function canTransition(from: ServiceState, to: ServiceState): boolean {
  return TRANSITIONS[from].includes(to);
}
