/**
 * Issue 11 in the VM (QEMU/TCG, the real image): spawned processes run with
 * least privilege (no_new_privs, their user, rlimits, a pid namespace), an
 * agent crash loop is restarted and escalates without taking PID 1 down, and
 * 1,000 orphans leave no zombie. Figures are printed for the record (not
 * asserted beyond the bounds: timings belong to benchmarks).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freshDataImage, ROOT, Vm } from "../harness/vm";

const READY = /aios: ready in (\d+) ms/;
const CONFIG = `${readFileSync(join(ROOT, "rootfs/etc/aios/config.toml"), "utf8")}
[security.agents.dev]
user = "65534:65534"
namespaces = ["pid"]
limits = { nofile = 64 }
`;

describe("hardening in the VM", () => {
  const dir = mkdtempSync(join(tmpdir(), "aios-vmhard-"));
  let vm: Vm;

  beforeAll(async () => {
    vm = Vm.boot({ dataImg: freshDataImage(dir), overlay: { "etc/aios/config.toml": CONFIG }, cmdlineExtra: "aios.autonomy_level=full" });
    await vm.waitFor(READY, 180_000);
  }, 200_000);
  afterAll(async () => {
    await vm.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  async function spawn(agent: string, argv: string[], extra: Record<string, unknown> = {}): Promise<{ status: number; body: any }> {
    const res = await vm.api("/api/v1/tools/process.spawn", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ agent, args: { argv, ...extra } }) });
    return { status: res.status, body: await res.json() };
  }

  test("a spawned process has NoNewPrivs 1, the agent's user, its limits and its own pid namespace", async () => {
    const dev = await spawn("dev", ["/bin/sh", "-c", "echo pid=$$; cat /proc/self/status; cat /proc/self/limits"]);
    expect(dev.status).toBe(200);
    const out: string = dev.body.result.stdout;
    expect(out).toMatch(/^NoNewPrivs:\s+1$/m);
    expect(out).toMatch(/^Uid:\s+65534\s+65534\s+65534\s+65534$/m);
    expect(out).toMatch(/^Gid:\s+65534\s+65534\s+65534\s+65534$/m);
    expect(out).toMatch(/^Groups:\s*$/m);
    expect(out).toMatch(/^Max open files\s+64\s+64\s+files/m);
    expect(out).toMatch(/^Max core file size\s+0\s+/m);
    expect(out).toMatch(/^pid=1$/m); // the first process of its own pid namespace
    expect(dev.body.result.sandbox).toBe("uid 65534 gid 65534, no_new_privs, nofile=64 core_mb=0, namespaces pid");
    // Another agent keeps aios-init's user, with no_new_privs and [security.spawn]'s limits.
    const sys = await spawn("system", ["/bin/cat", "/proc/self/status"]);
    expect(sys.body.result.stdout).toMatch(/^NoNewPrivs:\s+1$/m);
    expect(sys.body.result.stdout).toMatch(/^Uid:\s+0\s+0\s+0\s+0$/m);
    // The dev agent may not ask for root.
    const root = await spawn("dev", ["/bin/true"], { user: "0" });
    expect(root.status).toBe(403);
    expect(root.body.error.message).toContain("agent dev runs processes as 65534:65534");
  }, 120_000);

  test("1,000 orphans leave 0 zombies 2 s after they exit", async () => {
    const count = async (what: "sleep" | "zombie") => {
      const script = what === "sleep" ? "grep -l '^Name:.sleep' /proc/[0-9]*/status 2>/dev/null | wc -l" : "grep -l '^State:.Z' /proc/[0-9]*/status 2>/dev/null | wc -l";
      return Number((await spawn("system", ["/bin/sh", "-c", script])).body.result.stdout.trim());
    };
    const t0 = performance.now();
    const made = await spawn("system", ["/bin/sh", "-c", "i=0; while [ $i -lt 1000 ]; do sleep 2 >/dev/null 2>&1 </dev/null & i=$((i+1)); done; echo made"], { timeoutMs: 120_000 });
    expect(made.body.result.stdout).toBe("made\n");
    const forkMs = performance.now() - t0;
    let alive = await count("sleep");
    while (alive > 0) {
      await Bun.sleep(100);
      alive = await count("sleep");
    }
    const exited = performance.now();
    await Bun.sleep(2000);
    const zombies = await count("zombie");
    console.log(`orphans: 1000 forked in ${Math.round(forkMs)} ms; 2 s after the last exited: ${zombies} zombies (${Math.round(performance.now() - exited)} ms)`);
    expect(zombies).toBe(0);
  }, 240_000);

  test("an agent crash loop is restarted within 1 s each time, then escalates; PID 1 stays up", async () => {
    const agent = async (name: string) => (await (await vm.api(`/api/v1/agents/${name}`)).json()) as { status: string; restarts: number };
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = (await agent("monitor")).restarts;
      const t0 = performance.now();
      expect((await vm.api("/api/v1/agents/monitor/kill", { method: "POST" })).status).toBe(202);
      let a = await agent("monitor");
      while (a.restarts === before || a.status !== "running") {
        await Bun.sleep(20);
        a = await agent("monitor");
      }
      times.push(performance.now() - t0);
    }
    console.log(`crash loop: restarts of the monitor agent took ${times.map((t) => Math.round(t)).join(", ")} ms (observed through the API)`);
    for (const t of times) expect(t).toBeLessThan(1000);
    // One more within the agents supervisor's period (5 in 10 s): it gives up and the root supervisor restarts the subtree.
    const t0 = performance.now();
    await vm.api("/api/v1/agents/monitor/kill", { method: "POST" });
    await vm.waitFor(/supervisor root\/agents: monitor .*giving up/, 10_000);
    let all = ((await (await vm.api("/api/v1/agents")).json()) as { agents: Array<{ name: string; status: string }> }).agents;
    while (all.length === 0 || all.some((a) => a.status !== "running")) {
      await Bun.sleep(50);
      all = ((await (await vm.api("/api/v1/agents")).json()) as { agents: Array<{ name: string; status: string }> }).agents;
    }
    console.log(`crash loop: escalated to the root supervisor; all ${all.length} agents running again after ${Math.round(performance.now() - t0)} ms`);
    expect((await vm.api("/health", { auth: false })).status).toBe(200);
    expect(((await (await vm.api("/api/v1/system")).json()) as { pid: number }).pid).toBe(1);
  }, 120_000);
});
