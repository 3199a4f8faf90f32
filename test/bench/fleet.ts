/**
 * `bun test/bench/fleet.ts`: fleet mode at scale against one local
 * nats-server (JetStream, store in a temp dir). NODES simulated nodes — light
 * clients speaking the same subjects as src/fleet, one connection each: a
 * status put in the aios_nodes bucket every heartbeat, a durable consumer on
 * the goal work stream, an answer on aios.fleet.answer.<id>.<node> (published
 * with its ack awaited, as a node does) as soon as a goal names it. They run
 * in SIM_PROCS child processes, so the asker's event loop is not the one
 * serving a thousand sockets. Measured in the same run:
 * - heartbeat load: KV puts per second, put latency, nats-server CPU;
 * - a fleet goal to every node through the real code (src/fleet/goals.ts
 *   submitFleetGoal): sent (node list read, recorded, on the work stream),
 *   first answer, all answers gathered, p50/p99 over ROUNDS;
 * - baselines: a bare core-NATS request/reply round trip, and a bare
 *   scatter-gather (one core publish, NODES replies, no JetStream).
 */
import { readFileSync } from "node:fs";
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { connect, createInbox, type NatsConnection } from "@nats-io/transport-node";
import { submitFleetGoal } from "../../src/fleet/goals";
import { listNodes } from "../../src/fleet/nodes";
import { openFleet } from "../../src/fleet/setup";
import { BUCKETS, goalConsumer, MSG_ID, STREAMS, SUBJECTS } from "../../src/fleet/subjects";
import { type FleetAnswer, type FleetGoalOrder, matches, type NodeStatus } from "../../src/fleet/types";
import { setSink } from "../../src/sys";
import { NatsServer, natsServerBinary } from "../harness/nats";

const NODES = Number(process.env.NODES ?? 1000);
const SIM_PROCS = Number(process.env.SIM_PROCS ?? 4);
const ROUNDS = Number(process.env.ROUNDS ?? 20);
const HEARTBEAT_MS = Number(process.env.HEARTBEAT_MS ?? 5000);
const HEARTBEAT_WINDOW_MS = Number(process.env.HEARTBEAT_WINDOW_MS ?? 15_000);
const RTTS = Number(process.env.RTTS ?? 2000);
const LABELS = { role: "sim" };
const nodeName = (i: number) => `sim${String(i).padStart(5, "0")}`;

setSink(() => {});
const say = (m: string) => process.env.V && console.error(`bench-fleet: ${m}`);

// ---- a child process: simulated nodes FROM..TO ------------------------------------
async function simulate(url: string, from: number, to: number): Promise<void> {
  const latencies: number[] = [];
  let measuring = false;
  let closing = false;
  const conns: NatsConnection[] = [];
  await Promise.all(
    Array.from({ length: to - from }, async (_, k) => {
      const name = nodeName(from + k);
      const nc = await connect({ servers: url, name });
      conns.push(nc);
      const js = jetstream(nc);
      const kv = await new Kvm(js).open(BUCKETS.nodes);
      const status = (): NodeStatus => ({
        node: name, hostname: name, version: "0.1.0", labels: LABELS, autonomy: "full", startedAt: 0, uptimeMs: 0,
        load: { one: 0, five: 0, fifteen: 0 }, memory: { totalBytes: 1 << 30, availableBytes: 1 << 29, rssBytes: 1 << 26 },
        goals: { running: 0, pending: 0 }, approvals: { pending: 0 }, api: null, heartbeatMs: HEARTBEAT_MS, ttlMs: 15_000, at: Date.now(),
      });
      const beat = async () => {
        const t = performance.now();
        await kv.put(name, JSON.stringify(status()));
        if (measuring) latencies.push(performance.now() - t);
      };
      await beat();
      // Spread over the interval, as nodes booted at different times would.
      setTimeout(() => setInterval(() => void beat().catch(() => {}), HEARTBEAT_MS), Math.random() * HEARTBEAT_MS);
      const messages = await (await js.consumers.get(STREAMS.goals.name, goalConsumer(name))).consume({ max_messages: 4 });
      void (async () => {
        for await (const m of messages) {
          const rec = m.json<FleetGoalOrder>();
          if (matches(rec.selector, name, LABELS)) {
            const answer: FleetAnswer = { id: rec.id, node: name, state: "done", goalId: 1, answer: "ok", at: Date.now() };
            await js.publish(SUBJECTS.answer(rec.id, name), JSON.stringify(answer), { msgID: MSG_ID.answer(rec.id, name, "done") });
          }
          m.ack();
        }
      })().catch((err) => closing || console.error(`bench-fleet: ${name}: ${err}`));
      nc.subscribe("bench.all", { callback: (_e, m) => void m.respond(name) });
      if (from + k === 0) nc.subscribe("bench.one", { callback: (_e, m) => void m.respond("1") });
    }),
  );
  const ctl = conns[0]!;
  ctl.subscribe("bench.ctl.start", { callback: (_e, m) => void ((measuring = true), m.respond("ok")) });
  ctl.subscribe("bench.ctl.stop", { callback: (_e, m) => void ((measuring = false), m.respond(JSON.stringify(latencies))) });
  ctl.subscribe("bench.ctl.exit", {
    callback: () => {
      closing = true;
      process.exit(0);
    },
  });
  await Promise.all(conns.map((c) => c.flush()));
  console.log("ready");
}

