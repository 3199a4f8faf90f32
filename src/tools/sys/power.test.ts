/**
 * sys.power: dev mode refuses; as PID 1 it only asks the host's power port
 * (PID 1's event channel) after the delay, once, so the call's result is
 * recorded before the shutdown starts. The real reboot: test/vm/system.test.ts.
 */
import { describe, expect, test } from "bun:test";
import type { ToolContext, ToolEnv } from "../define";
import { MIN_DELAY_MS, PowerError, sysPower } from "./power";

function context(mode: ToolEnv["mode"], power?: (action: string, origin: string) => void): ToolContext {
  return {
    callId: "c7",
    agent: "system",
    signal: new AbortController().signal,
    env: { mode, root: "/nonexistent", fsRoots: [], paths: { data: "/nonexistent", log: "/nonexistent", run: "/nonexistent", secrets: "/nonexistent" } },
    saveUndo: () => {},
    host: { power } as ToolContext["host"],
  };
}

describe("sys.power", () => {
  test("dev mode refuses with the stable code unavailable, and asks nothing", () => {
    const asked: string[] = [];
    const err = (() => {
      try {
        sysPower.execute({ action: "poweroff", delaySeconds: 0 }, context("dev", (a) => asked.push(a)));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(PowerError);
    expect((err as PowerError).code).toBe("unavailable");
    expect((err as Error).message).toContain("never powers off the host");
    expect(asked).toEqual([]);
  });

  test("as PID 1 it answers at once and asks for the reboot after the delay (never before the result is recorded), one at a time", async () => {
    const asked: Array<[string, string, number]> = [];
    const t0 = performance.now();
    const ctx = context("pid1", (action, origin) => asked.push([action, origin, performance.now() - t0]));
    const out = await sysPower.execute({ action: "reboot", delaySeconds: 0 }, ctx);
    expect(out).toMatchObject({ action: "reboot", delaySeconds: 0 });
    expect(Date.parse(out.at)).toBeGreaterThan(Date.now());
    expect(asked).toEqual([]);
    const again = (() => {
      try {
        sysPower.execute({ action: "poweroff", delaySeconds: 5 }, ctx);
      } catch (e) {
        return e as PowerError;
      }
    })();
    expect(again?.code).toBe("already_scheduled");
    for (let i = 0; i < 100 && !asked.length; i++) await Bun.sleep(20);
    expect(asked.map(([a, o]) => [a, o])).toEqual([["reboot", "sys.power (c7 by system)"]]);
    expect(asked[0]![2]).toBeGreaterThanOrEqual(MIN_DELAY_MS - 5);
    expect(sysPower.summarize!(out, { action: "reboot", delaySeconds: 0 })).toStartWith("Rebooting in 0 s");
  });

  test("without a PID 1 to ask, it says so", () => {
    expect(() => sysPower.execute({ action: "reboot", delaySeconds: 2 }, context("pid1"))).toThrow("no PID 1 to ask");
  });
});
