/** What the monitor tools share. */
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

export { intArg } from "../args";
