import { describe, expect, test } from "bun:test";
import { IvfIndex } from "./ivf";
import { seededRandom as rng } from "../../../sys/random";
import { normalized } from "./math";
import { TopK } from "./topk";

const D = 32;

/** Unit vectors from a Gaussian mixture (synthetic test data, not embeddings). */
function mixture(n: number, clusters: number, seed: number): Float32Array[] {
  const r = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const centers = Array.from({ length: clusters }, () => Array.from({ length: D }, gauss));
  return Array.from({ length: n }, () => {
    const c = centers[Math.floor(r() * clusters)]!;
    return normalized(c.map((x) => x + 0.5 * gauss()))!;
  });
}

function bruteForce(data: Float32Array[], q: Float32Array, k: number, keep: (i: number) => boolean = () => true): number[] {
  const scored = data.map((v, i) => ({ i, s: v.reduce((a, x, j) => a + x * q[j]!, 0) })).filter((x) => keep(x.i));
  return scored.sort((a, b) => b.s - a.s || a.i - b.i).slice(0, k).map((x) => x.i);
}

const exactOf = (data: Float32Array[]) => (ids: number[]) => new Map(ids.map((id) => [id, data[id]!] as const));

function recall(index: IvfIndex, data: Float32Array[], queries: Float32Array[], nprobe?: number): number {
  let hit = 0;
  for (const q of queries) {
    const truth = new Set(bruteForce(data, q, 10));
    hit += index.search(q, 10, { nprobe, exact: exactOf(data) }).filter((h) => truth.has(h.id)).length;
  }
  return hit / (10 * queries.length);
}

describe("TopK", () => {
  test("keeps the k largest, best first", () => {
    const t = new TopK(8);
    t.reset(3);
    for (const [s, id] of [[0.1, 1], [0.9, 2], [0.5, 3], [0.7, 4], [0.2, 5]] as const) t.push(s, id);
    expect(t.sorted()).toEqual([{ id: 2, score: 0.9 }, { id: 4, score: 0.7 }, { id: 3, score: 0.5 }]);
    expect(t.floor).toBe(0.5);
  });
});

describe("IvfIndex", () => {
  const data = mixture(3000, 30, 7);
  // The same seed gives the same centres and the same first 3000 points: the 40 after are unseen queries.
  const fresh = mixture(3040, 30, 7).slice(3000);

  test("untrained, one list: the exact top k, scored by the float vectors", () => {
    const index = new IvfIndex(D);
    data.forEach((v, i) => index.add(i, v, { kind: 0, time: 0 }));
    expect(index.trained).toBe(false);
    for (const q of fresh.slice(0, 10)) {
      const hits = index.search(q, 10, { exact: exactOf(data) });
      expect(hits.map((h) => h.id)).toEqual(bruteForce(data, q, 10));
      const top = data[hits[0]!.id]!;
      expect(hits[0]!.score).toBeCloseTo(top.reduce((a, x, j) => a + x * q[j]!, 0), 5);
    }
  });

  test("trained: high recall at the default nprobe, exact when every list is probed", async () => {
    const index = new IvfIndex(D);
    data.forEach((v, i) => index.add(i, v, { kind: 0, time: 0 }));
    const where = await index.train({ nlist: 40, seed: 3 });
    expect(index.trained).toBe(true);
    expect(index.nlist).toBeGreaterThan(20);
    expect(where.size).toBe(3000);
    expect(recall(index, data, fresh, 8)).toBeGreaterThanOrEqual(0.9);
    expect(recall(index, data, fresh, index.nlist)).toBe(1);
  });

  test("removed vectors are never returned; adding an id again replaces it", async () => {
    const index = new IvfIndex(D);
    data.forEach((v, i) => index.add(i, v, { kind: 0, time: 0 }));
    await index.train({ nlist: 30 });
    const q = fresh[0]!;
    const before = index.search(q, 5, { nprobe: index.nlist, exact: exactOf(data) }).map((h) => h.id);
    for (const id of before) expect(index.remove(id)).toBe(true);
    expect(index.remove(before[0]!)).toBe(false);
    const after = index.search(q, 5, { nprobe: index.nlist, exact: exactOf(data) }).map((h) => h.id);
    expect(after.some((id) => before.includes(id))).toBe(false);
    index.add(before[0]!, data[before[0]!]!, { kind: 0, time: 0 });
    index.add(before[0]!, data[before[0]!]!, { kind: 0, time: 0 });
    expect(index.size).toBe(3000 - 4);
    expect(index.search(q, 1, { nprobe: index.nlist, exact: exactOf(data) })[0]!.id).toBe(before[0]!);
  });

  test("filters by kind bitmask and time, scanning past nprobe until k matches", async () => {
    const index = new IvfIndex(D);
    data.forEach((v, i) => index.add(i, v, { kind: i % 3, time: i }));
    await index.train({ nlist: 40 });
    const q = fresh[1]!;
    const keep = (i: number) => i % 3 === 2 && i >= 2500;
    const hits = index.search(q, 10, { nprobe: 1, filter: { kinds: 1 << 2, since: 2500 }, exact: exactOf(data) });
    expect(hits).toHaveLength(10);
    for (const h of hits) expect(keep(h.id)).toBe(true);
    // With every list scanned the filtered answer is the filtered brute force.
    const all = index.search(q, 10, { nprobe: index.nlist, filter: { kinds: 1 << 2, since: 2500 }, exact: exactOf(data) });
    expect(all.map((h) => h.id)).toEqual(bruteForce(data, q, 10, keep));
  });

  test("vectors added while training are kept", async () => {
    const index = new IvfIndex(D);
    data.slice(0, 2000).forEach((v, i) => index.add(i, v, { kind: 0, time: 0 }));
    const training = index.train({ nlist: 20, pause: () => new Promise((r) => setImmediate(r)) });
    data.slice(2000).forEach((v, i) => index.add(2000 + i, v, { kind: 0, time: 0 }));
    index.remove(0);
    const where = await training;
    expect(index.size).toBe(2999);
    expect(where.has(2999)).toBe(true);
    expect(where.has(0)).toBe(false);
  });

  test("rejects vectors of the wrong size and bad ids", () => {
    const index = new IvfIndex(D);
    expect(() => index.add(1, new Float32Array(D + 1), { kind: 0, time: 0 })).toThrow("33 dimensions, index has 32");
    expect(() => index.add(-1, new Float32Array(D), { kind: 0, time: 0 })).toThrow("must be an integer");
    expect(() => index.search(new Float32Array(3), 1)).toThrow("3 dimensions");
  });

  test("memory: int8 codes, about a quarter of float32", () => {
    const index = new IvfIndex(384);
    const v = normalized(Array.from({ length: 384 }, (_, i) => Math.sin(i)))!;
    for (let i = 0; i < 1024; i++) index.add(i, v, { kind: 0, time: 0 });
    const perVector = index.stats().bytes / 1024;
    expect(perVector).toBeLessThan(384 * 4 * 0.35);
  });
});
