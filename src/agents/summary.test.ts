import { describe, expect, test } from "bun:test";
import type { Attempt } from "./define";
import { checkReport, type CpuResult, type DiskResult, diskFigures, failedServices, healthReport, type MemoryResult, memoryFigures, type ServicesResult } from "./summary";

const ok = <T>(result: T): Attempt<T> => ({ ok: true, result });
const no = (message: string): Attempt<never> => ({ ok: false, error: { code: "forbidden", message } });
const GIB = 2 ** 30;

// Results in the tools' own shapes (their output schemas), with only the figures a test is about set.
const usage = (busyPercent: number) => ({ name: "cpu", busyPercent, userPercent: 0, systemPercent: 0, iowaitPercent: 0, stealPercent: 0, idlePercent: 100 - busyPercent });
const cpu = (busyPercent: number): CpuResult => ({ sampleMs: 100, cpuCount: 1, total: usage(busyPercent), cpus: [], load: { one: 0, five: 0, fifteen: 0, runnable: 0, tasks: 0 } });
const memory = (totalBytes: number, availableBytes: number, usedPercent = Math.round(((totalBytes - availableBytes) / totalBytes) * 1000) / 10): MemoryResult => ({
  totalBytes,
  availableBytes,
  freeBytes: availableBytes,
  buffersBytes: 0,
  cachedBytes: 0,
  usedBytes: totalBytes - availableBytes,
  usedPercent,
  swapTotalBytes: 0,
  swapFreeBytes: 0,
  swapUsedBytes: 0,
  swapUsedPercent: 0,
});
const fs = (mountpoint: string, usedPercent: number, readOnly = false) => ({ mountpoint, device: "/dev/vda", fstype: "ext4", readOnly, sizeBytes: 100, usedBytes: usedPercent, availableBytes: 100 - usedPercent, usedPercent, inodes: { total: 1, used: 0, free: 1, usedPercent: 0 } });
const disk = (...filesystems: ReturnType<typeof fs>[]): DiskResult => ({ filesystems, skipped: [] });
const service = (name: string, state: ServicesResult["services"][number]["state"]) => ({ name, state, enabled: true, pid: null, since: null, restarts: 0, lastExit: null, reason: null, after: [], log: `/var/log/aios/${name}.log` });
const services = (...list: ReturnType<typeof service>[]): ServicesResult => ({ services: list });

describe("figures from tool results", () => {
  test("memory: monitor.memory's percentage, or computed from hw.info's two figures", () => {
    expect(memoryFigures(memory(4 * GIB, GIB, 75))).toEqual({ totalBytes: 4 * GIB, availableBytes: GIB, usedPercent: 75 });
    expect(memoryFigures({ totalBytes: 4 * GIB, availableBytes: 3 * GIB })!.usedPercent).toBe(25);
    expect(memoryFigures({ totalBytes: 0, availableBytes: 0 })).toBeUndefined();
    expect(memoryFigures(undefined)).toBeUndefined();
  });

  test("disk: the writable filesystems (a read-only image is full by construction)", () => {
    expect(diskFigures(disk(fs("/", 12.5), fs("/run/aios/runtime", 100, true)))).toEqual([{ mount: "/", usedPercent: 12.5 }]);
    expect(diskFigures(disk())).toEqual([]);
  });

  test("services: the failed and the crashed-and-waiting ones, by name", () => {
    expect(failedServices(services(service("a", "running"), service("b", "failed"), service("c", "backoff"), service("d", "stopped")))).toEqual(["b", "c"]);
  });
});

describe("reports", () => {
  test("health: one line, problems above the thresholds and for failed tools", () => {
    const r = healthReport({
      "hw.info": ok({ cpu: { count: 4, model: "QEMU Virtual CPU", vendor: null, mhz: null, flags: [], flagCount: 0 } }),
      "monitor.memory": ok(memory(2 * GIB, 0.1 * GIB, 95)),
      "monitor.disk": ok(disk(fs("/", 40), fs("/var/lib/aios", 91.5))),
    });
    expect(r.summary).toBe("4 cpus (QEMU Virtual CPU); 0.1 GiB of 2.0 GiB memory available; /var/lib/aios 91.5% used, / 40% used");
    expect(r.problems).toEqual(["memory 95% used", "/var/lib/aios 91.5% full"]);
    expect(r.ok).toBe(false);
  });

  test("health with failed tools still says what it could, and falls back to hw.info's memory", () => {
    const r = healthReport({
      "hw.info": ok({ cpu: { count: 1, model: "x", vendor: null, mhz: null, flags: [], flagCount: 0 }, memory: { totalBytes: 2 * GIB, availableBytes: GIB } }),
      "monitor.memory": no("agent system lacks capability monitor.memory"),
      "monitor.disk": no("monitor.disk: timed out after 10 ms"),
    });
    expect(r.summary).toBe("1 cpu (x); 1.0 GiB of 2.0 GiB memory available");
    expect(r.problems).toEqual(["monitor.memory: agent system lacks capability monitor.memory", "monitor.disk: monitor.disk: timed out after 10 ms"]);
  });

  test("check: cpu, memory, disk and services", () => {
    const r = checkReport({
      "monitor.cpu": ok(cpu(97)),
      "monitor.memory": ok(memory(2 * GIB, GIB)),
      "monitor.disk": ok(disk(fs("/", 10))),
      "service.list": ok(services(service("web", "running"), service("db", "failed"))),
    });
    expect(r.summary).toBe("cpu 97% busy; 1.0 GiB of 2.0 GiB memory available; / 10% used; 2 services, 1 failed");
    expect(r.problems).toEqual(["cpu 97% busy", "service db failed"]);
    const quiet = checkReport({ "monitor.cpu": ok(cpu(3)), "monitor.memory": no("x"), "monitor.disk": ok(disk()), "service.list": ok(services()) });
    expect(quiet).toEqual({ ok: false, summary: "cpu 3% busy; 0 services", problems: ["monitor.memory: x"] });
  });

  test("only the three fullest filesystems are in the line; every full one is a problem", () => {
    const disks = [10, 95, 50, 0, 92].map((used, i) => fs(`/m${i}`, used));
    const r = checkReport({ "monitor.cpu": no("c"), "monitor.memory": no("m"), "monitor.disk": ok(disk(...disks)), "service.list": ok(services()) });
    expect(r.summary).toBe("/m1 95% used, /m4 92% used, /m2 50% used (+2 more); 0 services");
    expect(r.problems).toEqual(["monitor.cpu: c", "monitor.memory: m", "/m1 95% full", "/m4 92% full"]);
  });
});
