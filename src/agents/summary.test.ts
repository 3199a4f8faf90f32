import { describe, expect, test } from "bun:test";
import type { Attempt } from "./define";
import { checkReport, diskFigures, failedServices, healthReport, memoryFigures } from "./summary";

const ok = <T>(result: T): Attempt => ({ ok: true, result });
const no = (message: string): Attempt => ({ ok: false, error: { code: "forbidden", message } });
const GIB = 2 ** 30;

describe("figures from tool results", () => {
  test("memory: from monitor.memory, or hw.info's memory section; percent computed when absent", () => {
    expect(memoryFigures({ totalBytes: 4 * GIB, availableBytes: GIB, usedPercent: 75 })).toEqual({ totalBytes: 4 * GIB, availableBytes: GIB, usedPercent: 75 });
    expect(memoryFigures({ memory: { totalBytes: 4 * GIB, availableBytes: 3 * GIB } })!.usedPercent).toBe(25);
    expect(memoryFigures({ totalBytes: 0, availableBytes: 0 })).toBeUndefined();
    expect(memoryFigures("nonsense")).toBeUndefined();
  });

  test("disk: a bare list or one under a key; percent from sizes when absent", () => {
    expect(diskFigures([{ mountpoint: "/", usedPercent: 12.5 }])).toEqual([{ mount: "/", usedPercent: 12.5 }]);
    expect(diskFigures({ filesystems: [{ mountpoint: "/var", sizeBytes: 100, availableBytes: 25 }] })).toEqual([{ mount: "/var", usedPercent: 75 }]);
    expect(diskFigures({ filesystems: [{ sizeBytes: 100 }] })).toEqual([]);
    expect(diskFigures(null)).toEqual([]);
  });

  test("services: the failed ones by name", () => {
    expect(failedServices([{ name: "a", status: "running" }, { name: "b", status: "failed" }, { name: "c", state: "backoff" }])).toEqual(["b", "c"]);
  });
});

describe("reports", () => {
  test("health: one line, problems above the thresholds and for failed tools", () => {
    const r = healthReport({
      "hw.info": ok({ cpu: { count: 4, model: "QEMU Virtual CPU" } }),
      "monitor.memory": ok({ totalBytes: 2 * GIB, availableBytes: 0.1 * GIB, usedPercent: 95 }),
      "monitor.disk": ok([{ mountpoint: "/", usedPercent: 40 }, { mountpoint: "/var/lib/aios", usedPercent: 91.5 }]),
    });
    expect(r.summary).toBe("4 cpus (QEMU Virtual CPU); 0.1 GiB of 2.0 GiB memory available; /var/lib/aios 91.5% used, / 40% used");
    expect(r.problems).toEqual(["memory 95% used", "/var/lib/aios 91.5% full"]);
    expect(r.ok).toBe(false);
  });

  test("health with failed tools still says what it could, and falls back to hw.info's memory", () => {
    const r = healthReport({
      "hw.info": ok({ cpu: { count: 1, model: "x" }, memory: { totalBytes: 2 * GIB, availableBytes: GIB } }),
      "monitor.memory": no("agent system lacks capability monitor.memory"),
      "monitor.disk": no("monitor.disk: timed out after 10 ms"),
    });
    expect(r.summary).toBe("1 cpu (x); 1.0 GiB of 2.0 GiB memory available");
    expect(r.problems).toEqual(["monitor.memory: agent system lacks capability monitor.memory", "monitor.disk: monitor.disk: timed out after 10 ms"]);
  });

  test("check: cpu, memory, disk and services", () => {
    const r = checkReport({
      "monitor.cpu": ok({ busyPercent: 97 }),
      "monitor.memory": ok({ totalBytes: 2 * GIB, availableBytes: GIB }),
      "monitor.disk": ok([{ mountpoint: "/", usedPercent: 10 }]),
      "service.list": ok([{ name: "web", status: "running" }, { name: "db", status: "failed" }]),
    });
    expect(r.summary).toBe("cpu 97% busy; 1.0 GiB of 2.0 GiB memory available; / 10% used; 2 services, 1 failed");
    expect(r.problems).toEqual(["cpu 97% busy", "service db failed"]);
    const quiet = checkReport({ "monitor.cpu": ok({ busyPercent: 3 }), "monitor.memory": ok({}), "monitor.disk": ok([]), "service.list": ok({ services: [] }) });
    expect(quiet).toEqual({ ok: true, summary: "cpu 3% busy; 0 services", problems: [] });
  });

  test("only the three fullest filesystems are in the line; every full one is a problem", () => {
    const disks = [10, 95, 50, 0, 92].map((usedPercent, i) => ({ mountpoint: `/m${i}`, usedPercent }));
    const r = checkReport({ "monitor.cpu": ok({}), "monitor.memory": ok({}), "monitor.disk": ok({ filesystems: disks }), "service.list": ok([]) });
    expect(r.summary).toBe("/m1 95% used, /m4 92% used, /m2 50% used (+2 more); 0 services");
    expect(r.problems).toEqual(["/m1 95% full", "/m4 92% full"]);
  });
});
