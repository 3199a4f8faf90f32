/**
 * A fleet node: one NATS connection and what runs over it — the heartbeat in
 * the node list, the management API over request/reply, the audit and event
 * copies, and the fleet-goal worker. `startFleetNode` returns at once and
 * connects in the background, retrying with backoff; nothing here ever waits
 * on the network on behalf of boot. Loaded with a dynamic import by the fleet
 * boot step, so a node with fleet mode off never loads a NATS client.
 */
import { join } from "node:path";
import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import { errorMessage, loadavg, log, meminfo, rssBytes } from "../sys";
import { ACTIVE_GOAL_STATES } from "../orchestrator/goals/machine";
import { type FetchHandler, serveApi } from "./bridge";
import { Backoff, connectWithRetry, sleep } from "./connect";
import { fleetGoalResult, submitFleetGoal } from "./goals";
import { Heartbeat, listNodes } from "./nodes";
import { type AuditSource, CursorFile, type EventSource, Publisher } from "./publisher";
import { FleetError, type FleetSettings } from "./settings";
import { type Fleet, openFleet } from "./setup";
import type { FleetGoalRequest, FleetGoalResult, FleetPort, NodeStatus } from "./types";
import { type GoalPort, GoalWorker } from "./worker";

export interface FleetNodeDeps {
  settings: FleetSettings;
  /** /var/lib/aios: the resume points and goals taken live in its fleet/ folder. */
  dataDir: string;
  hostname: string;
  version: string;
  startedAt: number;
  /** The Hono app that answers HTTP: the same one answers over NATS. */
  app(): FetchHandler | undefined;
  ledger(): AuditSource | undefined;
  engine(): (GoalPort & EventSource) | undefined;
  autonomy(): string;
  approvalsPending(): number;
  apiUrl(): string | null;
}

const ACTIVE = new Set<string>(ACTIVE_GOAL_STATES);

export class FleetNode implements FleetPort {
  readonly node: string;
  private nc: NatsConnection | undefined;
  private fleet: Fleet | undefined;
  private heartbeat: Heartbeat | undefined;
  private publisher: Publisher | undefined;
  private worker: GoalWorker | undefined;
  private api: Subscription | undefined;
  private readonly abort = new AbortController();
  /** Resolves once the streams are bound (tests and callers that must not race the first connect). */
  readonly ready: Promise<void>;
  private markReady: () => void = () => {};

  private constructor(private readonly deps: FleetNodeDeps) {
    this.node = deps.settings.node;
    this.ready = new Promise((r) => (this.markReady = r));
  }

  static start(deps: FleetNodeDeps): FleetNode {
    const n = new FleetNode(deps);
    void n.run().catch((err) => log.error(`fleet: ${errorMessage(err)}`));
    return n;
  }

  connected(): boolean {
    return this.fleet !== undefined && this.nc !== undefined && !this.nc.isClosed() && this.up;
  }
  private up = false;

  status(): NodeStatus {
    const d = this.deps;
    const goals = d.engine()?.list(200) ?? [];
    const load = safe<{ one: number; five: number; fifteen: number }>(() => loadavg(), { one: 0, five: 0, fifteen: 0 });
    const mem = safe<{ totalBytes: number; availableBytes: number }>(() => meminfo(), { totalBytes: 0, availableBytes: 0 });
    return {
      node: this.node,
      hostname: d.hostname,
      version: d.version,
      labels: d.settings.labels,
      autonomy: d.autonomy(),
      startedAt: d.startedAt,
      uptimeMs: Date.now() - d.startedAt,
      load: { one: load.one, five: load.five, fifteen: load.fifteen },
      memory: { totalBytes: mem.totalBytes, availableBytes: mem.availableBytes, rssBytes: safe(() => rssBytes(), 0) },
      goals: { running: goals.filter((g) => ACTIVE.has(g.state)).length, pending: goals.filter((g) => g.state === "pending").length },
      approvals: { pending: d.approvalsPending() },
      api: d.apiUrl(),
      heartbeatMs: d.settings.heartbeatMs,
      ttlMs: d.settings.ttlMs,
      at: Date.now(),
    };
  }

