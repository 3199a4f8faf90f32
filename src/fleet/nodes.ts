/**
 * The node list: each node writes its status under its name in the KV bucket
 * aios_nodes every heartbeat; the bucket's max age (the ttl) removes a node
 * that stopped writing, and readers also drop entries older than the node's
 * own ttl, so a node configured with a shorter ttl than the bucket's leaves on time.
 */
import type { KV } from "@nats-io/kv";
import { errorMessage, log } from "../sys";
import type { NodeStatus } from "./types";

/** Every live node's status, by name. One ordered read of the bucket, not one request per node. */
export async function listNodes(nodes: KV, now = Date.now()): Promise<NodeStatus[]> {
  const out: NodeStatus[] = [];
  for await (const e of await nodes.history()) {
    if (e.operation !== "PUT") continue;
    try {
      const s = e.json<NodeStatus>();
      if (s.at + s.ttlMs >= now) out.push(s);
    } catch {
      // not a status a node wrote: skip it rather than fail the list
    }
  }
  return out.sort((a, b) => a.node.localeCompare(b.node));
}

export async function getNode(nodes: KV, name: string, now = Date.now()): Promise<NodeStatus | null> {
  const e = await nodes.get(name);
  if (!e || e.operation !== "PUT") return null;
  const s = e.json<NodeStatus>();
  return s.at + s.ttlMs >= now ? s : null;
}

/** Writes the status every `intervalMs` while connected; a missed beat is only logged (the next one heals it). */
export class Heartbeat {
  private timer: ReturnType<typeof setInterval> | undefined;
  private beating = false;
  private failures = 0;

  constructor(
    private readonly nodes: KV,
    private readonly name: string,
    private readonly status: () => NodeStatus,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    void this.beat();
    this.timer = setInterval(() => void this.beat(), this.intervalMs);
  }

  async beat(): Promise<void> {
    if (this.beating) return; // a slow put is not stacked behind another
    this.beating = true;
    try {
      await this.nodes.put(this.name, JSON.stringify(this.status()));
      if (this.failures) log.info(`fleet: heartbeat resumed after ${this.failures} missed`);
      this.failures = 0;
    } catch (err) {
      if (this.failures++ === 0) log.warn(`fleet: heartbeat: ${errorMessage(err)}`);
    } finally {
      this.beating = false;
    }
  }

  /** An orderly stop takes the node off the list at once instead of after the ttl. */
  async stop(leave: boolean): Promise<void> {
    clearInterval(this.timer);
    if (leave) await this.nodes.delete(this.name).catch(() => {});
  }
}
