import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { cpuTimes, cpuUsage, loadavg, memoryStats, mountFor, mounts, parseBootTime, parseCpuTimes, parseLoadavg, parseMemoryStats, parseMounts, parsePressure, pressure, PRESSURE_RESOURCES } from "./stats";

// Recorded on a 2-CPU x86_64 guest (kernel 6.1), trimmed after `ctxt`.
const STAT = `cpu  29562 0 8561 596151 615 0 137 174 0 0
cpu0 13221 0 3341 300698 49 0 63 88 0 0
cpu1 16340 0 5220 295453 565 0 74 85 0 0
intr 894045 0 0 0 0 0
ctxt 2162949
btime 1700000000
processes 7405
procs_running 1
`;

describe("parseCpuTimes", () => {
  test("total and per-CPU lines, other lines ignored", () => {
    const { total, cpus } = parseCpuTimes(STAT);
    expect(total).toEqual({ name: "cpu", user: 29562, nice: 0, system: 8561, idle: 596151, iowait: 615, irq: 0, softirq: 137, steal: 174 });
    expect(cpus.map((c) => c.name)).toEqual(["cpu0", "cpu1"]);
    expect(cpus[1]!.idle).toBe(295453);
  });
  test("an old kernel with four columns reads the rest as 0", () => {
    const { total, cpus } = parseCpuTimes("cpu  10 1 5 100\ncpu0 10 1 5 100\n");
    expect(total).toEqual({ name: "cpu", user: 10, nice: 1, system: 5, idle: 100, iowait: 0, irq: 0, softirq: 0, steal: 0 });
    expect(cpus).toHaveLength(1);
  });
  test("no cpu lines", () => {
    expect(parseCpuTimes("intr 1 2 3\n")).toEqual({ total: null, cpus: [] });
  });
});

describe("cpuUsage", () => {
  const t = (user: number, system: number, idle: number, iowait = 0, steal = 0) => ({ name: "cpu0", user, nice: 0, system, idle, iowait, irq: 0, softirq: 0, steal });
  test("shares of the interval", () => {
    const u = cpuUsage(t(100, 50, 1000), t(130, 60, 1060)); // +30 user, +10 system, +60 idle = 100
    expect(u).toEqual({ name: "cpu0", busyPercent: 40, userPercent: 30, systemPercent: 10, iowaitPercent: 0, stealPercent: 0, idlePercent: 60 });
  });
  test("iowait counts as idle, steal as busy", () => {
    const u = cpuUsage(t(0, 0, 0, 0, 0), t(10, 0, 60, 20, 10));
    expect(u.busyPercent).toBe(20);
    expect(u.iowaitPercent).toBe(20);
    expect(u.idlePercent).toBe(80);
    expect(u.stealPercent).toBe(10);
  });
  test("no ticks between samples reads as idle, and counters going back are clamped", () => {
    expect(cpuUsage(t(5, 5, 5), t(5, 5, 5)).idlePercent).toBe(100);
    const u = cpuUsage(t(100, 100, 100), t(50, 100, 110)); // CPU went offline and back
    expect(u.busyPercent).toBe(0);
    expect(u.idlePercent).toBe(100);
  });
  test("thirds round to one decimal", () => {
    const u = cpuUsage(t(0, 0, 0), t(1, 1, 1));
    expect(u.userPercent).toBe(33.3);
    expect(u.busyPercent).toBe(66.7);
  });
});

describe("parseLoadavg", () => {
  test("averages and runnable/total", () => {
    expect(parseLoadavg("0.10 0.23 0.17 1/97 7405\n")).toEqual({ one: 0.1, five: 0.23, fifteen: 0.17, runnable: 1, tasks: 97 });
  });
  test("garbage reads as zeros", () => {
    expect(parseLoadavg("")).toEqual({ one: 0, five: 0, fifteen: 0, runnable: 0, tasks: 0 });
  });
});

const MEMINFO = `MemTotal:        2000000 kB
MemFree:          500000 kB
MemAvailable:    1500000 kB
Buffers:           20000 kB
Cached:           300000 kB
SwapCached:            0 kB
SwapTotal:       1000000 kB
SwapFree:         750000 kB
`;

