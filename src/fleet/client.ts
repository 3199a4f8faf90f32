/**
 * The fleet as a library, for `aios-init ctl --nats URL …` and the web
 * console's fleet page (issue 14 wires these into verbs and a page). Each
 * call returns typed data; format.ts turns it into text, or `--json` prints
 * it as it is.
 *
 *   const fleet = await FleetClient.connect({ servers: "nats://10.0.2.2:4222", token });
 *   await fleet.nodes();                                   // NodeStatus[]
 *   await fleet.nodeStatus("web1");                        // NodeReport
 *   await fleet.fleetGoal({ labels: { role: "web" } }, "check disk usage");   // FleetGoalResult
 *   await fleet.approvals();                               // NodeApprovals[]
 *   await fleet.audit("web1", { limit: 20 });              // AuditCopyReport (verified)
 *   await fleet.events("web1");                            // its goal events
 *   await fleet.close();
 *
 * Node names, labels and the fleet-goal state come from NATS itself; calls to
 * a node's API (status, approvals) go over request/reply with the token, so
 * the node's own HTTP rules decide what the caller may see.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import type { TraceEvent } from "../orchestrator";
import type { SystemInfo } from "../sys";
import type { ApprovalView } from "../tools/views";
import { callApi } from "./bridge";
import { connectionOptions } from "./connect";
import { type AuditCopyReport, readAuditCopy, readEventCopy } from "./copies";
import { fleetGoalResult, submitFleetGoal } from "./goals";
import { getNode, listNodes } from "./nodes";
import { Secret } from "../gateway/secrets";
import { type Fleet, openFleet } from "./setup";
import type { FleetGoalResult, NodeStatus, Selector } from "./types";
import { connect } from "@nats-io/transport-node";

export interface FleetClientOptions {
  /** One NATS URL, a comma-separated list, or an array. */
  servers: string | string[];
  user?: string;
  password?: string;
  /** A user nkey seed (SU…). */
  nkeySeed?: string;
  /** PEM of the CA that signed the servers' certificates. */
  tlsCa?: string;
  /** The nodes' API token: one for all, or one per node. */
  token?: string | ((node: string) => string | undefined);
  /** Per request to a node (default 10 s). */
  timeoutMs?: number;
}

export interface NodeReport {
  node: string;
  /** Its last heartbeat; null when it is not in the node list (down for longer than its ttl, or unknown). */
  status: NodeStatus | null;
  /** GET /api/v1/system, asked over NATS; null when the node did not answer. */
  system: SystemInfo | null;
  error?: string;
}

export interface NodeApprovals {
  node: string;
  level?: string;
  approvals: ApprovalView[];
  /** Why this node's list is missing (no answer, refused token). */
  error?: string;
}

export interface FleetGoalOptions {
  /** How long to gather answers (default 60 s). */
  deadlineMs?: number;
  /** false: return as soon as the goal is sent. */
  wait?: boolean;
}

/** Default node ttl when this client is the first to create the node list. */
const CLIENT_TTL_MS = 15_000;

export class FleetClient {
  private constructor(
    private readonly f: Fleet,
    private readonly opts: FleetClientOptions,
  ) {}

  static async connect(opts: FleetClientOptions): Promise<FleetClient> {
    const servers = (Array.isArray(opts.servers) ? opts.servers : opts.servers.split(",")).map((s) => s.trim()).filter(Boolean);
    const auth = opts.nkeySeed
      ? { kind: "nkey" as const, seed: new Secret(opts.nkeySeed) }
      : opts.user
        ? { kind: "user" as const, user: opts.user, password: new Secret(opts.password ?? "") }
        : { kind: "none" as const };
    const nc: NatsConnection = await connect({ ...connectionOptions({ servers, auth, tlsCa: opts.tlsCa }, "aios ctl"), maxReconnectAttempts: 3 });
    return new FleetClient(await openFleet(nc, CLIENT_TTL_MS), opts);
  }

  private token(node: string): string | undefined {
    return typeof this.opts.token === "function" ? this.opts.token(node) : this.opts.token;
  }

  private async api<T>(node: string, method: string, path: string, body?: unknown): Promise<T> {
    const r = await callApi(this.f.nc, node, method, path, { token: this.token(node), body, timeoutMs: this.opts.timeoutMs });
    const data = r.json<T & { error?: { message?: string } }>();
    if (r.status >= 400) throw new Error(`${node}: ${method} ${path}: ${r.status} ${data.error?.message ?? ""}`.trim());
    return data;
  }

  /** Every live node, by name. */
  nodes(): Promise<NodeStatus[]> {
    return listNodes(this.f);
  }

  /** One node: its heartbeat and its live system report. */
  async nodeStatus(name: string): Promise<NodeReport> {
    const status = await getNode(this.f.nodes, name);
    try {
      return { node: name, status, system: await this.api<SystemInfo>(name, "GET", "/api/v1/system") };
    } catch (err) {
      return { node: name, status, system: null, error: (err as Error).message };
    }
  }

  /** Sends a goal to the selected nodes and gathers their answers until all answered or the deadline. */
  fleetGoal(selector: Selector, text: string, opts: FleetGoalOptions = {}): Promise<FleetGoalResult> {
    return submitFleetGoal(this.f, { goal: text, selector, deadlineMs: opts.deadlineMs ?? 60_000, wait: opts.wait }, "client");
  }

  /** A fleet goal's answers as they stand now. */
  fleetGoalResult(id: string): Promise<FleetGoalResult | null> {
    return fleetGoalResult(this.f, id);
  }

  /** The calls waiting for a person, on every live node. */
  async approvals(): Promise<NodeApprovals[]> {
    const nodes = await this.nodes();
    return Promise.all(
      nodes.map(async (n) => {
        try {
          const r = await this.api<{ level: string; approvals: ApprovalView[] }>(n.node, "GET", "/api/v1/approvals");
          return { node: n.node, level: r.level, approvals: r.approvals };
        } catch (err) {
          return { node: n.node, approvals: [], error: (err as Error).message };
        }
      }),
    );
  }

  /** A node's audit rows as the fleet holds them, verified (hashes, links, no gap, no repeat). */
  audit(node: string, opts: { limit?: number; afterSeq?: number } = {}): Promise<AuditCopyReport> {
    return readAuditCopy(this.f, node, opts);
  }

  /** A node's goal events (trace) as the fleet holds them, oldest first. */
  events(node: string): Promise<Array<TraceEvent & { node: string }>> {
    return readEventCopy(this.f, node);
  }

  async close(): Promise<void> {
    await this.f.nc.close();
  }
}
