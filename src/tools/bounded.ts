/**
 * Running a tool's promise under a deadline and the caller's signal. The
 * tool's own AbortSignal fires with the reason (ToolTimeoutError or
 * ToolCancelledError) so a well-behaved tool stops; the caller is answered at
 * once either way, and `late` hears how a tool that ignored its signal ended.
 */
import { ToolCancelledError, ToolTimeoutError } from "./errors";

export function isPromiseLike<T>(x: T | PromiseLike<T>): x is PromiseLike<T> {
  return x !== null && typeof x === "object" && typeof (x as { then?: unknown }).then === "function";
}

export interface Bounds {
  tool: string;
  /** The tool's whole budget, and how much of it the synchronous part used already. */
  timeoutMs: number;
  elapsedMs: number;
  controller: AbortController;
  signal?: AbortSignal;
  /** Called when the tool settles after its caller was already answered. */
  late?(outcome: { ok: true; value: unknown } | { ok: false; error: unknown }): void;
}

export function bounded<T>(work: PromiseLike<T>, b: Bounds): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const stop = (err: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      b.signal?.removeEventListener("abort", onCallerAbort);
      b.controller.abort(err);
      reject(err);
    };
    const onCallerAbort = () => stop(new ToolCancelledError(b.tool));
    const timer = setTimeout(() => stop(new ToolTimeoutError(b.tool, b.timeoutMs)), Math.max(0, b.timeoutMs - b.elapsedMs));
    if (b.signal?.aborted) onCallerAbort();
    else b.signal?.addEventListener("abort", onCallerAbort, { once: true });
    work.then(
      (value) => {
        if (done) return b.late?.({ ok: true, value });
        done = true;
        clearTimeout(timer);
        b.signal?.removeEventListener("abort", onCallerAbort);
        resolve(value);
      },
      (error) => {
        // A tool that stopped because its signal fired did what it was asked: nothing late to report.
        if (done) return error === b.controller.signal.reason ? undefined : b.late?.({ ok: false, error });
        done = true;
        clearTimeout(timer);
        b.signal?.removeEventListener("abort", onCallerAbort);
        reject(error);
      },
    );
  });
}

/** Waits `ms`, or rejects with the signal's reason as soon as it fires (a sample's interval, a retry's pause). */
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