if (process.argv[2] === "--sim") {
  await simulate(process.argv[3]!, Number(process.argv[4]), Number(process.argv[5]));
} else {
  await main();
}

// ---- the asker --------------------------------------------------------------------
async function main(): Promise<void> {
  if (!natsServerBinary()) {
    console.error("bench-fleet: nats-server is not installed (build/deps.sh installs it)");
    process.exit(1);
  }
  const quantile = (xs: number[], q: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
  };
  const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(0));
  const ticks = (pid: number) => {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return Number(f[11]) + Number(f[12]); // utime + stime, clock ticks (100/s)
  };
  const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;

  const server = await NatsServer.start();
  const serverPid = server.pid!;
  const ctl = await connect({ servers: server.url, name: "bench asker" });
  const fleet = await openFleet(ctl, 15_000);
  const jsm = await jetstreamManager(ctl);
  const t0 = performance.now();
  for (let i = 0; i < NODES; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, NODES - i) }, (_, k) =>
        jsm.consumers.add(STREAMS.goals.name, { durable_name: goalConsumer(nodeName(i + k)), filter_subject: SUBJECTS.goals, deliver_policy: DeliverPolicy.New, ack_policy: AckPolicy.Explicit, max_ack_pending: 16 }),
      ),
    );
  }
  const consumersMs = performance.now() - t0;
  say(`${NODES} consumers in ${consumersMs.toFixed(0)} ms`);

  const per = Math.ceil(NODES / SIM_PROCS);
  const sims = Array.from({ length: SIM_PROCS }, (_, p) =>
    Bun.spawn([process.execPath, import.meta.path, "--sim", server.url, String(p * per), String(Math.min(NODES, (p + 1) * per))], { stdout: "pipe", stderr: "inherit", env: process.env }),
  );
  await Promise.all(
    sims.map(async (s) => {
      const reader = s.stdout.getReader();
      let text = "";
      while (!text.includes("ready")) {
        const { value, done } = await reader.read();
        if (done) throw new Error("bench-fleet: a simulator exited before it was ready");
        text += new TextDecoder().decode(value);
      }
    }),
  );
  const setupMs = performance.now() - t0;
  say(`nodes up in ${setupMs.toFixed(0)} ms`);

  // Every child answers on bench.ctl.*: gather SIM_PROCS replies.
  const askAll = async (subject: string): Promise<string[]> => {
    const inbox = createInbox();
    const out: string[] = [];
    await new Promise<void>((resolve) => {
      ctl.subscribe(inbox, { max: SIM_PROCS, callback: (_e, m) => void (out.push(m.string()) === SIM_PROCS && resolve()) });
      ctl.publish(subject, "", { reply: inbox });
    });
    return out;
  };

  // ---- heartbeat load ---------------------------------------------------------------
  await Bun.sleep(HEARTBEAT_MS); // every node's interval has started
  let cpu0 = ticks(serverPid);
  await askAll("bench.ctl.start");
  const w0 = performance.now();
  await Bun.sleep(HEARTBEAT_WINDOW_MS);
  const putLatency = (await askAll("bench.ctl.stop")).flatMap((s) => JSON.parse(s) as number[]);
  const windowS = (performance.now() - w0) / 1000;
  const hbCpu = ((ticks(serverPid) - cpu0) / 100 / windowS) * 100;
  const listed = (await listNodes(fleet)).length;
  say(`heartbeats: ${putLatency.length} puts`);

  // ---- baselines ----------------------------------------------------------------------
  const rtt: number[] = [];
  for (let i = 0; i < RTTS; i++) {
    const t = performance.now();
    await ctl.request("bench.one", "x", { timeout: 5000 });
    rtt.push(performance.now() - t);
  }
  const scatter = async (): Promise<number> => {
    const inbox = createInbox();
    let got = 0;
    const t = performance.now();
    await new Promise<void>((resolve) => {
      ctl.subscribe(inbox, { max: NODES, callback: () => void (++got === NODES && resolve()) });
      ctl.publish("bench.all", "x", { reply: inbox });
    });
    return performance.now() - t;
  };
  const bare: number[] = [];
  for (let i = 0; i < ROUNDS; i++) bare.push(await scatter());
  say("baselines done");

  // ---- fleet goals to every node -----------------------------------------------------
  const sent: number[] = [];
  const firstAnswer: number[] = [];
  const gather: number[] = [];
  let incomplete = 0;
  cpu0 = ticks(serverPid);
  const r0 = performance.now();
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    let first = 0;
    const sub = ctl.subscribe(SUBJECTS.answers("*"), { callback: () => void (first ||= performance.now() - t) });
    const r = await submitFleetGoal(fleet, { goal: "report uptime", selector: { labels: { role: "sim" } }, deadlineMs: 30_000 }, "bench", { sent: () => sent.push(performance.now() - t) });
    gather.push(performance.now() - t);
    sub.unsubscribe();
    firstAnswer.push(first);
    if (!r.complete || r.summary.answered !== NODES) incomplete++;
    say(`round ${i}: sent ${ms(sent.at(-1)!)} ms, first answer ${ms(first)} ms, gathered ${ms(gather.at(-1)!)} ms, ${r.summary.answered}/${NODES}`);
  }
  const goalCpu = ((ticks(serverPid) - cpu0) / 100 / ((performance.now() - r0) / 1000)) * 100;

  const q = (xs: number[], p: number) => ms(quantile(xs, p));
  const ratio = (a: number[], b: number[], p: number) => `${(quantile(a, p) / quantile(b, p)).toFixed(1)}×`;
  const lines = [
    `## Fleet: ${NODES} simulated nodes (one connection each, ${SIM_PROCS} processes), one local nats-server ${/Version:\s+(\S+)/.exec(server.log)?.[1] ?? ""} (bun ${Bun.version})`,
    "",
    `setup: ${NODES} durable consumers in ${ms(consumersMs)} ms, all nodes up in ${ms(setupMs)} ms; the node list shows ${listed}`,
    "",
    "| measure | fleet | baseline (same run) | ratio |",
    "|---|---|---|---|",
    `| heartbeat KV put, p50 (${NODES} nodes every ${HEARTBEAT_MS / 1000} s) | ${q(putLatency, 0.5)} ms | ${q(rtt, 0.5)} ms (bare request/reply) | ${ratio(putLatency, rtt, 0.5)} |`,
    `| heartbeat KV put, p99 | ${q(putLatency, 0.99)} ms | ${q(rtt, 0.99)} ms | ${ratio(putLatency, rtt, 0.99)} |`,
    `| heartbeat load | ${(putLatency.length / windowS).toFixed(0)} puts/s; nats-server ${hbCpu.toFixed(1)}% of a core, ${rssMiB(serverPid).toFixed(0)} MiB RSS | | |`,
    `| fleet goal sent (node list read, recorded, on the work stream), p50 / p99 | ${q(sent, 0.5)} / ${q(sent, 0.99)} ms | | |`,
    `| fleet goal, first answer in, p50 / p99 | ${q(firstAnswer, 0.5)} / ${q(firstAnswer, 0.99)} ms | | |`,
    `| fleet goal, all ${NODES} answers gathered, p50 | ${q(gather, 0.5)} ms | ${q(bare, 0.5)} ms (bare scatter-gather, core NATS) | ${ratio(gather, bare, 0.5)} |`,
    `| fleet goal, all ${NODES} answers gathered, p99 | ${q(gather, 0.99)} ms | ${q(bare, 0.99)} ms | ${ratio(gather, bare, 0.99)} |`,
    `| fleet goal gathered p50, in bare request/reply round trips | ${(quantile(gather, 0.5) / quantile(rtt, 0.5)).toFixed(0)} | ${q(rtt, 0.5)} ms | |`,
    "",
    `${ROUNDS} goal rounds${incomplete ? `, ${incomplete} NOT complete` : ", every one complete"}; nats-server used ${goalCpu.toFixed(0)}% of a core during them.`,
    `target: ${NODES} answers gathered in ≤ 1 s p99 (${quantile(gather, 0.99) <= 1000 ? "met" : "NOT met"})`,
  ];
  console.log(lines.join("\n"));

  ctl.publish("bench.ctl.exit");
  await ctl.flush();
  await Promise.all(sims.map((s) => Promise.race([s.exited, Bun.sleep(3000).then(() => s.kill("SIGKILL"))])));
  await ctl.close();
  await server.dispose();
  process.exit(0);
}