  private async run(): Promise<void> {
    const s = this.deps.settings;
    let warned = false;
    const nc = await connectWithRetry(s, `aios ${this.node}`, {
      signal: this.abort.signal,
      onFailure: (err, wait) => {
        if (!warned) log.warn(`fleet: cannot reach ${s.servers.join(", ")}: ${err}; retrying in the background`);
        warned = true;
        log.debug(`fleet: connect: ${err}; next try in ${wait} ms`);
      },
    });
    if (!nc) return;
    this.nc = nc;
    this.up = true;
    log.info(`fleet: connected to ${nc.getServer()} as ${this.node}`);
    void this.watchConnection(nc);
    await this.bind(nc);
  }

  /** Binds the streams and starts everything; retried until it works (a server without JetStream yet, a cluster electing). */
  private async bind(nc: NatsConnection): Promise<void> {
    const backoff = new Backoff(500, 10_000);
    while (!this.abort.signal.aborted) {
      try {
        this.fleet = await openFleet(nc, this.deps.settings.ttlMs);
        break;
      } catch (err) {
        log.warn(`fleet: binding streams on ${nc.getServer()}: ${errorMessage(err)}; retrying`);
        await sleep(backoff.next(), this.abort.signal);
      }
    }
    const f = this.fleet;
    if (!f || this.abort.signal.aborted) return;
    const d = this.deps;
    const app = d.app();
    if (app) this.api = serveApi(nc, this.node, app);
    // The goal consumer exists before the node is listed: a goal sent to it once it is listed waits for it.
    this.worker = new GoalWorker(f, this.node, d.settings.labels, () => d.engine(), join(d.dataDir, "fleet/goals.json"));
    await this.worker.start();
    this.heartbeat = new Heartbeat(f.nodes, this.node, () => this.status(), d.settings.heartbeatMs);
    this.heartbeat.start();
    this.publisher = new Publisher(f, this.node, new CursorFile(join(d.dataDir, "fleet/cursor.json")), d.ledger(), d.engine());
    this.publisher.start();
    log.info(`fleet: ${this.node} joined (${Object.entries(d.settings.labels).map(([k, v]) => `${k}=${v}`).join(",") || "no labels"}); api on ${this.api ? "aios.node." + this.node + ".api.>" : "none"}`);
    this.markReady();
  }

  private async watchConnection(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === "disconnect") {
        this.up = false;
        log.warn(`fleet: disconnected from ${s.server}; reconnecting with backoff`);
      } else if (s.type === "reconnect") {
        this.up = true;
        log.info(`fleet: reconnected to ${s.server}`);
        // A server that lost its store has no streams: make them again, and ask where publishing stands.
        if (this.fleet) await openFleet(nc, this.deps.settings.ttlMs).catch((err) => log.warn(`fleet: rebinding: ${errorMessage(err)}`));
        this.publisher?.reconnected();
        this.worker?.reconnected();
        void this.heartbeat?.beat();
        void this.publisher?.tick();
      }
    }
  }

  private need(): Fleet {
    if (!this.fleet || !this.connected()) throw new FleetError("not_connected", `fleet: ${this.node} is not connected to ${this.deps.settings.servers.join(", ")}`);
    return this.fleet;
  }

  nodes(): Promise<NodeStatus[]> {
    return listNodes(this.need());
  }

  submitGoal(req: FleetGoalRequest): Promise<FleetGoalResult> {
    return submitFleetGoal(this.need(), { ...req, deadlineMs: req.deadlineMs ?? this.deps.settings.goalDeadlineMs }, this.node);
  }

  goal(id: string): Promise<FleetGoalResult | null> {
    return fleetGoalResult(this.need(), id);
  }

  /** Orderly stop: off the node list at once, answers still queued are dropped (the goals.json entries resend them next boot). */
  async stop(): Promise<void> {
    this.abort.abort();
    this.publisher?.stop();
    this.worker?.stop();
    this.api?.unsubscribe();
    if (this.connected()) await withTimeout(this.heartbeat?.stop(true), 2_000);
    else await this.heartbeat?.stop(false);
    if (this.nc && !this.nc.isClosed()) await withTimeout(this.nc.drain(), 2_000).catch(() => this.nc?.close());
  }
}

function safe<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

function withTimeout<T>(p: Promise<T> | undefined, ms: number): Promise<T | undefined> {
  return Promise.race([p ?? Promise.resolve(undefined), new Promise<undefined>((r) => setTimeout(r, ms))]);
}

export function startFleetNode(deps: FleetNodeDeps): FleetNode {
  return FleetNode.start(deps);
}
