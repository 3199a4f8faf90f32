/**
 * OTP supervision as actor logic: a supervisor is an actor whose children are
 * started in order from child specs, whose mailbox receives their exits, and
 * which restarts them by restart type and strategy, with a backoff so a crash
 * loop does not spin. More than `intensity` restarts within `period` ms and it
 * gives up: it throws, its cell stops the children in reverse and its own
 * parent hears of the crash (escalation). At the top, the root supervisor has
 * no parent; its cell logs and stays down, and PID 1 goes on.
 */
import { errorMessage, log } from "../sys";
import type { ActorCell } from "./cell";
import { ActorExistsError, ChildStartError, SupervisorIntensityError } from "./errors";
import { type ActorContext, type ActorLogic, type ActorRef, type ChildExit, defineActor } from "./logic";
import type { ActorStatus } from "./status";

export const RESTART_TYPES = ["permanent", "transient", "temporary"] as const;
/** permanent: always restarted; transient: only after a crash; temporary: never. */
export type RestartType = (typeof RESTART_TYPES)[number];

export const STRATEGIES = ["one_for_one", "one_for_all", "rest_for_one"] as const;
/** Which children restart when one ends: itself / all of them / itself and those started after it. */
export type Strategy = (typeof STRATEGIES)[number];

export interface ChildSpec {
  /** Unique among the supervisor's children; the registry id is `<supervisor id>/<id>`. */
  id: string;
  start: ActorLogic;
  restart?: RestartType;
  /** How long stopping it may wait for the message in hand. Default 5000 ms. */
  shutdown?: number;
}

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

export interface SupervisorOptions {
  strategy?: Strategy;
  /** At most this many restarts within `period` ms; one more and the supervisor escalates. */
  intensity?: number;
  period?: number;
  backoff?: Partial<Backoff>;
  children?: readonly ChildSpec[];
}

export const SUPERVISOR_DEFAULTS = { strategy: "one_for_one", intensity: 3, period: 5000, backoff: { initialMs: 10, maxMs: 1000 } } as const;

export type SupervisorMsg =
  | ChildExit
  | { type: "restart"; ids: string[]; gen: number }
  /** Ask: replies with the child's ref once it is running, or fails with ChildStartError / ActorExistsError. */
  | { type: "start_child"; spec: ChildSpec }
  /** Ask: stops the child (reverse of start_child: it is not restarted) and forgets it; replies true if it existed. */
  | { type: "terminate_child"; id: string }
  /** Ask: replies with ChildInfo[]. */
  | { type: "which_children" };

export interface ChildInfo {
  id: string;
  status: ActorStatus;
  restarts: number;
  restart: RestartType;
}

interface Child {
  spec: Required<ChildSpec>;
  ref: ActorCell;
}

interface State {
  /** Tells this incarnation's delayed restarts from a previous one's. */
  gen: number;
  children: Child[];
  /** When recent restarts happened (performance.now()), for intensity and backoff. */
  restarts: number[];
  timers: Set<ReturnType<typeof setTimeout>>;
}

let generations = 0;

/** Exponential: initial, 2×, 4×… for the nth restart within the period, capped. */
export function backoffDelay(n: number, b: Backoff): number {
  return Math.min(b.maxMs, b.initialMs * 2 ** Math.max(0, n - 1));
}

