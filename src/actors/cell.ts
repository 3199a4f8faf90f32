/**
 * The running actor: a mailbox handled one message at a time, a status that
 * follows the transition table, and an exit that becomes a message to the
 * parent. Nothing a handler throws leaves the cell: it turns into a crash
 * (status `failed`, pending asks rejected, parent told), never an exception
 * in the sender's stack or an unhandled rejection.
 */
import { errorMessage, log } from "../sys";
import { ActorCrashedError, ActorStoppedError, AskTimeoutError, InvalidTransitionError } from "./errors";
import type { ActorContext, ActorLogic, ActorRef, ChildExit, ExitReason } from "./logic";
import { type Envelope, isThenable, MAX_TIMER_MS, settle, within } from "./envelope";
import { accepts, type ActorStatus, canTransition } from "./status";

export const DEFAULT_ASK_MS = 5000;
export const DEFAULT_SHUTDOWN_MS = 5000;
/** Messages handled in one turn before yielding to I/O, so a flooded actor cannot starve the event loop. */
const BATCH = 1024;
const COMPACT_AT = 4096;

/** What a cell needs from the system that holds it (kept as an interface so the two files do not import each other). */
export interface Registry {
  register(cell: ActorCell): void;
  unregister(cell: ActorCell): void;
  get(id: string): ActorRef | undefined;
}

export interface CellOptions {
  /** Registry id. */
  id: string;
  /** The id its parent knows it by. */
  localId: string;
  parent?: ActorCell;
  /** A supervisor owns it: the supervisor, not the cell, decides when it leaves the registry. */
  supervised: boolean;
  shutdownMs: number;
}

export class ActorCell<M = any, S = any> implements ActorRef<M> {
  readonly id: string;
  readonly localId: string;
  readonly ctx: ActorContext<M>;
  /** Settles when the first start ends: resolved once running, rejected if initial failed. */
  ready: Promise<void> = Promise.resolve();

  private _status: ActorStatus = "starting";
  private _restarts = 0;
  private queue: Array<Envelope | undefined> = [];
  private head = 0;
  private state: S | undefined;
  private hasState = false;
  private current: Envelope | undefined;
  private scheduled = false;
  private busy = false;
  private stopAfter = false;
  /** The async handler or initial in progress; never rejects. */
  private inflight: Promise<void> | undefined;
  private controller = new AbortController();
  /** Bumped on every exit, so results of an abandoned handler are recognised and dropped. */
  private incarnation = 0;
  private exiting: Promise<void> | undefined;
  private readonly kids: ActorCell[] = [];
  private readonly drainBound = () => this.drain();

  constructor(
    private readonly registry: Registry,
    private readonly logic: ActorLogic<M, S>,
    private readonly opts: CellOptions,
  ) {
    this.id = opts.id;
    this.localId = opts.localId;
    const cell = this;
    this.ctx = {
      self: this,
      id: this.id,
      get signal() {
        return cell.controller.signal;
      },
      reply: (value) => {
        if (cell.current) settle(cell.current, true, value);
      },
      replyError: (error) => {
        if (cell.current) settle(cell.current, false, error);
      },
      spawn: (childLogic, o) => cell.spawnChild(childLogic, { ...o, supervised: false }),
      send: (target, msg) => {
        const ref = typeof target === "string" ? cell.registry.get(target) : target;
        if (ref) ref.send(msg);
        else log.debug(`actor ${cell.id}: message to ${String(target)} dropped: no such actor`);
      },
      stop: () => {
        cell.stopAfter = true;
      },
    };
  }

  get status(): ActorStatus {
    return this._status;
  }

  get restarts(): number {
    return this._restarts;
  }

  get mailboxDepth(): number {
    return this.queue.length - this.head;
  }

  get parent(): ActorCell | undefined {
    return this.opts.parent;
  }

  send(msg: M): void {
    if (!accepts(this._status)) {
      log.debug(`actor ${this.id}: message dropped: ${this._status}`);
      return;
    }
    this.queue.push({ msg, settled: false });
    this.schedule();
  }

