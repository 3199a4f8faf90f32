/**
 * The fleet verbs of `aios-init ctl` (issue 17 item 4) against a real
 * nats-server with JetStream and two dev-mode nodes: over NATS (--nats) with
 * the fleet client library, and through a node's HTTP API in fleet mode.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DevSystem } from "../../test/harness/dev";
import { NatsServer, natsServerBinary, NO_NATS } from "../../test/harness/nats";
import { ctl } from "./ctl";
import { EXIT } from "./errors";

const TOKEN = "ctl-fleet";
const HAVE_NATS = !!natsServerBinary();
if (!HAVE_NATS) console.warn(`src/cli/fleet.test.ts: ${NO_NATS}`);

let nats: NatsServer;
const nodes: DevSystem[] = [];

async function run(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await ctl(args, { io: { out: (t) => out.push(t), err: (t) => err.push(t) }, env: { AIOS_TOKEN: TOKEN, ...env }, home: "/nonexistent" });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

async function node(name: string, labels: string): Promise<DevSystem> {
  const cmdline = [`aios.fleet.enabled=true`, `aios.fleet.url=${nats.url}`, `aios.fleet.node=${name}`, `aios.fleet.labels=${labels}`, "aios.fleet.heartbeat=500ms", "aios.fleet.ttl=3000ms"].join(" ");
  const d = await DevSystem.start({ token: TOKEN, args: ["--autonomy", "full", "--cmdline", cmdline] });
  for (let i = 0; i < 300 && !d.output.includes(`fleet: ${name} joined`); i++) await Bun.sleep(100);
  expect(d.output).toContain(`fleet: ${name} joined`);
  return d;
}

describe.skipIf(!HAVE_NATS)("ctl fleet verbs", () => {
  beforeAll(async () => {
    nats = await NatsServer.start();
    nodes.push(await node("web1", "role=web,zone=a"), await node("db1", "role=db"));
  }, 120_000);
  afterAll(async () => {
    for (const n of nodes) await n.stop();
    await nats?.dispose();
  });

  test("nodes: over NATS and through a node's API; --json", async () => {
    let r = await run(["--nats", nats.url, "nodes"]);
    for (let i = 0; i < 50 && !r.out.includes("db1"); i++) {
      await Bun.sleep(200);
      r = await run(["--nats", nats.url, "nodes"]);
    }
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toMatch(/^NODE +LABELS +VERSION/);
    expect(r.out).toMatch(/^web1 +role=web,zone=a /m);
    expect(r.out).toContain("2 nodes");
    const j = JSON.parse((await run(["nodes", "--json"], { AIOS_NATS: nats.url })).out) as Array<{ node: string }>;
    expect(j.map((n) => n.node).sort()).toEqual(["db1", "web1"]);
    const http = await run(["nodes"], { AIOS_URL: nodes[0]!.url });
    expect(http.out).toMatch(/^db1 +role=db /m);
  }, 30_000);

  test("node NAME status: its heartbeat and its system report over NATS; an unknown node is 5", async () => {
    const r = await run(["--nats", nats.url, "node", "web1", "status"]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toContain("node web1: in the node list");
    expect(r.out).toMatch(/kernel +\S+; ready in \d+ ms/);
    expect((await run(["--nats", nats.url, "node", "nosuch", "status"])).code).toBe(EXIT.notFound);
    expect((await run(["node", "web1", "status"], { AIOS_URL: nodes[1]!.url })).out).toContain("node web1: in the node list");
  }, 30_000);

  test("goal --labels: only the selected nodes answer, each with its answer; a summary; exit 0 when all are done", async () => {
    const r = await run(["--nats", nats.url, "goal", "--labels", "role=web", "show disk usage", "--deadline", "60s"]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toMatch(/^fleet goal \S+: show disk usage/);
    expect(r.out).toMatch(/^web1 +done +\d+ /m);
    expect(r.out).not.toMatch(/^db1 /m);
    expect(r.out).toContain("1/1 answered (1 done)");
    const all = JSON.parse((await run(["--nats", nats.url, "goal", "--all", "show memory usage", "--json"])).out);
    expect(all.summary).toMatchObject({ targets: 2, answered: 2, done: 2 });
    const viaHttp = await run(["goal", "--nodes", "db1", "show uptime"], { AIOS_URL: nodes[0]!.url });
    expect(viaHttp.out).toMatch(/^db1 +done /m);
    expect((await run(["goal", "--labels", "role", "x"])).code).toBe(EXIT.usage);
  }, 120_000);

  test("approvals across the fleet; audit --node reads the fleet's verified copy", async () => {
    const a = await run(["--nats", nats.url, "approvals"]);
    expect(a.code).toBe(EXIT.ok);
    expect(a.out).toBe("no approvals pending on 2 nodes");
    const audit = await run(["--nats", nats.url, "audit", "--node", "web1", "--limit", "5"]);
    expect(audit.code).toBe(EXIT.ok);
    expect(audit.out).toMatch(/^audit of web1 \(fleet copy, \d+ rows; verified: rows 1\.\.\d+ from the first\)/);
    expect((await run(["--nats", "nats://127.0.0.1:1", "nodes"])).code).toBe(EXIT.unreachable);
  }, 60_000);
});
