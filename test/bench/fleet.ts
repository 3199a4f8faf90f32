/**
 * `bun test/bench/fleet.ts`: fleet mode at scale against one local
 * nats-server (JetStream, store in a temp dir). NODES simulated nodes (light
 * clients speaking the same subjects as src/fleet: a status put in the
 * aios_nodes bucket every heartbeat, a durable consumer on the goal work
 * stream, an answer on aios.fleet.answer.<id>.<node> as soon as a goal
 * arrives) on CONNS connections. Measured in the same run:
 * - heartbeat load: KV puts per second, put latency, nats-server CPU;
 * - fleet goal to every node (src/fleet/goals.ts submitFleetGoal, the real
 *   code): fan-out (all goal messages acknowledged by JetStream) and
 *   gathering (every answer in), p50/p99 over ROUNDS;
 * - baselines: a bare core-NATS request/reply round trip, and a bare
 *   scatter-gather (one core publish, NODES replies, no JetStream).
 */
import { readFileSync } from "node:fs";
import { AckPolicy } from "@nats-io/jetstream";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { connect, createInbox, type NatsConnection } from "@nats-io/transport-node";
import { submitFleetGoal } from "../../src/fleet/goals";
import { listNodes } from "../../src/fleet/nodes";
import { openFleet } from "../../src/fleet/setup";
import { BUCKETS, goalConsumer, MSG_ID, STREAMS, SUBJECTS } from "../../src/fleet/subjects";
import type { FleetAnswer, FleetGoalRecord, NodeStatus } from "../../src/fleet/types";
import { setSink } from "../../src/sys";
import { NatsServer, natsServerBinary } from "../harness/nats";

const NODES = Number(process.env.NODES ?? 1000);
const CONNS = Number(process.env.CONNS ?? NODES);
const ROUNDS = Number(process.env.ROUNDS ?? 20);
const HEARTBEAT_MS = Number(process.env.HEARTBEAT_MS ?? 5000);
const HEARTBEAT_WINDOW_MS = Number(process.env.HEARTBEAT_WINDOW_MS ?? 15_000);
const RTTS = Number(process.env.RTTS ?? 2000);

setSink(() => {});
if (!natsServerBinary()) {
  console.error("bench-fleet: nats-server is not installed (build/deps.sh installs it)");
  process.exit(1);
}

const say = (m: string) => process.env.V && console.error(`bench-fleet: ${m}`);
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(0));

function cpuTicks(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks (100/s)
}
function rssMiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;
}

const server = await NatsServer.start();
const serverPid = server.pid!;

const ctl = await connect({ servers: server.url, name: "bench controller" });
const fleet = await openFleet(ctl, 15_000);

// ---- the simulated nodes -------------------------------------------------------
const conns: NatsConnection[] = [];
for (let i = 0; i < CONNS; i++) conns.push(await connect({ servers: server.url, name: `sim ${i}` }));
const names = Array.from({ length: NODES }, (_, i) => `sim${String(i).padStart(5, "0")}`);
const jsm = await jetstreamManager(ctl);
const t0 = performance.now();
for (let i = 0; i < NODES; i += 50) {
  await Promise.all(
    names.slice(i, i + 50).map((n) => jsm.consumers.add(STREAMS.goals.name, { durable_name: goalConsumer(n), filter_subject: SUBJECTS.goals, ack_policy: AckPolicy.Explicit, max_ack_pending: 16 })),
  );
}
const consumersMs = performance.now() - t0;
say(`${NODES} consumers in ${consumersMs.toFixed(0)} ms`);

const status = (node: string): NodeStatus => ({
  node, hostname: node, version: "0.1.0", labels: { role: "sim" }, autonomy: "full", startedAt: Date.now(), uptimeMs: 0,
  load: { one: 0, five: 0, fifteen: 0 }, memory: { totalBytes: 1 << 30, availableBytes: 1 << 29, rssBytes: 1 << 26 },
  goals: { running: 0, pending: 0 }, approvals: { pending: 0 }, api: null, heartbeatMs: HEARTBEAT_MS, ttlMs: 15_000, at: Date.now(),
});