  ask<R = unknown>(msg: M, timeoutMs = DEFAULT_ASK_MS): Promise<R> {
    if (!accepts(this._status)) return Promise.reject(new ActorStoppedError(this.id, this._status));
    return new Promise<R>((resolve, reject) => {
      const env: Envelope = { msg, resolve: resolve as (v: unknown) => void, reject, settled: false };
      // Timers take at most 2^31-1 ms and read anything beyond as 1 ms: a longer or infinite ask gets no timer.
      if (timeoutMs <= MAX_TIMER_MS) env.timer = setTimeout(() => settle(env, false, new AskTimeoutError(this.id, timeoutMs)), timeoutMs);
      this.queue.push(env);
      this.schedule();
    });
  }

  stop(): Promise<void> {
    return this.shutdown(true);
  }

  // ---- used by the system and by supervisors ----

  /** Runs `initial` for the first time. */
  begin(): Promise<void> {
    this.ready = this.runInitial();
    this.ready.catch(() => {}); // whoever cares awaits it; the crash itself is reported by the cell
    return this.ready;
  }

  /** Starts a child owned by this cell; children are stopped in reverse order when this cell exits. */
  spawnChild<C>(logic: ActorLogic<C, any>, o: { id: string; shutdownMs?: number; supervised: boolean }): ActorCell<C> {
    const cell = new ActorCell<C>(this.registry, logic, {
      id: `${this.id}/${o.id}`,
      localId: o.id,
      parent: this,
      supervised: o.supervised,
      shutdownMs: o.shutdownMs ?? DEFAULT_SHUTDOWN_MS,
    });
    this.registry.register(cell);
    this.kids.push(cell);
    cell.begin();
    return cell;
  }

  /** Stops it on its parent's behalf: no exit message goes back. */
  terminate(): Promise<void> {
    return this.shutdown(false);
  }

  /** A supervisor has decided to bring it back, after a backoff. */
  markRestarting(): void {
    this.transition("restarting");
  }

  restart(): Promise<void> {
    this.transition("starting");
    this._restarts++;
    this.controller = new AbortController();
    return this.runInitial();
  }

  /** Leaves its parent and the registry for good. */
  dispose(): void {
    const kids = this.opts.parent?.kids;
    const i = kids ? kids.indexOf(this) : -1;
    if (i >= 0) kids!.splice(i, 1);
    this.registry.unregister(this);
  }

  // ---- internals ----

  private transition(to: ActorStatus): void {
    if (!canTransition(this._status, to)) throw new InvalidTransitionError(this.id, this._status, to);
    this._status = to;
  }

  private schedule(): void {
    if (this.scheduled || this.busy || this._status !== "running" || this.head === this.queue.length) return;
    this.scheduled = true;
    queueMicrotask(this.drainBound);
  }

