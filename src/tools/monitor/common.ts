/** What the monitor tools share. */
import * as v from "valibot";
import { ToolError } from "../errors";

/** Why a monitor tool failed: `monitor.logs nginx: no such log (have: aios, service:web)`. */
export class MonitorError extends ToolError {
  constructor(code: string, tool: string, target: string, reason: string, options?: { cause?: unknown }) {
    super(code, `${tool} ${target}: ${reason}`, options);
  }
}

/** Waits `ms`, or rejects with the signal's reason as soon as it fires. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** An integer within bounds, with messages that say so. */
export function intArg(min: number, max: number, unit = "") {
  const u = unit ? ` ${unit}` : "";
  return v.pipe(
    v.number("must be a number"),
    v.integer("must be an integer"),
    v.minValue(min, `must be at least ${min}${u}`),
    v.maxValue(max, `must be at most ${max}${u}`),
  );
}