const putLatency: number[] = [];
let puts = 0;
let measuring = false;
let closing = false;
const timers: Array<ReturnType<typeof setInterval>> = [];
await Promise.all(
  names.map(async (name, i) => {
    const nc = conns[i % CONNS]!;
    const js = jetstream(nc);
    const kv = await new Kvm(js).open(BUCKETS.nodes);
    const beat = async () => {
      const t = performance.now();
      await kv.put(name, JSON.stringify({ ...status(name), at: Date.now() }));
      if (measuring) {
        putLatency.push(performance.now() - t);
        puts++;
      }
    };
    await beat().catch(() => {});
    // Spread the beats over the interval, as nodes booted at different times would.
    setTimeout(() => timers.push(setInterval(() => void beat().catch(() => {}), HEARTBEAT_MS)), Math.random() * HEARTBEAT_MS);
    const consumer = await js.consumers.get(STREAMS.goals.name, goalConsumer(name));
    const messages = await consumer.consume({ max_messages: 4 });
    void (async () => {
      for await (const m of messages) {
        const rec = m.json<FleetGoalRecord>();
        if (!rec.targets.includes(name)) {
          m.ack();
          continue;
        }
        const answer: FleetAnswer = { id: rec.id, node: name, state: "done", goalId: 1, answer: "ok", at: Date.now() };
        await js.publish(SUBJECTS.answer(rec.id, name), JSON.stringify(answer), { msgID: MSG_ID.answer(rec.id, name, "done") });
        m.ack();
      }
    })().catch((err) => {
      if (!closing) console.error(`bench-fleet: ${name}: ${err}`);
    });
    // The bare baseline's responder on the same connection.
    nc.subscribe("bench.all", { callback: (_e, m) => void m.respond(name) });
    if (i === 0) nc.subscribe("bench.one", { callback: (_e, m) => void m.respond("1") });
  }),
);
await Promise.all(conns.map((c) => c.flush()));
const setupMs = performance.now() - t0;
say(`nodes up in ${setupMs.toFixed(0)} ms`);

// ---- heartbeat load -------------------------------------------------------------
await Bun.sleep(HEARTBEAT_MS); // every node's interval has started
const cpu0 = cpuTicks(serverPid);
const w0 = performance.now();
measuring = true;
await Bun.sleep(HEARTBEAT_WINDOW_MS);
measuring = false;
const windowS = (performance.now() - w0) / 1000;
const serverCpu = ((cpuTicks(serverPid) - cpu0) / 100 / windowS) * 100;
const listed = (await listNodes(fleet)).length;

say(`heartbeats: ${puts} puts`);
// ---- baselines: bare request/reply, bare scatter-gather ---------------------------
const rtt: number[] = [];
for (let i = 0; i < RTTS; i++) {
  const t = performance.now();
  await ctl.request("bench.one", "x", { timeout: 5000 });
  rtt.push(performance.now() - t);
}
async function scatter(): Promise<number> {
  const inbox = createInbox();
  let got = 0;
  const t = performance.now();
  const done = new Promise<void>((resolve) => {
    ctl.subscribe(inbox, { max: NODES, callback: () => (++got === NODES ? resolve() : undefined) });
  });
  ctl.publish("bench.all", "x", { reply: inbox });
  await done;
  return performance.now() - t;
}
const bare: number[] = [];
for (let i = 0; i < ROUNDS; i++) bare.push(await scatter());

