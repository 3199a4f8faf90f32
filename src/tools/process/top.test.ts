import { afterAll, describe, expect, test } from "bun:test";
import { rssBytes, spawn } from "../../sys";
import { call, makeCtx, makeEnv } from "../fs/testing";
import { checkOutput } from "../schema";
import { type ProcInfo, parseStat } from "./procfs";
import { cpuShares, processTop } from "./top";

const t = makeEnv();
afterAll(() => t.cleanup());

/** A /proc/<pid>/stat line as kernel 6.1 writes it, with utime, stime and starttime set. */
function stat(pid: number, comm: string, utime: number, stime: number, start: number): ProcInfo {
  return parseStat(`${pid} (${comm}) S 1 ${pid} ${pid} 0 -1 4194560 100 0 0 0 ${utime} ${stime} 0 0 20 0 1 0 ${start} 10000000 500 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0`)!;
}

describe("cpuShares", () => {
  test("ticks spent in the interval, in percent of one CPU", () => {
    const before = new Map([[10, stat(10, "busy", 100, 50, 7)], [11, stat(11, "idle", 5, 5, 8)], [12, stat(12, "reused", 900, 0, 9)]]);
    const after = new Map([
      [10, stat(10, "busy", 140, 60, 7)], // +50 ticks = 500 ms of 500
      [11, stat(11, "idle", 5, 5, 8)],
      [12, stat(12, "reused", 3, 2, 400)], // pid reused: a new process, all its 50 ms count
      [13, stat(13, "new", 20, 0, 450)], // started during the sample
    ]);
    expect(Object.fromEntries(cpuShares(before, after, 500))).toEqual({ 10: 100, 11: 0, 12: 10, 13: 40 });
    expect(cpuShares(before, after, 0).get(10)).toBe(0);
  });
});

describe("process.top", () => {
  test("by memory: largest resident set first, this process with its own RSS, no CPU figure", async () => {
    const r = await call(processTop, { limit: 100 }, makeCtx(t.env));
    expect(() => checkOutput(processTop, r)).not.toThrow();
    expect(r.by).toBe("memory");
    expect(r.sampleMs).toBeNull();
    expect(r.scanned).toBeGreaterThan(0);
    expect(r.processes.length).toBeLessThanOrEqual(100);
    const rss = r.processes.map((p) => p.rssBytes);
    expect(rss).toEqual([...rss].sort((a, b) => b - a));
    expect(rss.every((b) => b > 0)).toBe(true); // kernel threads hold none and are left out
    const self = r.processes.find((p) => p.pid === process.pid)!;
    expect(self).toMatchObject({ comm: "bun", uid: process.geteuid!(), cpuPercent: null });
    expect(Math.abs(self.rssBytes - rssBytes()) / rssBytes()).toBeLessThan(0.25);
    expect(self.memoryPercent).toBeGreaterThan(0);
    expect(processTop.summarize!(r, { by: "memory", limit: 100, sampleMs: 500 })).toMatch(/^Top memory \(of \d+\.\d [KMGT]iB\): \S+ \d+\.\d [KMG]iB \(pid \d+\)/);
  });

  test("by cpu: a busy child is measured over the sample", async () => {
    const busy = spawn(["sh", "-c", "while :; do :; done"]);
    try {
      const r = await call(processTop, { by: "cpu", limit: 100, sampleMs: 400 }, makeCtx(t.env));
      expect(r.sampleMs).toBeGreaterThanOrEqual(400);
      const row = r.processes.find((p) => p.pid === busy.pid);
      expect(row?.comm).toBe("sh");
      // Some share of a CPU, however busy the machine is (a shared 2-CPU host can run a load of 13).
      expect(row!.cpuPercent!).toBeGreaterThan(1);
      expect(row!.cpuPercent!).toBeLessThanOrEqual(100 * r.cpuCount);
      const cpu = r.processes.map((p) => p.cpuPercent!);
      expect(cpu).toEqual([...cpu].sort((a, b) => b - a));
      expect(cpu.every((c) => c > 0)).toBe(true);
      expect(processTop.summarize!(r, { by: "cpu", limit: 100, sampleMs: 400 })).toMatch(/^Top CPU over 0\.\d s \(percent of one CPU, \d+ CPUs\): /);
    } finally {
      busy.kill("SIGKILL");
    }
  });

  test("a cancelled sample stops at once", async () => {
    const ctx = makeCtx(t.env);
    const p = call(processTop, { by: "cpu", sampleMs: 5000 }, ctx);
    setTimeout(() => ctx.controller.abort(new Error("cancelled")), 20);
    const start = performance.now();
    await expect(p).rejects.toThrow("cancelled");
    expect(performance.now() - start).toBeLessThan(2000);
  });

  test("summaries name at most five and say when there are more", () => {
    const rows = Array.from({ length: 7 }, (_, i) => ({ pid: i + 1, comm: `p${i}`, cmdline: [], state: "S", uid: 0, user: "root", rssBytes: (7 - i) * 1024 * 1024, memoryPercent: 1, cpuPercent: null }));
    const s = processTop.summarize!({ by: "memory", sampleMs: null, cpuCount: 2, memoryTotalBytes: 2 * 1024 ** 3, scanned: 7, processes: rows }, { by: "memory", limit: 7, sampleMs: 500 });
    expect(s).toBe("Top memory (of 2.0 GiB): p0 7.0 MiB (pid 1), p1 6.0 MiB (pid 2), p2 5.0 MiB (pid 3), p3 4.0 MiB (pid 4), p4 3.0 MiB (pid 5), …");
    expect(processTop.summarize!({ by: "cpu", sampleMs: 500, cpuCount: 2, memoryTotalBytes: 1, scanned: 9, processes: [] }, { by: "cpu", limit: 1, sampleMs: 500 })).toBe("No process used measurable CPU over 0.5 s.");
  });
});
