/**
 * The event-loop watchdog: PID 1 must never stall, and this is how we know
 * it did not. A timer that measures its own lateness (the cheapest probe
 * there is: one wake-up every 50 ms, no thread) logs and counts every stall
 * longer than the threshold, so a tool or a parser that blocks the loop shows
 * up in the log and in GET /api/v1/system instead of as a silent freeze.
 */
import { logToFileOnly } from "./log";

export interface EventLoopStats {
  /** Stalls longer than thresholdMs since the watchdog started. */
  stalls: number;
  /** The longest stall seen, in ms. */
  worstMs: number;
  /** The most recent stall: how long, and when (epoch ms). */
  last: { ms: number; at: number } | null;
  thresholdMs: number;
}

const stats: EventLoopStats = { stalls: 0, worstMs: 0, last: null, thresholdMs: 100 };
let timer: ReturnType<typeof setInterval> | undefined;
/** Every probe's lateness, stall or not: the latest one and the largest since the last `eventLoopLag()` (the metrics scrape). */
const lag = { lastMs: 0, maxMs: 0 };

/** Starts the watchdog (once; later calls change nothing). */
export function watchEventLoop(opts: { intervalMs?: number; thresholdMs?: number } = {}): void {
  if (timer) return;
  const interval = opts.intervalMs ?? 50;
  stats.thresholdMs = opts.thresholdMs ?? 100;
  let expected = performance.now() + interval;
  timer = setInterval(() => {
    const now = performance.now();
    const late = now - expected;
    expected = now + interval;
    lag.lastMs = Math.max(0, late);
    if (late > lag.maxMs) lag.maxMs = late;
    if (late > stats.thresholdMs) {
      const ms = Math.round(late);
      stats.stalls++;
      stats.worstMs = Math.max(stats.worstMs, ms);
      stats.last = { ms, at: Date.now() };
      // To the log file (aios.log) only: a line on the console lands in the middle of whatever the
      // REPL is printing, and under TCG stalls come by the hundred. The counters are in GET /api/v1/system.
      logToFileOnly("warn", `watchdog: the event loop stalled for ${ms} ms (stall ${stats.stalls})`);
    }
  }, interval);
  timer.unref?.();
}

export function stopWatchdog(): void {
  if (timer) clearInterval(timer);
  timer = undefined;
}

/** A copy of the counters. */
export function eventLoopStats(): EventLoopStats {
  return { ...stats, last: stats.last && { ...stats.last } };
}

/** The event loop's lateness as the watchdog's probe saw it: the latest, and the largest since the previous call (which resets it). */
export function eventLoopLag(): { lastMs: number; maxMs: number; running: boolean } {
  const out = { lastMs: lag.lastMs, maxMs: Math.max(lag.maxMs, lag.lastMs), running: timer !== undefined };
  lag.maxMs = 0;
  return out;
}
