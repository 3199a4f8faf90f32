/**
 * The streams and buckets of docs/fleet.md, created by whichever node or
 * client gets there first and left alone when they exist (an operator may
 * have set replicas or limits of their own). Creating is idempotent: every
 * node runs this on each connect, so a wiped server is rebuilt.
 */
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager, RetentionPolicy, StorageType, type StreamConfig } from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { BUCKETS, STREAMS } from "./subjects";

const NS_PER_MS = 1_000_000;
const DAY_MS = 86_400_000;
/** Retries of a publish inside this window are dropped by message id; older ones are caught by the resume point (publisher.ts). */
const DUPLICATE_WINDOW_MS = 10 * 60_000;
/** Fleet goals stay on the work stream a day (limits retention: each node's durable consumer keeps its own place); a node that comes back later than that never runs a stale order. */
const GOAL_MAX_AGE_MS = DAY_MS;
const ANSWER_MAX_AGE_MS = 7 * DAY_MS;

export interface Fleet {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  nodes: KV;
  goals: KV;
}

const STREAM_CONFIGS: Array<Partial<StreamConfig> & { name: string }> = [
  { ...STREAMS.audit, subjects: [...STREAMS.audit.subjects], duplicate_window: DUPLICATE_WINDOW_MS * NS_PER_MS },
  { ...STREAMS.events, subjects: [...STREAMS.events.subjects], duplicate_window: DUPLICATE_WINDOW_MS * NS_PER_MS },
  { ...STREAMS.goals, subjects: [...STREAMS.goals.subjects], retention: RetentionPolicy.Limits, max_age: GOAL_MAX_AGE_MS * NS_PER_MS, duplicate_window: DUPLICATE_WINDOW_MS * NS_PER_MS },
  { ...STREAMS.answers, subjects: [...STREAMS.answers.subjects], max_age: ANSWER_MAX_AGE_MS * NS_PER_MS, duplicate_window: DUPLICATE_WINDOW_MS * NS_PER_MS },
];

async function exists(jsm: JetStreamManager, stream: string): Promise<boolean> {
  try {
    await jsm.streams.info(stream);
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === "StreamNotFoundError" || /stream not found/i.test(String(err))) return false;
    throw err;
  }
}

async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<void> {
  if (await exists(jsm, config.name)) return;
  try {
    await jsm.streams.add({ storage: StorageType.File, ...config });
  } catch (err) {
    if (!(await exists(jsm, config.name))) throw err; // another node created it in between: fine
  }
}

async function ensureBucket(kvm: Kvm, jsm: JetStreamManager, name: string, ttlMs: number): Promise<KV> {
  if (await exists(jsm, `KV_${name}`)) return kvm.open(name);
  try {
    return await kvm.create(name, { ttl: ttlMs, history: 1 });
  } catch (err) {
    if (await exists(jsm, `KV_${name}`)) return kvm.open(name);
    throw err;
  }
}

/** Binds to (and if needed creates) the fleet's streams and buckets. `nodeTtlMs`: how long a silent node stays listed. */
export async function openFleet(nc: NatsConnection, nodeTtlMs: number): Promise<Fleet> {
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  await Promise.all(STREAM_CONFIGS.map((c) => ensureStream(jsm, c)));
  const kvm = new Kvm(js);
  const [nodes, goals] = await Promise.all([ensureBucket(kvm, jsm, BUCKETS.nodes, nodeTtlMs), ensureBucket(kvm, jsm, BUCKETS.goals, ANSWER_MAX_AGE_MS)]);
  return { nc, js, jsm, nodes, goals };
}
