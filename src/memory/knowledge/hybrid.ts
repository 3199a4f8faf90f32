/**
 * Hybrid retrieval: reciprocal rank fusion (Cormack et al., 2009). Each
 * retriever contributes 1 / (K + rank) for every chunk it ranked, so bm25's
 * unbounded scores and cosine similarities never have to be put on one scale,
 * and a chunk both retrievers found rises above one only a single one found.
 */

export type Retriever = "fts" | "vector";

export interface Ranked {
  chunkId: number;
  /** The retriever's own score: bm25 relevance (higher is better) or cosine similarity. */
  score: number;
}

export interface Fused {
  chunkId: number;
  /** Sum of 1 / (K + rank) over the retrievers that found it. */
  score: number;
  retrievers: Retriever[];
  scores: Partial<Record<Retriever, number>>;
}

/** The usual constant; it damps the weight of the very first ranks. */
export const RRF_K = 60;

/** Fuses ranked lists (best first) into the top `k`, best first; ties go to the lower chunk id. */
export function fuse(lists: Partial<Record<Retriever, Ranked[]>>, k: number, rrfK = RRF_K): Fused[] {
  const byChunk = new Map<number, Fused>();
  for (const retriever of ["fts", "vector"] as const) {
    const list = lists[retriever];
    if (!list) continue;
    list.forEach((r, i) => {
      let f = byChunk.get(r.chunkId);
      if (!f) {
        f = { chunkId: r.chunkId, score: 0, retrievers: [], scores: {} };
        byChunk.set(r.chunkId, f);
      }
      if (f.scores[retriever] !== undefined) return; // a retriever counts a chunk once
      f.score += 1 / (rrfK + i + 1);
      f.retrievers.push(retriever);
      f.scores[retriever] = r.score;
    });
  }
  return [...byChunk.values()].sort((a, b) => b.score - a.score || a.chunkId - b.chunkId).slice(0, Math.max(0, k));
}
