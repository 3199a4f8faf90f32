/**
 * The service manager: supervised long-running processes inside PID 1.
 * Each service runs in its own session (so a stop reaches the whole process
 * group), its output goes to its log, and an unexpected exit is handled by its
 * restart policy: restart after a backoff that doubles, until more than
 * `maxRestarts` restarts fall within `withinMs` (OTP's intensity and period),
 * and then it is failed. Dependencies start first and dependents stop first.
 * Definitions, the enabled flag and the last state are kept in the
 * ServiceStore, so after a reboot `startEnabled()` brings back what ran.
 *
 * Public operations run one at a time (a queue), so two tool calls cannot
 * interleave a start and a stop of the same graph.
 */
import { join } from "node:path";
import * as v from "valibot";
import { errorMessage, log, spawn } from "../../sys";
import type { ToolEnv } from "../define";
import { resolvePath } from "../fs/paths";
import { sandboxFor, wrapArgv } from "../process/sandbox";
import { readStat, stillRunning } from "../process/procfs";
import { baseEnv } from "../process/spawn";
import { canTransition, type RestartSettings, type ServiceDefinition, ServiceDefinitionSchema, type ServiceDefinitionInput, type ServiceState } from "./definition";
import { ServiceError } from "./errors";
import { findCycle, fullOrder, type Node, startOrder, stopOrder } from "./graph";
import { ServiceLog } from "./log";
import { describeExit, killGroup, newRuntime, pump, type Runtime, type ServiceStatus, statusOf } from "./runtime";
import type { ServiceStore } from "./store";

const MAX_BACKOFF_MS = 30_000;
/** After SIGKILL, how long to wait for the exit before giving up on a process that will not die (D state). */
const KILL_WAIT_MS = 5_000;

export interface ServiceManagerOptions {
  env: ToolEnv;
  /** Where definitions and states persist; without one the manager forgets everything at exit. */
  store?: ServiceStore;
  logMaxBytes?: number;
  tailLines?: number;
}

