import { describe, expect, test } from "bun:test";
import { OperationalMemory, Ring } from "./operational";

describe("Ring", () => {
  test("holds at most its capacity, newest first, counting what it dropped", () => {
    const r = new Ring<number>(3);
    for (let i = 1; i <= 5; i++) r.push(i);
    expect([...r.newest()]).toEqual([5, 4, 3]);
    expect(r.stats()).toEqual({ size: 3, capacity: 3, total: 5 });
    r.clear();
    expect([...r.newest()]).toEqual([]);
  });

  test("capacity must be a positive integer", () => {
    expect(() => new Ring(0)).toThrow("ring capacity 0: must be a positive integer");
  });
});

describe("OperationalMemory", () => {
  test("events: bounded, filtered by kind and time, newest first", () => {
    const m = new OperationalMemory(4);
    m.event("boot", "init", undefined, 1);
    m.event("service", "nginx", { state: "running" }, 2);
    m.event("service", "sshd", { state: "failed" }, 3);
    m.event("goal", "api", undefined, 4);
    m.event("service", "cron", undefined, 5);
    expect(m.stats().events).toEqual({ size: 4, capacity: 4, total: 5 });
    expect(m.recentEvents().map((e) => e.ts)).toEqual([5, 4, 3, 2]);
    expect(m.recentEvents({ kind: "service" }).map((e) => e.source)).toEqual(["cron", "sshd", "nginx"]);
    expect(m.recentEvents({ kind: "service", since: 3, limit: 5 }).map((e) => e.source)).toEqual(["cron", "sshd"]);
    expect(m.recentEvents({ limit: 1 })).toEqual([{ ts: 5, kind: "service", source: "cron" }]);
    expect(m.recentEvents({ limit: 0 })).toEqual([]);
  });

  test("metrics: bounded typed-array ring, by name and time, with summaries", () => {
    const m = new OperationalMemory(5);
    for (let i = 0; i < 8; i++) m.metric(i % 2 ? "cpu" : "mem", i, 100 + i);
    expect(m.stats().metrics).toEqual({ size: 5, capacity: 5, total: 8 });
    expect(m.recentMetrics().map((s) => s.value)).toEqual([7, 6, 5, 4, 3]);
    expect(m.recentMetrics({ kind: "cpu" })).toEqual([
      { ts: 107, name: "cpu", value: 7 },
      { ts: 105, name: "cpu", value: 5 },
      { ts: 103, name: "cpu", value: 3 },
    ]);
    expect(m.recentMetrics({ kind: "cpu", since: 104, limit: 1 })).toEqual([{ ts: 107, name: "cpu", value: 7 }]);
    expect(m.recentMetrics({ kind: "disk" })).toEqual([]);
    expect(m.summary("mem")).toEqual({ name: "mem", count: 2, min: 4, max: 6, mean: 5, last: 6, lastTs: 106 });
    expect(m.summary("mem", 107)).toBeNull();
  });

  test("a full ring stays full under many pushes", () => {
    const m = new OperationalMemory(1000);
    for (let i = 0; i < 100_000; i++) m.metric("load", i, i);
    expect(m.stats().metrics.size).toBe(1000);
    expect(m.recentMetrics({ limit: 1 })[0]!.value).toBe(99_999);
    expect(m.summary("load")!.min).toBe(99_000);
  });
});
