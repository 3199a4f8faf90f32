/**
 * The read-only question tools inside the guest, through the forwarded API:
 * what they report there differs from the host (aios-init is PID 1 and
 * listens on :9090, the kernel is the image's, the OS is aiOS with its
 * BusyBox, the data disk is /var/lib/aios), which is the point.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, Vm } from "../harness/vm";

describe("read-only tools in the guest", () => {
  let vm: Vm;
  const tool = async (name: string, args: unknown, agent: string) => {
    const res = await vm.api(`/api/v1/tools/${name}`, { method: "POST", body: JSON.stringify({ args, agent }) });
    const body = (await res.json()) as any;
    if (res.status !== 200) throw new Error(`${name}: HTTP ${res.status} ${JSON.stringify(body)}`);
    return body.result;
  };

  beforeAll(async () => {
    vm = Vm.boot();
    await vm.waitFor(/aios: ready in \d+ ms/, 120_000);
  });
  afterAll(() => vm.dispose());

  test("process.top: aios-init is PID 1 and among the largest; a CPU sample runs", async () => {
    const mem = await tool("process.top", { limit: 5 }, "system");
    expect(mem.processes[0]).toMatchObject({ pid: 1, comm: "aios-init", user: "root", uid: 0, cpuPercent: null });
    expect(mem.processes[0].rssBytes).toBeGreaterThan(20 * 1024 * 1024);
    const cpu = await tool("process.top", { by: "cpu", sampleMs: 200, limit: 10 }, "monitor");
    expect(cpu.sampleMs).toBeGreaterThanOrEqual(200);
    // aios-init answers this very request, so at least it used CPU in the sample.
    expect(cpu.processes.map((p: any) => p.pid)).toContain(1);
  });

  test("net.listening: aios-init on :9090", async () => {
    const r = await tool("net.listening", { protocol: "tcp" }, "network");
    const api = r.sockets.find((s: any) => s.port === 9090);
    expect(api).toMatchObject({ protocol: "tcp", family: "IPv4", address: "0.0.0.0", user: "root", processes: [{ pid: 1, comm: "aios-init" }] });
  });

  test("sys.version: the image's kernel, aiOS from the image's os-release, its BusyBox, the version and commit compiled in", async () => {
    const r = await tool("sys.version", {}, "system");
    const kernelDeb = readdirName(join(ROOT, "out/build/pkg/kernel/boot"), /^config-(.+)$/);
    expect(r.kernel).toMatchObject({ name: "Linux", release: kernelDeb });
    expect(r.architecture).toBe("x86_64");
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(r.os).toMatchObject({ name: "aiOS", id: "aios", version: pkg.version, prettyName: `aiOS ${pkg.version}`, source: "os-release" });
    const lock = readFileSync(join(ROOT, "build/packages.lock"), "utf8");
    expect(r.busybox).toBe(/^busybox\s+\S+\s+\d+:([\d.]+)-/m.exec(lock)![1]);
    expect(r.aios.version).toBe(pkg.version);
    expect(r.aios.commit).toMatch(/^[0-9a-f]{12}(-dirty)?$/);
  });

  test("fs.du: the data disk with its ledger and memory, on its own filesystem", async () => {
    const r = await tool("fs.du", { path: "/var/lib/aios", depth: 1, limit: 20 }, "storage");
    expect(r).toMatchObject({ path: "/var/lib/aios", measure: "allocated", complete: true, errors: 0 });
    expect(r.totalBytes).toBeGreaterThan(0);
    const paths = r.entries.map((e: any) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["/var/lib/aios/ledger", "/var/lib/aios/memory"]));
    // The default: / stands for the allowed roots, each on its own filesystem.
    const all = await tool("fs.du", {}, "storage");
    expect(all.scope).toEqual(expect.arrayContaining(["/etc", "/var/lib/aios", "/var/log"]));
  });

  test("uptime, pressure, accounts and logins as the guest has them", async () => {
    const up = await tool("sys.uptime", {}, "system");
    expect(up.uptimeSeconds).toBeLessThan(600);
    expect(up.cpuCount).toBeGreaterThanOrEqual(1);
    const psi = await tool("monitor.pressure", {}, "monitor");
    expect(psi).toMatchObject({ supported: true, memory: { supported: true } });
    const users = await tool("user.list", {}, "security");
    expect(users.users.map((u: any) => u.name)).toContain("root");
    // Nothing in the image writes utmp: the tool says so instead of "nobody".
    expect(await tool("user.sessions", {}, "security")).toEqual({ recorded: false, source: null, sessions: [], bootTime: null });
  });

  test("monitor.logs path: aiOS's own log read as a file under /var/log; outside it is refused", async () => {
    const r = await tool("monitor.logs", { path: "/var/log/aios/aios.log", lines: 5 }, "monitor");
    expect(r.file).toBe("/var/log/aios/aios.log");
    expect(r.lines.length).toBeGreaterThan(0);
    const bad = await vm.api("/api/v1/tools/monitor.logs", { method: "POST", body: JSON.stringify({ args: { path: "/etc/shadow" }, agent: "monitor" }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.field).toBe("args.path");
  });
});

function readdirName(dir: string, re: RegExp): string {
  for (const name of readdirSync(dir)) {
    const m = re.exec(name);
    if (m) return m[1]!;
  }
  throw new Error(`${dir}: nothing matches ${re}`);
}
