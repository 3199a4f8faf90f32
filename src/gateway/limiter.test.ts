import { describe, expect, test } from "bun:test";
import { FakeClock } from "../../test/fakes/gateway-kit";
import { ProviderError } from "./errors";
import { RateLimiter, realClock, TokenBucket } from "./limiter";

describe("TokenBucket", () => {
  test("starts full, refills continuously at perMinute/60 s, never above capacity", () => {
    const clock = new FakeClock();
    const b = new TokenBucket(60, clock);
    expect(b.available()).toBe(60);
    b.take(60);
    expect(b.available()).toBe(0);
    expect(b.waitMs(1)).toBe(1000);
    clock.t += 500;
    expect(b.available()).toBeCloseTo(0.5, 9);
    clock.t += 10 * 60_000;
    expect(b.available()).toBe(60);
  });

  test("a request bigger than the bucket waits for a full one, and goes into debt", () => {
    const clock = new FakeClock();
    const b = new TokenBucket(1000, clock);
    b.take(1000);
    expect(b.waitMs(5000)).toBe(60_000);
    clock.t += 60_000;
    b.take(5000);
    expect(b.available()).toBe(-4000);
    expect(b.waitMs(1)).toBe(Math.ceil((4001 * 60_000) / 1000));
  });

  test("0 per minute means no limit", () => {
    const b = new TokenBucket(0, new FakeClock());
    b.take(1e9);
    expect(b.waitMs(1e9)).toBe(0);
    expect(b.available()).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("RateLimiter.admit", () => {
  test("waits when the wait fits in max_wait: 2 requests/min, the third waits 30 s", async () => {
    const clock = new FakeClock();
    const l = new RateLimiter("claude", { rpm: 2, tpm: 0 }, clock);
    await l.admit(10, 60_000);
    await l.admit(10, 60_000);
    expect(clock.sleeps).toEqual([]);
    await l.admit(10, 60_000);
    expect(clock.sleeps).toEqual([30_000]);
  });

  test("refuses with rate_limited naming the limit when the wait is longer than max_wait", async () => {
    const clock = new FakeClock();
    const l = new RateLimiter("claude", { rpm: 2, tpm: 0 }, clock);
    await l.admit(1, 1000);
    await l.admit(1, 1000);
    const err = await l.admit(1, 10_000).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.code).toBe("rate_limited");
    expect(err.message).toBe("claude: rate limit (2 requests/min): next request in 30s, more than max_wait 10s");
    expect(clock.sleeps).toEqual([]);
  });

  test("tokens per minute: settle charges what the call really used", async () => {
    const clock = new FakeClock();
    const l = new RateLimiter("openai", { rpm: 0, tpm: 6000 }, clock);
    await l.admit(1000, 0);
    l.settle(1000, 6000); // the answer was long
    expect(l.tokens.available()).toBe(0);
    await l.admit(600, 10_000);
    expect(clock.sleeps).toEqual([6000]);
  });

  test("a retry-after block holds every caller", async () => {
    const clock = new FakeClock();
    const l = new RateLimiter("claude", { rpm: 0, tpm: 0 }, clock);
    l.block(2000);
    expect(l.blockedForMs()).toBe(2000);
    await l.admit(1, 5000);
    expect(clock.sleeps).toEqual([2000]);
    l.block(20_000);
    expect((await l.admit(1, 5000).catch((e) => e)).message).toBe("claude: asked us to wait: next request in 20s, more than max_wait 5s");
  });

  test("the real clock's sleep is cancelled by the signal", async () => {
    const ctl = new AbortController();
    const t0 = performance.now();
    setTimeout(() => ctl.abort(new Error("stop")), 20);
    await expect(realClock.sleep(5000, ctl.signal)).rejects.toThrow("stop");
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
