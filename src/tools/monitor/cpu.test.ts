import { afterAll, describe, expect, test } from "bun:test";
import { checkOutput, parseArgs } from "../schema";
import { call, makeCtx, makeEnv } from "../fs/testing";
import { monitorCpu } from "./cpu";
import { monitorMemory } from "./memory";

const t = makeEnv();
afterAll(() => t.cleanup());

describe("monitor.cpu on this host", () => {
  test("percentages within 0..100 for the total and every CPU, plus load", async () => {
    const r = await call(monitorCpu, { sampleMs: 100 }, makeCtx(t.env));
    expect(r.sampleMs).toBeGreaterThanOrEqual(95);
    expect(r.cpuCount).toBeGreaterThanOrEqual(1);
    expect(r.cpus.length).toBe(r.cpuCount);
    for (const u of [r.total, ...r.cpus]) {
      for (const k of ["busyPercent", "userPercent", "systemPercent", "iowaitPercent", "stealPercent", "idlePercent"] as const) {
        expect(u[k]).toBeGreaterThanOrEqual(0);
        expect(u[k]).toBeLessThanOrEqual(100);
      }
      expect(Math.abs(u.busyPercent + u.idlePercent - 100)).toBeLessThanOrEqual(0.2);
    }
    expect(r.load.tasks).toBeGreaterThan(0);
    expect(() => checkOutput(monitorCpu, r)).not.toThrow();
  });

  test("a busy loop shows up as busy time", async () => {
    const ctx = makeCtx(t.env);
    const p = call(monitorCpu, { sampleMs: 300 }, ctx);
    // Spin on this thread for most of the sample, yielding so the tool's timer can fire.
    const until = performance.now() + 250;
    while (performance.now() < until) await new Promise((r) => setImmediate(r));
    const r = await p;
    expect(r.total.busyPercent).toBeGreaterThan(100 / r.cpuCount / 4);
  });

  test("cancelling the sample rejects at once", async () => {
    const ctx = makeCtx(t.env);
    const start = performance.now();
    setTimeout(() => ctx.controller.abort(new Error("enough")), 50);
    await expect(call(monitorCpu, { sampleMs: 5000 }, ctx)).rejects.toThrow("enough");
    expect(performance.now() - start).toBeLessThan(1000);
  });

  test("sampleMs is bounded", () => {
    expect(parseArgs(monitorCpu, {})).toEqual({ sampleMs: 200 });
    expect(() => parseArgs(monitorCpu, { sampleMs: 5 })).toThrow("args.sampleMs: must be at least 10 ms");
    expect(() => parseArgs(monitorCpu, { sampleMs: 60_000 })).toThrow("args.sampleMs: must be at most 5000 ms");
  });
});

describe("monitor.memory on this host", () => {
  test("consistent figures", async () => {
    const r = await call(monitorMemory, {}, makeCtx(t.env));
    expect(r.totalBytes).toBeGreaterThan(0);
    expect(r.availableBytes).toBeLessThanOrEqual(r.totalBytes);
    expect(r.usedBytes).toBe(r.totalBytes - r.availableBytes);
    expect(r.usedPercent).toBeGreaterThan(0);
    expect(r.usedPercent).toBeLessThanOrEqual(100);
    expect(r.swapUsedBytes).toBeLessThanOrEqual(r.swapTotalBytes);
    expect(() => checkOutput(monitorMemory, r)).not.toThrow();
    expect(() => parseArgs(monitorMemory, { verbose: true })).toThrow("args.verbose: unknown field");
  });
});
