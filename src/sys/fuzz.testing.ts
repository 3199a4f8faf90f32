/**
 * A seeded random source for the fuzz tests (mulberry32: tiny, fast, and the
 * same sequence for the same seed, so a failure is replayed by its seed).
 * Test support only; nothing in aios-init uses it.
 */
export interface Rng {
  /** [0, 1) */
  next(): number;
  int(n: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
}

export function rng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (xs) => xs[Math.floor(next() * xs.length)] as (typeof xs)[number],
    chance: (p) => next() < p,
  };
}

/** FUZZ_SEED in the environment replays one run; otherwise a fixed seed keeps `make test` repeatable. */
export function fuzzSeed(fallback: number): number {
  const s = Number(process.env.FUZZ_SEED);
  return Number.isInteger(s) ? s : fallback;
}
