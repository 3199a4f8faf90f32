/** What the net tools share: argument schemas, their error class, cancellation helpers. */
import { isIP } from "node:net";
import * as v from "valibot";
import { ToolError } from "../errors";

/**
 * Why a net tool failed: `net.ping 10.0.0.9: no ping binary on this system`.
 * An unanswered ping, a closed port or an HTTP 500 are results, not errors.
 */
export class NetError extends ToolError {
  constructor(code: string, tool: string, target: string, reason: string, options?: { cause?: unknown }) {
    super(code, `${tool} ${target}: ${reason}`, options);
  }
}

// RFC 1123 labels, plus `_` for service names such as _dmarc or _sip._tcp.
const LABEL = "[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?";
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*\\.?$`);

/** A DNS name or an IP literal. A leading `-` can never pass, so it cannot be read as a ping option. */
export function isHost(s: string): boolean {
  return isIP(s) !== 0 || (s.length <= 254 && HOSTNAME.test(s));
}

export const hostArg = v.pipe(
  v.string("must be a string"),
  v.minLength(1, "must not be empty"),
  v.maxLength(254, "must be at most 254 characters"),
  v.check(isHost, "must be a host name or an IP address, without scheme, port, path or brackets"),
);

export { intArg } from "../args";

/** Milliseconds since `start`, to 0.01 ms. */
export function elapsedMs(start: number): number {
  return Math.round((performance.now() - start) * 100) / 100;
}

/** Throws the caller's reason if the signal already fired. */
export function checkAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason;
}

/**
 * Settles with `work`, or rejects as soon as `signal` fires or `ms` pass
 * (with `onTimeout()`), for operations that cannot be cancelled themselves.
 */
export function race<T>(work: Promise<T>, signal: AbortSignal, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => finish(() => reject(onTimeout())), ms);
    const onAbort = () => finish(() => reject(signal.reason));
    const finish = (f: () => void) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      f();
    };
    // Settling twice is harmless; `work` must always have a handler, even when it loses.
    work.then((x) => finish(() => resolve(x)), (e) => finish(() => reject(e)));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
