/** Mailbox entries and the small promise helpers the cell is built on. */

/** setTimeout takes at most 2^31-1 ms and reads anything beyond (Infinity too) as 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A message in a mailbox; an ask carries its promise's resolvers and time limit. */
export interface Envelope {
  msg: unknown;
  resolve?: (value: unknown) => void;
  reject?: (error: unknown) => void;
  timer?: ReturnType<typeof setTimeout>;
  settled: boolean;
}

/** Answers an ask once; later answers (a reply after a timeout) are dropped. */
export function settle(env: Envelope, ok: boolean, value: unknown): void {
  if (env.settled || !env.resolve) return;
  env.settled = true;
  if (env.timer) clearTimeout(env.timer);
  ok ? env.resolve(value) : env.reject!(value);
}

export function isThenable(x: unknown): x is PromiseLike<unknown> {
  return x !== null && typeof x === "object" && typeof (x as { then?: unknown }).then === "function";
}

/** Waits for `p`, but no longer than `ms`: the shutdown time after which a handler is abandoned. */
export function within(p: Promise<unknown>, ms: number): Promise<void> {
  if (!(ms <= MAX_TIMER_MS)) return p.then(() => undefined);
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    p.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
