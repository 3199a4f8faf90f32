import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { logToFile, setSink } from "./log";
import { eventLoopStats, stopWatchdog, watchEventLoop } from "./watchdog";

afterAll(() => stopWatchdog());

test("a blocked event loop is counted and logged; an idle one is not", async () => {
  const lines: string[] = [];
  const prev = setSink((line) => lines.push(line));
  const dir = mkdtempSync(join(tmpdir(), "aios-wd-"));
  logToFile(join(dir, "aios.log"));
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
    // Stalls go to the log file, never the console (the REPL's screen).
    expect(readFileSync(join(dir, "aios.log"), "utf8")).toMatch(/warn watchdog: the event loop stalled for \d+ ms/);
    expect(lines.some((l) => l.includes("watchdog"))).toBe(false);
  } finally {
    setSink(prev);
    logToFile(undefined);
    rmSync(dir, { recursive: true, force: true });
  }
});
