import { afterAll, expect, test } from "bun:test";
import { setSink } from "./log";
import { eventLoopStats, stopWatchdog, watchEventLoop } from "./watchdog";

afterAll(() => stopWatchdog());

test("a blocked event loop is counted and logged; an idle one is not", async () => {
  const lines: string[] = [];
  const prev = setSink((line) => lines.push(line));
  try {
    watchEventLoop({ intervalMs: 10, thresholdMs: 100 });
    await Bun.sleep(60);
    const before = eventLoopStats().stalls;
    const end = performance.now() + 250;
    while (performance.now() < end) {} // a tool that never yields
    await Bun.sleep(40);
    const s = eventLoopStats();
    expect(s.stalls).toBe(before + 1);
    expect(s.worstMs).toBeGreaterThanOrEqual(200);
    expect(s.last?.ms).toBeGreaterThanOrEqual(200);
    expect(lines.some((l) => /watchdog: the event loop stalled for \d+ ms/.test(l))).toBe(true);
  } finally {
    setSink(prev);
  }
});