export class ServiceManager {
  private readonly services = new Map<string, Runtime>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly opts: ServiceManagerOptions) {
    for (const stored of opts.store?.list() ?? []) {
      const r = v.safeParse(ServiceDefinitionSchema, stored.definition);
      if (!r.success) {
        log.warn(`services: ${stored.name}: stored definition is invalid (${r.issues[0]?.message}); ignored`);
        continue;
      }
      const rt = this.runtime(r.output);
      rt.enabled = stored.enabled;
    }
  }

  private runtime(def: ServiceDefinition): Runtime {
    const rt = newRuntime(def, new ServiceLog(this.logPath(def.name), this.opts.logMaxBytes, this.opts.tailLines));
    this.services.set(def.name, rt);
    return rt;
  }

  logPath(name: string): string {
    return join(this.opts.env.paths.log, "services", `${name}.log`);
  }

  /** Runs public operations one at a time. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => {});
    return next;
  }

  private nodes(): Map<string, Node> {
    const m = new Map<string, Node>();
    for (const [name, rt] of this.services) m.set(name, { name, after: rt.def.after });
    return m;
  }

  private get(name: string): Runtime {
    const rt = this.services.get(name);
    if (!rt) throw new ServiceError("unknown_service", name, "no such service");
    return rt;
  }

  private move(rt: Runtime, to: ServiceState): void {
    if (!canTransition(rt.state, to)) throw new ServiceError("bad_transition", rt.def.name, `cannot go from ${rt.state} to ${to}`);
    rt.state = to;
    this.persist(rt);
  }

  private persist(rt: Runtime): void {
    try {
      this.opts.store?.recordState(rt.def.name, {
        state: rt.state,
        pid: rt.pid,
        startTicks: rt.startTicks,
        restarts: rt.restarts,
        lastExitCode: rt.lastExit?.code ?? null,
        lastExitSignal: rt.lastExit?.signal ?? null,
      });
    } catch (err) {
      log.warn(`services: ${rt.def.name}: could not record state: ${errorMessage(err)}`);
    }
  }

  has(name: string): boolean {
    return this.services.has(name);
  }

  definition(name: string): ServiceDefinition | undefined {
    return this.services.get(name)?.def;
  }

  isActive(name: string): boolean {
    const s = this.services.get(name)?.state;
    return s === "starting" || s === "running" || s === "backoff" || s === "stopping";
  }

  /**
   * Adds or replaces a definition (validated; a dependency cycle is refused).
   * Replacing one that is active takes effect at its next start.
   */
  define(input: ServiceDefinitionInput): ServiceDefinition {
    const parsed = v.safeParse(ServiceDefinitionSchema, input);
    if (!parsed.success) {
      const issue = parsed.issues[0];
      const field = issue?.path?.map((p) => String(p.key)).join(".") ?? "definition";
      throw new ServiceError("invalid_definition", String((input as { name?: unknown }).name ?? "?"), `${field}: ${issue?.message}`);
    }
    const def = parsed.output;
    if (def.after.includes(def.name)) throw new ServiceError("dependency_cycle", def.name, "depends on itself");
    const nodes = this.nodes();
    nodes.set(def.name, { name: def.name, after: def.after });
    const cycle = findCycle(nodes);
    if (cycle) throw new ServiceError("dependency_cycle", def.name, `dependency cycle ${cycle}`);
    const rt = this.services.get(def.name);
    if (rt) rt.def = def;
    else this.runtime(def);
    this.opts.store?.save(def.name, def);
    return def;
  }

  /**
   * Changes how a service is restarted. The supervisor reads the policy when
   * a process exits, so a running service's next exit already follows it;
   * persisted with the definition.
   */
  setRestart(name: string, policy: RestartSettings): { before: RestartSettings; after: RestartSettings } {
    const def = this.get(name).def;
    const before = { restart: def.restart, maxRestarts: def.maxRestarts, withinMs: def.withinMs };
    const next = this.define({ ...def, ...policy });
    return { before, after: { restart: next.restart, maxRestarts: next.maxRestarts, withinMs: next.withinMs } };
  }

  /** Drops a definition; the service must not be running. */
  forget(name: string): void {
    const rt = this.get(name);
    if (this.isActive(name)) throw new ServiceError("busy", name, `is ${rt.state}; stop it first`);
    rt.log.close();
    this.services.delete(name);
    this.opts.store?.remove(name);
  }

  /** The services a start of `name` would start now (dependencies first); refuses missing ones and cycles. */
  startPlan(name: string): string[] {
    return startOrder(this.nodes(), name).filter((n) => {
      const s = this.get(n).state;
      return s !== "running" && s !== "starting";
    });
  }

  /** The services a stop of `name` would stop now (dependents first, `name` last). */
  stopPlan(name: string): string[] {
    this.get(name);
    return [...stopOrder(this.nodes(), name), name].filter((n) => this.isActive(n));
  }

  isEnabled(name: string): boolean {
    return this.get(name).enabled;
  }

  setEnabled(name: string, enabled: boolean): void {
    const rt = this.get(name);
    rt.enabled = enabled;
    this.opts.store?.setEnabled(name, enabled);
  }

  /** Starts `name` after its dependencies; returns the services this call started, in order. */
  start(name: string, opts: { enable?: boolean } = {}): Promise<string[]> {
    return this.serial(async () => {
      const order = startOrder(this.nodes(), name);
      if (opts.enable !== false) this.setEnabled(name, true);
      const started: string[] = [];
      for (const n of order) {
        const rt = this.get(n);
        if (rt.state === "running" || rt.state === "starting") continue;
        if (rt.timer) clearTimeout(rt.timer);
        rt.timer = null;
        if (rt.state === "backoff") this.move(rt, "stopped");
        rt.recent = []; // an explicit start opens a new period
        rt.restarts = 0;
        try {
          await this.launch(rt);
        } catch (err) {
          if (n === name) throw err;
          throw new ServiceError("dependency_failed", name, `dependency ${n} did not start: ${errorMessage(err)}`, { cause: err });
        }
        started.push(n);
      }
      return started;
    });
  }

  /** Stops `name` after whatever depends on it; returns the services this call stopped, in order. */
  stop(name: string, opts: { disable?: boolean } = {}): Promise<string[]> {
    return this.serial(async () => {
      this.get(name);
      if (opts.disable !== false) this.setEnabled(name, false);
      const stopped: string[] = [];
      for (const n of [...stopOrder(this.nodes(), name), name]) if (await this.halt(this.get(n))) stopped.push(n);
      return stopped;
    });
  }

  /** Stops and starts `name` (its dependencies are started if needed; dependents keep running). */
  restart(name: string): Promise<ServiceStatus> {
    return this.serial(async () => {
      const rt = this.get(name);
      const order = startOrder(this.nodes(), name);
      await this.halt(rt);
      rt.recent = [];
      rt.restarts = 0;
      for (const n of order) {
        const dep = this.get(n);
        if (dep.state !== "running" && dep.state !== "starting") await this.launch(dep);
      }
      return this.status(name);
    });
  }

  /** At boot: ends processes a previous aios-init left behind, then starts every enabled service in dependency order. */
  startEnabled(): Promise<string[]> {
    this.reapStale();
    return this.serial(async () => {
      const started: string[] = [];
      const nodes = this.nodes();
      for (const n of fullOrder(nodes)) {
        if (!this.get(n).enabled) continue;
        for (const m of startOrder(nodes, n)) {
          const rt = this.get(m);
          if (rt.state === "running" || rt.state === "starting" || rt.state === "failed") continue;
          try {
            await this.launch(rt);
            started.push(m);
          } catch (err) {
            log.warn(`services: ${m}: ${errorMessage(err)}`);
          }
        }
      }
      return started;
    });
  }

  /** At shutdown: stops everything, dependents first; enabled flags are kept for the next boot. */
  stopAll(): Promise<void> {
    return this.serial(async () => {
      this.closed = true;
      for (const n of fullOrder(this.nodes()).reverse()) await this.halt(this.get(n));
      for (const rt of this.services.values()) rt.log.close();
    });
  }

  /**
   * A process recorded as running by a previous instance is still ours to
   * end. Only in dev mode (an aios-init that crashed): as PID 1 a previous
   * instance means a previous boot, whose pids mean nothing now.
   */
  private reapStale(): void {
    if (this.opts.env.mode === "pid1") return;
    for (const stored of this.opts.store?.list() ?? []) {
      if (stored.pid === null || stored.startTicks === null || this.services.get(stored.name)?.child) continue;
      if (stillRunning(stored.pid, stored.startTicks)) {
        log.warn(`services: ${stored.name}: ending pid ${stored.pid} left from a previous run`);
        killGroup(stored.pid, "SIGKILL");
      }
    }
  }

  status(name: string): ServiceStatus {
    return statusOf(this.get(name));
  }

  list(): ServiceStatus[] {
    return [...this.services.keys()].sort().map((n) => this.status(n));
  }

  /** The last lines of a service's output. */
  tail(name: string, lines?: number): string[] {
    return this.get(name).log.tail(lines);
  }

  /** Spawns the process; resolves once it counts as running (after readyDelayMs). */
  private async launch(rt: Runtime): Promise<void> {
    const def = rt.def;
    this.move(rt, "starting");
    rt.reason = null;
    rt.halting = false;
    let child: ReturnType<typeof spawn>;
    try {
      const cwd = def.cwd === undefined ? this.opts.env.root : resolvePath(this.opts.env, `service ${def.name}`, def.cwd).host;
      // The sandbox of the agent that defined it, checked again at every start ([security] may have changed).
      const spec = sandboxFor(this.opts.env, `service ${def.name}`, def.definedBy ?? "system", def.user);
      const wrapped = wrapArgv(this.opts.env, def.argv, spec);
      rt.log.note(`sandbox: ${wrapped.applied}`);
      child = spawn(wrapped.argv, { cwd, env: { ...baseEnv(), ...def.env }, stdin: "ignore", stdout: "pipe", stderr: "pipe", detached: true });
    } catch (err) {
      rt.reason = errorMessage(err);
      rt.log.note(`could not start: ${rt.reason}`);
      this.move(rt, "failed");
      throw new ServiceError("spawn_failed", def.name, rt.reason, { cause: err });
    }
    rt.child = child;
    rt.pid = child.pid;
    rt.startTicks = readStat(child.pid)?.startTicks ?? null;
    rt.startedAt = Date.now();
    rt.log.note(`started pid ${child.pid}: ${JSON.stringify(def.argv)}`);
    void pump(child.stdout as ReadableStream<Uint8Array>, rt.log.stream());
    void pump(child.stderr as ReadableStream<Uint8Array>, rt.log.stream());
    rt.exited = child.exited
      .then((code) => this.exit(rt, child, code))
      .catch((err) => log.error(`services: ${def.name}: handling its exit: ${errorMessage(err)}`));
    if (def.readyDelayMs > 0) {
      const early = await Promise.race([Bun.sleep(def.readyDelayMs).then(() => false), child.exited.then(() => true)]);
      if (early) {
        await rt.exited;
        if (rt.halting) return;
        throw new ServiceError("exited_early", def.name, `exited within its ready delay (${describeExit(rt.lastExit)})`);
      }
    }
    if (rt.state === "starting") this.move(rt, "running");
    else this.persist(rt);
  }

  /** What happens when a process ends: a requested stop, or the restart policy. */
  private exit(rt: Runtime, child: ReturnType<typeof spawn>, code: number): void {
    if (rt.child !== child) return;
    rt.child = null;
    rt.pid = null;
    rt.startTicks = null;
    const signal = child.signalCode === null ? null : String(child.signalCode);
    rt.lastExit = { code: signal ? null : code, signal, at: Date.now() };
    if (rt.state === "stopping") {
      rt.log.note(`stopped (${describeExit(rt.lastExit)})`);
      this.move(rt, "stopped");
      return;
    }
    const failed = code !== 0 || signal !== null;
    rt.log.note(`exited unexpectedly (${describeExit(rt.lastExit)})`);
    const again = !this.closed && (rt.def.restart === "always" || (rt.def.restart === "on-failure" && failed));
    if (!again) {
      if (failed) rt.reason = `exited (${describeExit(rt.lastExit)}); restart policy ${rt.def.restart}`;
      this.move(rt, failed ? "failed" : "stopped");
      return;
    }
    const now = Date.now();
    rt.recent = rt.recent.filter((t) => now - t < rt.def.withinMs);
    if (rt.recent.length >= rt.def.maxRestarts) {
      rt.reason = `gave up: ${rt.recent.length} restarts within ${rt.def.withinMs} ms, and it exited again (${describeExit(rt.lastExit)})`;
      rt.log.note(rt.reason);
      log.warn(`services: ${rt.def.name}: ${rt.reason}`);
      this.move(rt, "failed");
      return;
    }
    const delay = Math.min(rt.def.backoffMs * 2 ** rt.recent.length, MAX_BACKOFF_MS);
    rt.recent.push(now);
    rt.restarts++;
    rt.log.note(`restarting in ${delay} ms (restart ${rt.recent.length} of at most ${rt.def.maxRestarts} within ${rt.def.withinMs} ms)`);
    this.move(rt, "backoff");
    rt.timer = setTimeout(() => {
      rt.timer = null;
      if (rt.state !== "backoff" || this.closed) return;
      this.launch(rt).catch((err) => log.warn(`services: ${rt.def.name}: restart failed: ${errorMessage(err)}`));
    }, delay);
  }

  /** Brings one service down; true when it was active (so a stop did something). */
  private async halt(rt: Runtime): Promise<boolean> {
    switch (rt.state) {
      case "stopped":
        return false;
      case "failed":
        this.move(rt, "stopped");
        return false;
      case "backoff":
        if (rt.timer) clearTimeout(rt.timer);
        rt.timer = null;
        this.move(rt, "stopped");
        return true;
      case "stopping":
        await rt.exited;
        return false;
      case "starting":
      case "running": {
        const pid = rt.pid as number;
        rt.halting = true;
        this.move(rt, "stopping");
        killGroup(pid, rt.def.stopSignal);
        const exited = rt.exited ?? Promise.resolve();
        const inTime = await Promise.race([exited.then(() => true), Bun.sleep(rt.def.stopTimeoutMs).then(() => false)]);
        if (!inTime) {
          rt.log.note(`did not stop within ${rt.def.stopTimeoutMs} ms of ${rt.def.stopSignal}; sending SIGKILL`);
          killGroup(pid, "SIGKILL");
          await Promise.race([exited, Bun.sleep(KILL_WAIT_MS)]);
        }
        return true;
      }
    }
  }
}

