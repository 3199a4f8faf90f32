/**
 * The event-loop watchdog: PID 1 must never stall, and this is how we know
 * it did not. A timer that measures its own lateness (the cheapest probe
 * there is: one wake-up every 50 ms, no thread) logs and counts every stall
 * longer than the threshold, so a tool or a parser that blocks the loop shows
 * up in the log and in GET /api/v1/system instead of as a silent freeze.
 */
import { log, logToFileOnly } from "./log";

/** Stalls this long are also shown on the console; shorter ones (TCG makes many) only in the log file. */
const CONSOLE_MS = 1000;

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
    if (late > stats.thresholdMs) {
      const ms = Math.round(late);
      stats.stalls++;
      stats.worstMs = Math.max(stats.worstMs, ms);
      stats.last = { ms, at: Date.now() };
      // Every stall goes to the log file; the console (the REPL's screen) hears only of long ones.
      const line = `watchdog: the event loop stalled for ${ms} ms (stall ${stats.stalls})`;
      if (ms >= CONSOLE_MS) log.warn(line);
      else logToFileOnly("warn", line);
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