  private drain(): void {
    this.scheduled = false;
    let n = 0;
    while (this._status === "running" && !this.busy && this.head < this.queue.length) {
      if (++n > BATCH) {
        this.scheduled = true;
        setImmediate(this.drainBound);
        return;
      }
      const env = this.queue[this.head]!;
      this.queue[this.head++] = undefined;
      if (this.head === this.queue.length) this.queue.length = this.head = 0;
      else if (this.head >= COMPACT_AT && this.head * 2 >= this.queue.length) {
        // A mailbox that never empties would otherwise only grow.
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      this.current = env;
      let next: S | Promise<S>;
      try {
        next = this.logic.receive(this.state as S, env.msg as M, this.ctx);
      } catch (err) {
        this.crash(err, true);
        return;
      }
      if (isThenable(next)) {
        this.awaitHandler(next as Promise<S>, env);
        return;
      }
      this.handled(env, next);
    }
  }

  private handled(env: Envelope, next: S): void {
    this.state = next;
    this.current = undefined;
    settle(env, true, undefined); // no-op when the handler replied
    if (this.stopAfter) void this.shutdown(true);
  }

  private awaitHandler(p: Promise<S>, env: Envelope): void {
    this.busy = true;
    const inc = this.incarnation;
    this.inflight = Promise.resolve(p)
      .then(
        (next) => {
          if (inc !== this.incarnation) return; // abandoned after the shutdown time
          this.busy = false;
          this.inflight = undefined;
          if (this._status === "running") {
            this.handled(env, next);
            this.schedule();
          } else {
            // stopping: shutdown() is waiting for this message to finish
            this.state = next;
            this.current = undefined;
            settle(env, true, undefined);
          }
        },
        (err) => {
          if (inc !== this.incarnation) return;
          this.busy = false;
          this.inflight = undefined;
          if (this._status === "running") return this.crash(err, true);
          this.current = undefined;
          settle(env, false, new ActorCrashedError(this.id, err));
          log.warn(`actor ${this.id}: handler failed while stopping: ${errorMessage(err)}`);
        },
      )
      .catch((err) => log.error(`actor ${this.id}: runtime: ${errorMessage(err)}`));
  }

  private runInitial(): Promise<void> {
    const inc = this.incarnation;
    // A supervisor awaits its children's starts and handles failures itself.
    const notify = !this.opts.supervised;
    return new Promise<void>((resolve, reject) => {
      const began = (state: S) => {
        this.state = state;
        this.hasState = true;
        if (this._status !== "starting") return reject(new ActorStoppedError(this.id, this._status));
        this.transition("running");
        this.schedule();
        resolve();
      };
      let first: S | Promise<S>;
      try {
        first = this.logic.initial(this.ctx);
      } catch (err) {
        this.crash(err, notify);
        return reject(err);
      }
      if (!isThenable(first)) return began(first);
      this.inflight = Promise.resolve(first).then(
        (state) => {
          if (inc !== this.incarnation) return reject(new ActorStoppedError(this.id, this._status));
          this.inflight = undefined;
          began(state);
        },
        (err) => {
          if (inc !== this.incarnation || this._status !== "starting") return reject(new ActorStoppedError(this.id, this._status));
          this.inflight = undefined;
          this.crash(err, notify);
          reject(err);
        },
      );
    });
  }

  private crash(err: unknown, notify: boolean): void {
    this.incarnation++;
    this.transition("failed");
    this.busy = this.scheduled = this.stopAfter = this.hasState = false;
    this.inflight = undefined;
    const crashed = new ActorCrashedError(this.id, err);
    this.controller.abort(crashed);
    if (this.current) settle(this.current, false, crashed);
    this.current = undefined;
    this.rejectQueue(crashed);
    void this.exited({ kind: "crash", error: err }, notify);
  }

  private shutdown(notify: boolean): Promise<void> {
    if (this.exiting) return this.exiting;
    if (this._status === "stopped" || this._status === "failed") return Promise.resolve();
    this.exiting = this.runShutdown(notify).finally(() => {
      this.exiting = undefined;
    });
    return this.exiting;
  }

  private async runShutdown(notify: boolean): Promise<void> {
    this.transition("stopping");
    this.controller.abort(new ActorStoppedError(this.id, "stopping"));
    if (this.inflight) await within(this.inflight, this.opts.shutdownMs);
    this.incarnation++;
    this.busy = this.scheduled = this.stopAfter = false;
    this.inflight = undefined;
    const stopped = new ActorStoppedError(this.id, "stopped");
    if (this.current) settle(this.current, false, stopped);
    this.current = undefined;
    this.rejectQueue(stopped);
    await this.terminateChildren();
    if (this.logic.stopped && this.hasState) {
      try {
        await this.logic.stopped(this.state as S, this.ctx);
      } catch (err) {
        log.warn(`actor ${this.id}: stopped(): ${errorMessage(err)}`);
      }
    }
    this.hasState = false;
    this.transition("stopped");
    await this.exited({ kind: "normal" }, notify);
  }

  /** Children first (reverse order of start), then the parent hears of it. Never rejects. */
  private async exited(reason: ExitReason, notify: boolean): Promise<void> {
    try {
      await this.terminateChildren();
    } catch (err) {
      log.error(`actor ${this.id}: stopping children: ${errorMessage(err)}`);
    }
    const parent = this.opts.parent;
    if (notify && parent) {
      const exit: ChildExit = { type: "child_exit", id: this.localId, ref: this, reason };
      parent.send(exit);
    } else if (reason.kind === "crash" && !parent) {
      // The top of a tree (the root supervisor, owned by PID 1): nobody above to restart it.
      log.error(`actor ${this.id}: crashed with no supervisor above it; it stays down: ${errorMessage(reason.error)}`);
    }
    if (!this.opts.supervised && (notify || !parent)) this.dispose();
  }

  private async terminateChildren(): Promise<void> {
    for (const kid of [...this.kids].reverse()) {
      await kid.terminate();
      kid.dispose();
    }
  }

  private rejectQueue(err: Error): void {
    for (let i = this.head; i < this.queue.length; i++) settle(this.queue[i]!, false, err);
    this.queue.length = this.head = 0;
  }
}
