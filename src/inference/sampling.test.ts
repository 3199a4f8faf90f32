/**
 * The sampler over a grammar's allowed ids must choose exactly what it
 * chooses over a row whose other logits are -Infinity, and both exactly
 * what the plain sampler (every logit read, masked ones skipped) chose
 * before candidate lists existed: same seed, same tokens.
 */
import { expect, test } from "bun:test";
import { seededRandom } from "../sys/random";
import { sparseIds } from "./grammar/xgrammar";
import { argmax, createSampler } from "./sampling";

/** The sampler as it was written before candidate lists (softmax over the whole row), kept as the reference. */
function reference(temperature: number, topP: number, seed: number): (logits: Float32Array) => number {
  if (temperature <= 0) return (l) => argmax(l);
  const random = seededRandom(seed);
  return (logits) => {
    const best = argmax(logits);
    if (best < 0) return -1;
    const max = logits[best]!;
    const probs = new Float32Array(logits.length);
    let total = 0;
    for (let i = 0; i < logits.length; i++) {
      const p = logits[i] === Number.NEGATIVE_INFINITY ? 0 : Math.exp((logits[i]! - max) / temperature);
      probs[i] = p;
      total += p;
    }
    let keep: number[] | undefined;
    if (topP < 1) {
      const want = topP * total;
      for (let threshold = 0.1; ; threshold /= 10) {
        let mass = 0;
        for (let i = 0; i < logits.length; i++) if (probs[i]! >= threshold) mass += probs[i]!;
        if (mass >= want || threshold < 1e-12) {
          const above: number[] = [];
          for (let i = 0; i < logits.length; i++) if (probs[i]! >= threshold && probs[i]! > 0) above.push(i);
          above.sort((a, b) => probs[b]! - probs[a]! || a - b);
          keep = [];
          let acc = 0;
          for (const i of above) {
            keep.push(i);
            acc += probs[i]!;
            if (acc >= want) break;
          }
          total = acc;
          break;
        }
      }
    }
    let r = random() * total;
    if (keep) {
      for (const i of keep) if ((r -= probs[i]!) <= 0) return i;
      return keep.at(-1)!;
    }
    let last = best;
    for (let i = 0; i < logits.length; i++) {
      if (probs[i]! <= 0) continue;
      last = i;
      if ((r -= probs[i]!) <= 0) return i;
    }
    return last;
  };
}

/** A bitmask over `n` tokens: mostly empty words, a few mixed or full ones (a JSON structure step), or mostly full (a string's inside). */
function randomMask(rand: () => number, n: number, dense: boolean): Int32Array {
  return Int32Array.from({ length: Math.ceil(n / 32) }, () => {
    const r = rand();
    if (dense) return r < 0.7 ? -1 : (rand() * 2 ** 32) | 0;
    return r < 0.97 ? 0 : r < 0.985 ? 1 << Math.floor(rand() * 32) : r < 0.995 ? (rand() * 2 ** 32) | 0 : -1;
  });
}

test("sampling over a sparse mask's ids chooses what sampling over the masked row chooses, and what the plain sampler chose", () => {
  const rand = seededRandom(5);
  const n = 5_003;
  const scratch = { ids: new Int32Array(0) };
  let sparse = 0;
  for (const [temperature, topP] of [[0, 1], [1, 1], [0.7, 1], [1.3, 0.9], [1, 0.3]] as const) {
    const viaIds = createSampler({ temperature, topP, seed: 9 });
    const viaRow = createSampler({ temperature, topP, seed: 9 });
    const plain = reference(temperature, topP, 9);
    for (let step = 0; step < 300; step++) {
      // Ties too: a few logits repeat, so the first of equals must win either way.
      const logits = Float32Array.from({ length: n }, () => Math.round((rand() * 8 - 4) * 4) / 4);
      const mask = randomMask(rand, n, step % 3 === 0);
      const masked = logits.map((x, i) => ((mask[i >>> 5]! >>> (i & 31)) & 1 ? x : Number.NEGATIVE_INFINITY));
      const ids = sparseIds(mask, n, scratch);
      if (ids) {
        sparse++;
        expect([...ids]).toEqual([...masked.keys()].filter((i) => masked[i] !== Number.NEGATIVE_INFINITY));
      }
      // A dense mask is applied to the row instead, as the decoder does.
      const a = ids ? viaIds(logits.slice(), ids.slice()) : viaIds(masked.slice());
      const b = viaRow(masked.slice());
      expect(a).toBe(b);
      expect(plain(masked.slice())).toBe(b);
    }
  }
  expect(sparse).toBeGreaterThan(500);
});

test("sampling over ids follows the softmax of the allowed logits", () => {
  const logits = Float32Array.from({ length: 4096 }, (_, i) => (i % 7) - 3);
  const ids = Int32Array.from([3, 64, 65, 1000, 4095]);
  const sample = createSampler({ temperature: 1, seed: 2 });
  const counts = new Map<number, number>();
  const draws = 40_000;
  for (let k = 0; k < draws; k++) {
    const id = sample(logits, ids);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  expect([...counts.keys()].sort((a, b) => a - b)).toEqual([...ids]);
  const weights = [...ids].map((i) => Math.exp(logits[i]!));
  const sum = weights.reduce((a, b) => a + b, 0);
  [...ids].forEach((id, k) => {
    const p = weights[k]! / sum;
    // Five standard deviations of a binomial count.
    expect(Math.abs(counts.get(id)! - p * draws)).toBeLessThan(5 * Math.sqrt(draws * p * (1 - p)));
  });
});

test("sparseIds lists a sparse mask's set bits below the vocabulary's end, and declines a dense one", () => {
  const scratch = { ids: new Int32Array(0) };
  const mask = new Int32Array(64);
  mask[0] = 0b1001;
  mask[10] = -1;
  mask[63] = 1 << 31 | 1;
  // 63 × 32 + 31 is past a 2,020-token vocabulary (padding rows): never listed.
  expect([...sparseIds(mask, 2_020, scratch)!]).toEqual([0, 3, ...Array.from({ length: 32 }, (_, i) => 320 + i), 2_016]);
  expect(sparseIds(new Int32Array(64).fill(-1), 2_048, scratch)).toBeUndefined();
});