export function supervisor(options: SupervisorOptions = {}): ActorLogic<SupervisorMsg, State> {
  const strategy = options.strategy ?? SUPERVISOR_DEFAULTS.strategy;
  const intensity = options.intensity ?? SUPERVISOR_DEFAULTS.intensity;
  const period = options.period ?? SUPERVISOR_DEFAULTS.period;
  const backoff: Backoff = { ...SUPERVISOR_DEFAULTS.backoff, ...options.backoff };
  const specs = options.children ?? [];

  return defineActor<SupervisorMsg, State>({
    async initial(ctx) {
      const state: State = { gen: ++generations, children: [], restarts: [], timers: new Set() };
      // In order; a failure throws, and the cell stops the ones already started in reverse.
      for (const spec of specs) await startChild(state, spec, ctx);
      return state;
    },

    async receive(state, msg, ctx) {
      switch (msg.type) {
        case "child_exit":
          await childExited(state, msg, ctx);
          break;
        case "restart":
          if (msg.gen === state.gen) await restartChildren(state, msg.ids, ctx);
          break;
        case "start_child":
          try {
            ctx.reply(await startChild(state, msg.spec, ctx));
          } catch (err) {
            ctx.replyError(err);
          }
          break;
        case "terminate_child": {
          const child = state.children.find((c) => c.spec.id === msg.id);
          if (child) {
            await child.ref.terminate();
            remove(state, child);
          }
          ctx.reply(Boolean(child));
          break;
        }
        case "which_children":
          ctx.reply(state.children.map((c): ChildInfo => ({ id: c.spec.id, status: c.ref.status, restarts: c.ref.restarts, restart: c.spec.restart })));
          break;
      }
      return state;
    },

    stopped(state) {
      for (const t of state.timers) clearTimeout(t);
      state.timers.clear();
    },
  });

  async function childExited(state: State, exit: ChildExit, ctx: ActorContext<SupervisorMsg>): Promise<void> {
    const child = state.children.find((c) => c.ref === exit.ref);
    if (!child || (child.ref.status !== "failed" && child.ref.status !== "stopped")) return; // stale
    const crashed = exit.reason.kind === "crash";
    const how = exit.reason.kind === "crash" ? `crashed: ${errorMessage(exit.reason.error)}` : "exited";
    const { restart } = child.spec;
    if (restart === "temporary" || (restart === "transient" && !crashed)) {
      if (restart === "temporary") remove(state, child);
      log.info(`supervisor ${ctx.id}: ${child.spec.id} ${how}; ${restart}, not restarted`);
      return;
    }

    const now = performance.now();
    state.restarts = state.restarts.filter((t) => now - t < period);
    state.restarts.push(now);
    if (state.restarts.length > intensity) {
      log.error(`supervisor ${ctx.id}: ${child.spec.id} ${how}; more than ${intensity} restarts in ${period} ms, giving up`);
      throw new SupervisorIntensityError(ctx.id, intensity, period);
    }

    const group = groupOf(state.children, child);
    for (const c of [...group].reverse()) if (c !== child) await c.ref.terminate();
    const back: Child[] = [];
    for (const c of group) {
      if (c !== child && c.spec.restart === "temporary") remove(state, c);
      else back.push(c);
    }
    for (const c of back) if (c.ref.status === "failed" || c.ref.status === "stopped") c.ref.markRestarting();

    const delay = backoffDelay(state.restarts.length, backoff);
    const ids = back.map((c) => c.spec.id);
    log.warn(`supervisor ${ctx.id}: ${child.spec.id} ${how}; restarting ${ids.join(", ")} in ${delay} ms`);
    const again: SupervisorMsg = { type: "restart", ids, gen: state.gen };
    if (delay <= 0) return ctx.self.send(again); // a timer would still wait a millisecond
    const timer = setTimeout(() => {
      state.timers.delete(timer);
      ctx.self.send(again);
    }, delay);
    state.timers.add(timer);
  }

  function groupOf(children: Child[], child: Child): Child[] {
    if (strategy === "one_for_all") return [...children];
    if (strategy === "rest_for_one") return children.slice(children.indexOf(child));
    return [child];
  }
}

async function startChild(state: State, spec: ChildSpec, ctx: ActorContext<SupervisorMsg>): Promise<ActorRef> {
  const full: Required<ChildSpec> = { restart: "permanent", shutdown: 5000, ...spec };
  if (state.children.some((c) => c.spec.id === full.id)) throw new ActorExistsError(`${ctx.id}/${full.id}`);
  const ref = (ctx.self as ActorCell).spawnChild(full.start, { id: full.id, shutdownMs: full.shutdown, supervised: true });
  const child: Child = { spec: full, ref };
  state.children.push(child);
  try {
    await ref.ready;
  } catch (err) {
    remove(state, child);
    throw new ChildStartError(ctx.id, full.id, err);
  }
  return ref;
}

async function restartChildren(state: State, ids: string[], ctx: ActorContext<SupervisorMsg>): Promise<void> {
  for (const id of ids) {
    const child = state.children.find((c) => c.spec.id === id);
    if (!child || child.ref.status !== "restarting") continue;
    try {
      await child.ref.restart();
    } catch (err) {
      // A failed start counts as another crash of that child: intensity and backoff apply.
      const exit: ChildExit = { type: "child_exit", id, ref: child.ref, reason: { kind: "crash", error: err } };
      ctx.self.send(exit);
      return;
    }
  }
}

function remove(state: State, child: Child): void {
  state.children = state.children.filter((c) => c !== child);
  child.ref.dispose();
}
