import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { parsePressure } from "../../sys";
import { call, makeCtx, makeEnv } from "../fs/testing";
import { checkOutput } from "../schema";
import { monitorPressure } from "./pressure";

const t = makeEnv();
afterAll(() => t.cleanup());

const none = { supported: false, reason: "the kernel does not report it (no /proc/pressure: CONFIG_PSI is off)", some: null, full: null };
const zero = { avg10: 0, avg60: 0, avg300: 0, totalUs: 5 };

describe("monitor.pressure", () => {
  test.skipIf(!existsSync("/proc/pressure"))("this host's three files, as the kernel wrote them", async () => {
    const r = await call(monitorPressure, {}, makeCtx(t.env));
    expect(() => checkOutput(monitorPressure, r)).not.toThrow();
    expect(r.supported).toBe(true);
    for (const name of ["cpu", "memory", "io"] as const) {
      expect(r[name].supported).toBe(true);
      // Totals only grow: what the tool read is at most what the file says now.
      const now = parsePressure(readFileSync(`/proc/pressure/${name}`, "utf8"));
      expect(r[name].some!.totalUs).toBeLessThanOrEqual(now.some!.totalUs);
    }
    expect(monitorPressure.summarize!(r, {})).toMatch(/^(No pressure|Pressure \(share of time stalled)/);
  });

  test("summaries: stalls with full only when there is some, all quiet, unsupported", () => {
    const memory = { supported: true, reason: null, some: { avg10: 3.17, avg60: 3.88, avg300: 1.85, totalUs: 1 }, full: { avg10: 2.39, avg60: 2.76, avg300: 1.18, totalUs: 1 } };
    const cpu = { supported: true, reason: null, some: { avg10: 0.96, avg60: 5.59, avg300: 7.25, totalUs: 1 }, full: zero };
    const io = { supported: true, reason: null, some: zero, full: zero };
    expect(monitorPressure.summarize!({ supported: true, cpu, memory, io }, {})).toBe(
      "Pressure (share of time stalled, avg 10 s/60 s/300 s): cpu some 0.96/5.59/7.25%; memory some 3.17/3.88/1.85%, full 2.39/2.76/1.18%.",
    );
    expect(monitorPressure.summarize!({ supported: true, cpu: io, memory: io, io: none }, {})).toBe("No pressure: no task waited for cpu, memory in the last 5 minutes (io: not reported).");
    expect(monitorPressure.summarize!({ supported: false, cpu: none, memory: none, io: none }, {})).toBe(
      "Pressure stall information is not available: the kernel does not report it (no /proc/pressure: CONFIG_PSI is off).",
    );
  });
});
