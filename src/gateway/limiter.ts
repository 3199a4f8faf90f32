/**
 * Per-provider rate limits as token buckets, one for requests and one for
 * tokens per minute, refilled continuously (the way Anthropic and OpenAI
 * meter them). A call waits when the wait is short and gives way to the next
 * provider when it is not. A 429's retry-after blocks the provider for
 * everyone, so concurrent calls stop hammering it too.
 */
import { ProviderError } from "./errors";

/** Time as the gateway sees it; tests pass a clock whose sleep moves time instantly. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, Math.max(0, ms));
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

export class TokenBucket {
  /** 0 means no limit. */
  readonly perMinute: number;
  private level: number;
  private at: number;

  constructor(perMinute: number, private readonly clock: Clock) {
    this.perMinute = perMinute;
    this.level = perMinute;
    this.at = clock.now();
  }

  get unlimited(): boolean {
    return this.perMinute <= 0;
  }

  /** Tokens in the bucket now; negative after a call used more than it reserved. */
  available(): number {
    if (this.unlimited) return Number.POSITIVE_INFINITY;
    const now = this.clock.now();
    this.level = Math.min(this.perMinute, this.level + ((now - this.at) * this.perMinute) / 60_000);
    this.at = now;
    return this.level;
  }

  /** Milliseconds until `n` tokens are there. A request bigger than the bucket waits for a full one. */
  waitMs(n: number): number {
    if (this.unlimited) return 0;
    const need = Math.min(n, this.perMinute);
    const missing = need - this.available();
    return missing <= 0 ? 0 : Math.ceil((missing * 60_000) / this.perMinute);
  }

  take(n: number): void {
    if (this.unlimited) return;
    this.available();
    this.level -= n;
  }
}

export class RateLimiter {
  readonly requests: TokenBucket;
  readonly tokens: TokenBucket;
  private blockedUntil = 0;

  constructor(
    private readonly provider: string,
    limits: { rpm: number; tpm: number },
    private readonly clock: Clock,
  ) {
    this.requests = new TokenBucket(limits.rpm, clock);
    this.tokens = new TokenBucket(limits.tpm, clock);
  }

  blockedForMs(): number {
    return Math.max(0, this.blockedUntil - this.clock.now());
  }

  /** The provider said to wait (retry-after): nobody sends before then. */
  block(ms: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, this.clock.now() + ms);
  }

  waitMs(estimatedTokens: number): number {
    return Math.max(this.blockedForMs(), this.requests.waitMs(1), this.tokens.waitMs(estimatedTokens));
  }

  /**
   * Takes one request and `estimatedTokens` tokens, waiting for them when the
   * wait fits in `maxWaitMs`; otherwise a rate_limited error so the caller moves on.
   */
  async admit(estimatedTokens: number, maxWaitMs: number, signal?: AbortSignal): Promise<void> {
    const deadline = this.clock.now() + maxWaitMs;
    for (;;) {
      const wait = this.waitMs(estimatedTokens);
      if (wait <= 0) {
        this.requests.take(1);
        this.tokens.take(estimatedTokens);
        return;
      }
      if (this.clock.now() + wait > deadline) {
        const why = this.blockedForMs() > 0 ? "asked us to wait" : `rate limit (${this.describe()})`;
        throw new ProviderError(this.provider, "rate_limited", `${why}: next request in ${seconds(wait)}, more than max_wait ${seconds(maxWaitMs)}`);
      }
      await this.clock.sleep(wait, signal);
    }
  }

  /** Charges the difference between what a call was estimated to use and what it did. */
  settle(estimatedTokens: number, actualTokens: number): void {
    this.tokens.take(actualTokens - estimatedTokens);
  }

  private describe(): string {
    const parts: string[] = [];
    if (!this.requests.unlimited) parts.push(`${this.requests.perMinute} requests/min`);
    if (!this.tokens.unlimited) parts.push(`${this.tokens.perMinute} tokens/min`);
    return parts.join(", ");
  }
}

export function seconds(ms: number): string {
  const s = ms / 1000;
  if (Number.isInteger(s)) return `${s}s`;
  return s < 10 ? `${s.toFixed(1)}s` : `${Math.round(s)}s`;
}
