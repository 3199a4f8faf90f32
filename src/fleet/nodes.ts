/**
 * The node list: each node writes its status under its name in the KV bucket
 * aios_nodes every heartbeat; the bucket's max age (the ttl) removes a node
 * that stopped writing, and readers also drop entries older than the node's
 * own ttl, so a node configured with a shorter ttl than the bucket's leaves on time.
 */
import { AckPolicy, DeliverPolicy } from "@nats-io/jetstream";
import type { KV } from "@nats-io/kv";
import { errorMessage, log } from "../sys";
import type { Fleet } from "./setup";
import { BUCKETS } from "./subjects";
import type { NodeStatus } from "./types";

/**
 * Every live node's status, by name. The keys come from the stream's subject
 * list; their values from one ephemeral consumer delivering the last value
 * of each, read in one bounded fetch; a key that was overwritten while it was
 * read (a heartbeat) and not seen again is fetched by direct get. (The KV
 * API's history/keys use an ordered push consumer, which stalled for a
 * minute under a thousand writers; a direct get per key costs a round trip
 * per node.)
 */
export async function listNodes(f: Pick<Fleet, "js" | "jsm" | "nodes">, now = Date.now()): Promise<NodeStatus[]> {
  const stream = `KV_${BUCKETS.nodes}`;
  const prefix = `$KV.${BUCKETS.nodes}.`;
  const info = await f.jsm.streams.info(stream, { subjects_filter: `${prefix}>` });
  const unseen = new Set(Object.keys(info.state.subjects ?? {}).map((s) => s.slice(prefix.length)));
  const latest = new Map<string, NodeStatus>();
  const take = (key: string, op: string | undefined, read: () => NodeStatus) => {
    unseen.delete(key);
    if (op && op !== "PUT") return void latest.delete(key);
    try {
      const s = read();
      if (s.at + s.ttlMs >= now && (latest.get(key)?.at ?? 0) <= s.at) latest.set(key, s);
    } catch {
      // not a status a node wrote: skip it rather than fail the list
    }
  };
  if (unseen.size) {
    const ci = await f.jsm.consumers.add(stream, {
      deliver_policy: DeliverPolicy.LastPerSubject,
      ack_policy: AckPolicy.None,
      filter_subject: `${prefix}>`,
      mem_storage: true,
      inactive_threshold: 30_000_000_000, // the server removes it even if this reader dies
    });
    try {
      const consumer = await f.js.consumers.get(stream, ci.name);
      for await (const m of await consumer.fetch({ max_messages: ci.num_pending + 100, expires: 2_000 })) {
        take(m.subject.slice(prefix.length), m.headers?.get("KV-Operation"), () => m.json<NodeStatus>());
        if (!unseen.size || m.info.pending === 0) break;
      }
    } finally {
      await f.jsm.consumers.delete(stream, ci.name).catch(() => {});
    }
  }
  await Promise.all(
    [...unseen].map(async (key) => {
      const e = await f.nodes.get(key).catch(() => null);
      if (e) take(key, e.operation, () => e.json<NodeStatus>());
    }),
  );
  return [...latest.values()].sort((a, b) => a.node.localeCompare(b.node));
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