describe("parseMemoryStats", () => {
  test("bytes and percentages", () => {
    expect(parseMemoryStats(MEMINFO)).toEqual({
      totalBytes: 2000000 * 1024, freeBytes: 500000 * 1024, availableBytes: 1500000 * 1024,
      buffersBytes: 20000 * 1024, cachedBytes: 300000 * 1024,
      swapTotalBytes: 1000000 * 1024, swapFreeBytes: 750000 * 1024,
      usedBytes: 500000 * 1024, usedPercent: 25,
      swapUsedBytes: 250000 * 1024, swapUsedPercent: 25,
    });
  });
  test("Cached is not confused with SwapCached, and no swap gives 0%", () => {
    const m = parseMemoryStats("MemTotal: 100 kB\nMemFree: 10 kB\nMemAvailable: 50 kB\nSwapCached: 7 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n");
    expect(m.cachedBytes).toBe(0);
    expect(m.swapUsedPercent).toBe(0);
  });
  test("kernels without MemAvailable: free + buffers + cached", () => {
    const m = parseMemoryStats("MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 250 kB\n");
    expect(m.availableBytes).toBe(400 * 1024);
    expect(m.usedPercent).toBe(60);
  });
  test("empty text", () => {
    expect(parseMemoryStats("").usedPercent).toBe(0);
  });
});

const MOUNTS = `rootfs / rootfs rw 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
/dev/vda /var/lib/aios ext4 rw,relatime 0 0
/dev/vdb /mnt/my\\040disk ext4 ro,relatime 0 0
tmpfs /var/lib/aios/cache tmpfs rw 0 0
tmpfs /var/lib/aios tmpfs rw 0 0
short line
`;

describe("parseMounts and mountFor", () => {
  const list = parseMounts(MOUNTS);
  test("fields, options and octal escapes", () => {
    expect(list).toHaveLength(6);
    expect(list[3]).toEqual({ device: "/dev/vdb", mountpoint: "/mnt/my disk", fstype: "ext4", options: ["ro", "relatime"] });
  });
  test("the longest covering mountpoint; the later of two on the same point", () => {
    expect(mountFor(list, "/var/lib/aios/cache/x")?.fstype).toBe("tmpfs");
    expect(mountFor(list, "/var/lib/aios/cache")?.mountpoint).toBe("/var/lib/aios/cache");
    expect(mountFor(list, "/var/lib/aios/ledger")?.device).toBe("tmpfs"); // mounted over the ext4
    expect(mountFor(list, "/var/lib/aiosx")?.mountpoint).toBe("/");
    expect(mountFor(list, "/mnt/my disk/a")?.device).toBe("/dev/vdb");
    expect(mountFor([], "/x")).toBeUndefined();
  });
});

describe("on the real /proc", () => {
  test("CPU times, load, memory and mounts are plausible", () => {
    const { total, cpus } = cpuTimes();
    expect(total).not.toBeNull();
    expect(cpus.length).toBeGreaterThan(0);
    expect(total!.user + total!.idle).toBeGreaterThan(0);
    expect(loadavg().tasks).toBeGreaterThan(0);
    const m = memoryStats();
    expect(m.totalBytes).toBeGreaterThan(0);
    expect(m.availableBytes).toBeLessThanOrEqual(m.totalBytes);
    expect(mounts().some((x) => x.mountpoint === "/")).toBe(true);
  });
});

describe("parseBootTime", () => {
  test("the btime line; absent reads as null", () => {
    expect(parseBootTime(STAT)).toBe(1_700_000_000);
    expect(parseBootTime("cpu 1 2 3 4\n")).toBeNull();
  });
  test("this host booted in the past, after 2000", () => {
    const btime = parseBootTime(readFileSync("/proc/stat", "utf8"));
    expect(btime).toBeGreaterThan(946_684_800);
    expect(btime!).toBeLessThanOrEqual(Date.now() / 1000);
  });
});

describe("pressure", () => {
  // Recorded on kernel 6.1 under a busy build (memory) and idle disks (io).
  const MEMORY = "some avg10=3.17 avg60=3.88 avg300=1.85 total=11610756\nfull avg10=2.39 avg60=2.76 avg300=1.18 total=8259631\n";
  test("some and full lines", () => {
    expect(parsePressure(MEMORY)).toEqual({
      some: { avg10: 3.17, avg60: 3.88, avg300: 1.85, totalUs: 11_610_756 },
      full: { avg10: 2.39, avg60: 2.76, avg300: 1.18, totalUs: 8_259_631 },
    });
  });
  test("a kernel before 5.13 has no full line for cpu", () => {
    expect(parsePressure("some avg10=0.00 avg60=0.10 avg300=0.05 total=42\n")).toEqual({ some: { avg10: 0, avg60: 0.1, avg300: 0.05, totalUs: 42 }, full: null });
  });
  test("a missing directory is reported by its code", () => {
    expect(pressure("cpu", "/nonexistent/pressure")).toEqual({ ok: false, code: "ENOENT" });
  });
  test.skipIf(!existsSync("/proc/pressure"))("this host's files parse, each with a some line", () => {
    for (const r of PRESSURE_RESOURCES) {
      const p = pressure(r);
      if (!p.ok) throw new Error(`/proc/pressure/${r}: ${p.code}`);
      expect(p.pressure.some!.avg300).toBeGreaterThanOrEqual(0);
      expect(p.pressure.some!.avg10).toBeLessThanOrEqual(100);
    }
  });
});
