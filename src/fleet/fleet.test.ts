/**
 * Fleet mode end to end: a real nats-server (JetStream, store in a temp
 * directory, free loopback port) and three real dev-mode nodes
 * (`bun src/main.ts --dev`), driven through the client library and HTTP.
 * Skipped, saying why, only where nats-server is not installed.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Subprocess } from "bun";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NO_NATS, NatsServer, natsServerBinary } from "../../test/harness/nats";
import type { AuditRow } from "../memory";
import { FleetClient } from "./client";
import { formatFleetGoal, formatNodes } from "./format";

const REPO = join(import.meta.dir, "../..");
const MAIN = join(REPO, "src/main.ts");
const READY = /ready in \d+ ms \(api (http:\/\/[^)]+)\)/;
const TOKEN = "fleet-test-token";
const TTL_MS = 3_000;

class Node {
  proc: Subprocess<"pipe", "pipe", "pipe"> | undefined;
  out = "";
  api = "";
  constructor(readonly name: string, readonly labels: string, readonly state: string, private readonly nats: () => string) {}

  async start(): Promise<void> {
    this.out = "";
    const cmdline = [`aios.fleet.enabled=true`, `aios.fleet.url=${this.nats()}`, `aios.fleet.node=${this.name}`, `aios.fleet.labels=${this.labels}`, `aios.fleet.heartbeat=500ms`, `aios.fleet.ttl=${TTL_MS}ms`].join(" ");
    const proc = Bun.spawn([process.execPath, MAIN, "--dev", "--state", this.state, "--port", "0", "--token", TOKEN, "--autonomy", "full", "--cmdline", cmdline], {
      cwd: REPO,
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
      env: { ...process.env, NO_COLOR: "1" },
    });
    this.proc = proc;
    for (const s of [proc.stdout, proc.stderr]) void (async () => { for await (const c of s) this.out += new TextDecoder().decode(c); })();
    await this.until(() => READY.test(this.out), "ready");
    this.api = READY.exec(this.out)![1]!;
    await this.until(() => this.out.includes(`fleet: ${this.name} joined`), "joined the fleet");
  }

  async until(cond: () => boolean, what: string, ms = 30_000): Promise<void> {
    const end = Date.now() + ms;
    while (!cond()) {
      if (this.proc?.exitCode !== null || Date.now() > end) throw new Error(`${this.name}: waiting for ${what}\n${this.out}`);
      await Bun.sleep(20);
    }
  }

  http(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.api}${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...(init.headers ?? {}) } });
  }

  async ledger(): Promise<AuditRow[]> {
    const r = (await (await this.http("/api/v1/audit?limit=10000")).json()) as { rows: AuditRow[] };
    return r.rows.reverse();
  }

  async kill(): Promise<void> {
    this.proc?.kill("SIGKILL");
    await this.proc?.exited;
  }
}

async function eventually<T>(what: string, f: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  let last: T | undefined;
  let err: unknown;
  while (Date.now() < end) {
    try {
      last = await f();
      if (ok(last)) return last;
    } catch (e) {
      err = e;
    }
    await Bun.sleep(100);
  }
  throw new Error(`${what}: last ${JSON.stringify(last)?.slice(0, 2000)} ${err ?? ""}`);
}

const HAVE_NATS = natsServerBinary() !== undefined;
if (!HAVE_NATS) console.warn(`fleet.test.ts: ${NO_NATS}`);

describe.skipIf(!HAVE_NATS)("fleet mode on a real nats-server with three dev nodes", () => {
  let server: NatsServer;
  let root: string;
  let nodes: Node[];
  let client: FleetClient;
  const node = (name: string) => nodes.find((n) => n.name === name)!;

  /** Ten audited tool calls on a node, through its HTTP API. */
  const calls = (n: Node, count = 10) =>
    Promise.all(Array.from({ length: count }, (_, i) => n.http("/api/v1/tools/fs.stat", { method: "POST", body: JSON.stringify({ args: { path: i % 2 ? "/tmp" : "/etc" } }) }).then((r) => r.text())));

  /** Every row of the node's ledger is in the fleet's copy once, in order, and the copy verifies. */
  async function copiesMatch(n: Node): Promise<void> {
    const ledger = await n.ledger();
    const copy = await eventually(`${n.name}'s audit copy`, () => client.audit(n.name), (r) => r.rows.length >= ledger.length);
    expect(copy.verdict).toMatchObject({ ok: true, complete: true });
    expect(copy.rows.map((r) => r.seq)).toEqual(ledger.map((r) => r.seq));
    expect(copy.rows.map((r) => r.hash)).toEqual(ledger.map((r) => r.hash));
  }

  beforeAll(async () => {
    server = await NatsServer.start();
    root = mkdtempSync(join(tmpdir(), "aios-fleet-"));
    nodes = [
      new Node("n1", "role=web,zone=a", join(root, "n1"), () => server.url),
      new Node("n2", "role=web,zone=b", join(root, "n2"), () => server.url),
      new Node("n3", "role=db,zone=a", join(root, "n3"), () => server.url),
    ];
    await Promise.all(nodes.map((n) => n.start()));
    client = await FleetClient.connect({ servers: server.url, token: TOKEN });
  }, 120_000);

  afterAll(async () => {
    await client?.close().catch(() => {});
    for (const n of nodes ?? []) await n.kill();
    await server?.dispose();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test("each node keeps its heartbeat and status in the node list", async () => {
    const list = await eventually("three nodes", () => client.nodes(), (l) => l.length === 3);
    expect(list.map((n) => n.node)).toEqual(["n1", "n2", "n3"]);
    const n1 = list[0]!;
    expect(n1).toMatchObject({ labels: { role: "web", zone: "a" }, autonomy: "full", ttlMs: TTL_MS, goals: { running: 0 }, approvals: { pending: 0 } });
    expect(n1.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(n1.memory.totalBytes).toBeGreaterThan(0);
    expect(n1.api).toBe(node("n1").api);
    const later = await eventually("a newer heartbeat", () => client.nodes(), (l) => l[0]!.at > n1.at);
    expect(later[0]!.uptimeMs).toBeGreaterThan(n1.uptimeMs);
    expect(formatNodes(later)).toContain("role=web,zone=a");
    // The same list over HTTP on any node.
    const http = (await (await node("n2").http("/api/v1/fleet/nodes")).json()) as { connected: boolean; nodes: Array<{ node: string }> };
    expect(http.connected).toBe(true);
    expect(http.nodes.map((n) => n.node)).toEqual(["n1", "n2", "n3"]);
  }, 30_000);

  test("the management API answers over NATS under the same token rules as HTTP", async () => {
    const report = await client.nodeStatus("n2");
    expect(report.system?.pid).toBe(node("n2").proc!.pid);
    expect(report.status?.node).toBe("n2");
    const wrong = await FleetClient.connect({ servers: server.url, token: "not-the-token" });
    try {
      expect((await wrong.nodeStatus("n2")).error).toContain("401");
      expect((await wrong.approvals()).every((a) => a.error?.includes("401"))).toBe(true);
    } finally {
      await wrong.close();
    }
    const approvals = await client.approvals();
    expect(approvals.map((a) => [a.node, a.level, a.approvals.length])).toEqual([["n1", "full", 0], ["n2", "full", 0], ["n3", "full", 0]]);
  }, 30_000);

  test("a fleet goal to all three nodes gets three answers, each run by the node's own engine", async () => {
    const r = await client.fleetGoal({ all: true }, "show memory usage", { deadlineMs: 60_000 });
    expect(r.targets).toEqual(["n1", "n2", "n3"]);
    expect(r.missing).toEqual([]);
    expect(r.summary).toMatchObject({ targets: 3, answered: 3, done: 3 });
    for (const a of r.answers) {
      expect(a.answer).toBeString();
      const g = (await (await node(a.node).http(`/api/v1/goals/${a.goalId}`)).json()) as { source: string; state: string };
      expect(g).toMatchObject({ source: `fleet:${r.id}`, state: "done" });
    }
    expect(formatFleetGoal(r)).toContain("3/3 answered");
    // Each node's trace of the goal is copied to AIOS_EVENTS, each event once.
    for (const a of r.answers) {
      const trace = ((await (await node(a.node).http(`/api/v1/goals/${a.goalId}`)).json()) as { trace: Array<{ id: number }> }).trace.map((e) => e.id);
      const copied = await eventually(`${a.node}'s events`, () => client.events(a.node), (l) => trace.every((id) => l.some((e) => e.id === id)));
      expect(new Set(copied.map((e) => e.id)).size).toBe(copied.length);
      expect(copied.filter((e) => e.goalId === a.goalId).map((e) => e.id)).toEqual(trace);
    }
    // By labels, over HTTP on one node: only the web nodes.
    const res = await node("n3").http("/api/v1/fleet/goals", { method: "POST", body: JSON.stringify({ goal: "show memory usage", labels: { role: "web" }, deadline: "60s" }) });
    expect(res.status).toBe(200);
    const web = (await res.json()) as { targets: string[]; summary: { answered: number } };
    expect(web.targets).toEqual(["n1", "n2"]);
    expect(web.summary.answered).toBe(2);
    const bad = await node("n3").http("/api/v1/fleet/goals", { method: "POST", body: JSON.stringify({ goal: "show memory usage" }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain("never implied");
  }, 90_000);

  test("audit rows are copied once each, with their hashes, and the copy verifies", async () => {
    await Promise.all(nodes.map((n) => calls(n)));
    for (const n of nodes) await copiesMatch(n);
  }, 60_000);

  test("the server restarted mid-run: every node reconnects, no audit row lost or doubled", async () => {
    let stop = false;
    const load = Promise.all(
      nodes.map(async (n) => {
        // Paced, so the ledger stays under one page of the audit API (10,000 rows) on a fast machine.
        while (!stop) (await calls(n, 3), await Bun.sleep(20));
      }),
    );
    await Bun.sleep(500);
    await server.stop();
    await Bun.sleep(1_500); // rows keep being written while the server is away
    await server.restart();
    await Bun.sleep(1_500);
    stop = true;
    await load;
    await eventually("three nodes again", () => client.nodes(), (l) => l.length === 3, 30_000);
    for (const n of nodes) {
      await copiesMatch(n);
      expect(n.out).toContain("fleet: reconnected");
    }
  }, 90_000);

  test("a node that is down gets its goal when it returns; meanwhile the goal says who has not answered", async () => {
    const n3 = node("n3");
    await n3.kill();
    const r = await client.fleetGoal({ nodes: ["n1", "n3"] }, "show memory usage", { deadlineMs: 3_000 });
    expect(r.targets).toEqual(["n1", "n3"]);
    expect(r.missing).toEqual(["n3"]);
    expect(r.complete).toBe(false);
    expect(formatFleetGoal(r)).toContain("no answer from n3");
    await n3.start();
    const later = await eventually("n3's late answer", () => client.fleetGoalResult(r.id), (x) => x?.complete === true, 60_000);
    expect(later!.answers.find((a) => a.node === "n3")).toMatchObject({ state: "done" });
    await copiesMatch(n3); // its restart resumed publishing where it stopped
  }, 120_000);

  test("a stopped node leaves the list after its ttl", async () => {
    await node("n2").kill();
    expect((await client.nodes()).map((n) => n.node)).toContain("n2");
    const list = await eventually("n2 gone", () => client.nodes(), (l) => !l.some((n) => n.node === "n2"), TTL_MS + 10_000);
    expect(list.map((n) => n.node)).toEqual(["n1", "n3"]);
  }, 30_000);
});
