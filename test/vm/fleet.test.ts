/**
 * Fleet mode in the guest: the VM joins a nats-server on the host through
 * QEMU's user network (the host's 127.0.0.1 is 10.0.2.2 to the guest), shows
 * up in the node list, answers its management API over NATS with its own
 * token, runs a fleet goal, and its audit copy verifies against its ledger.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { NatsServer, natsServerBinary, NO_NATS } from "../harness/nats";
import { TOKEN, Vm } from "../harness/vm";
import { FleetClient } from "../../src/fleet/client";
import type { AuditRow } from "../../src/memory";

const HAVE_NATS = natsServerBinary() !== undefined;
if (!HAVE_NATS) console.warn(`test/vm/fleet.test.ts: ${NO_NATS}`);

async function eventually<T>(what: string, f: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const end = Date.now() + ms;
  let last: T | undefined;
  while (Date.now() < end) {
    last = await f().catch(() => undefined);
    if (last !== undefined && ok(last)) return last;
    await Bun.sleep(250);
  }
  throw new Error(`${what}: last ${JSON.stringify(last)?.slice(0, 1000)}`);
}

describe.skipIf(!HAVE_NATS)("fleet mode in the guest", () => {
  let server: NatsServer;
  let vm: Vm;
  let client: FleetClient;

  beforeAll(async () => {
    server = await NatsServer.start({ host: "127.0.0.1" }); // slirp: the guest's 10.0.2.2 is the host's loopback
    vm = Vm.boot({
      cmdlineExtra: `aios.autonomy_level=full aios.fleet.enabled=true aios.fleet.url=nats://10.0.2.2:${server.port} aios.fleet.node=vm1 aios.fleet.labels=role=vm,zone=qemu`,
    });
    await vm.waitFor(/aios: ready in \d+ ms/, 180_000);
    await vm.waitFor(/fleet: vm1 joined/, 120_000);
    client = await FleetClient.connect({ servers: server.url, token: TOKEN });
  }, 320_000);

  afterAll(async () => {
    await client?.close().catch(() => {});
    await vm?.dispose();
    await server?.dispose();
  });

  test("the guest is in the node list with its labels and answers its API over NATS as PID 1", async () => {
    const nodes = await eventually("vm1 listed", () => client.nodes(), (l) => l.some((n) => n.node === "vm1"), 30_000);
    expect(nodes.find((n) => n.node === "vm1")).toMatchObject({ labels: { role: "vm", zone: "qemu" }, autonomy: "full" });
    const report = await client.nodeStatus("vm1");
    expect(report.error).toBeUndefined();
    expect(report.system?.pid).toBe(1);
    // The bootline's connect went through slirp: the guest logged the host's address as 10.0.2.2.
    expect(vm.output).toContain(`fleet: connected to 10.0.2.2:${server.port} as vm1`);
  }, 60_000);

  test("a fleet goal runs in the guest and its audit rows reach the host's stream, verified", async () => {
    const r = await client.fleetGoal({ labels: { role: "vm" } }, "show memory usage", { deadlineMs: 120_000 });
    expect(r.summary).toMatchObject({ targets: 1, answered: 1, done: 1 });
    const ledger = (((await (await vm.api("/api/v1/audit?limit=10000")).json()) as { rows: AuditRow[] }).rows).reverse();
    expect(ledger.length).toBeGreaterThan(0);
    const copy = await eventually("vm1's audit copy", () => client.audit("vm1"), (c) => c.rows.length >= ledger.length, 30_000);
    expect(copy.verdict).toMatchObject({ ok: true, complete: true });
    expect(copy.rows.map((x) => x.hash).slice(0, ledger.length)).toEqual(ledger.map((x) => x.hash));
  }, 180_000);
});