say("baselines done");
// ---- fleet goals to every node ----------------------------------------------------
const fanout: number[] = [];
const firstAnswer: number[] = [];
const gather: number[] = [];
let incomplete = 0;
for (let i = 0; i < ROUNDS; i++) {
  const t = performance.now();
  let first = 0;
  const sub = ctl.subscribe(SUBJECTS.answers("*"), { callback: () => void (first ||= performance.now() - t) });
  const r = await submitFleetGoal(fleet, { goal: "report uptime", selector: { labels: { role: "sim" } }, deadlineMs: 30_000 }, "bench", { sent: () => fanout.push(performance.now() - t) });
  gather.push(performance.now() - t);
  sub.unsubscribe();
  firstAnswer.push(first);
  if (!r.complete || r.summary.answered !== NODES) incomplete++;
  if (process.env.V) console.error(`round ${i}: sent ${ms(fanout.at(-1)!)} ms, first answer ${ms(first)} ms, gathered ${ms(gather.at(-1)!)} ms, ${r.summary.answered}/${NODES}`);
}

const benchRss = process.memoryUsage.rss() / 2 ** 20;
const lines = [
  `## Fleet: ${NODES} simulated nodes on ${CONNS} connections, one local nats-server ${server.log.match(/Version:\s+(\S+)/)?.[1] ?? ""} (bun ${Bun.version})`,
  "",
  `setup: ${NODES} durable consumers in ${ms(consumersMs)} ms, all nodes up in ${ms(setupMs)} ms; node list shows ${listed}`,
  "",
  "| measure | fleet | baseline (same run) | ratio |",
  "|---|---|---|---|",
  `| heartbeat KV put, p50 (${NODES} nodes every ${HEARTBEAT_MS / 1000} s) | ${ms(quantile(putLatency, 0.5))} ms | ${ms(quantile(rtt, 0.5))} ms (bare request/reply) | ${(quantile(putLatency, 0.5) / quantile(rtt, 0.5)).toFixed(1)}× |`,
  `| heartbeat KV put, p99 | ${ms(quantile(putLatency, 0.99))} ms | ${ms(quantile(rtt, 0.99))} ms | ${(quantile(putLatency, 0.99) / quantile(rtt, 0.99)).toFixed(1)}× |`,
  `| heartbeat load | ${(puts / windowS).toFixed(0)} puts/s, nats-server ${serverCpu.toFixed(1)}% of a core, ${rssMiB(serverPid).toFixed(0)} MiB RSS | | |`,
  `| fleet goal sent (node list read, goal recorded, on the work stream), p50 | ${ms(quantile(fanout, 0.5))} ms | | |`,
  `| fleet goal sent, p99 | ${ms(quantile(fanout, 0.99))} ms | | |`,
  `| fleet goal, first answer in, p50 | ${ms(quantile(firstAnswer, 0.5))} ms | | |`,
  `| fleet goal, all ${NODES} answers gathered, p50 | ${ms(quantile(gather, 0.5))} ms | ${ms(quantile(bare, 0.5))} ms (bare scatter-gather, core NATS) | ${(quantile(gather, 0.5) / quantile(bare, 0.5)).toFixed(1)}× |`,
  `| fleet goal, all ${NODES} answers gathered, p99 | ${ms(quantile(gather, 0.99))} ms | ${ms(quantile(bare, 0.99))} ms | ${(quantile(gather, 0.99) / quantile(bare, 0.99)).toFixed(1)}× |`,
  `| fleet goal gathered, p99, in bare request/reply round trips | ${(quantile(gather, 0.99) / quantile(rtt, 0.5)).toFixed(0)} round trips | ${ms(quantile(rtt, 0.5))} ms (bare request/reply, p50) | |`,
  "",
  `${ROUNDS} goal rounds${incomplete ? `, ${incomplete} NOT complete` : ", every one complete"}; this process (all simulated nodes) ${benchRss.toFixed(0)} MiB RSS.`,
  `target: ${NODES} answers gathered in ≤ 1 s p99 (${quantile(gather, 0.99) <= 1000 ? "met" : "NOT met"})`,
];
console.log(lines.join("\n"));

closing = true;
for (const t of timers) clearInterval(t);
await Promise.all(conns.map((c) => c.close()));
await ctl.close();
await server.dispose();
process.exit(0);
