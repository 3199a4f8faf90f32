/**
 * A bounded min-heap of (score, id) pairs in typed arrays: the k best seen so
 * far, with the worst at the root so a candidate is rejected in one compare.
 * Reused across searches, so a query allocates nothing while scanning.
 */
export class TopK {
  readonly scores: Float64Array;
  readonly ids: Float64Array;
  size = 0;
  private capacity: number;

  constructor(maxCapacity: number) {
    this.scores = new Float64Array(maxCapacity);
    this.ids = new Float64Array(maxCapacity);
    this.capacity = maxCapacity;
  }

  /** Empties the heap and sets how many it keeps (at most the constructor's capacity). */
  reset(capacity: number): void {
    this.size = 0;
    this.capacity = Math.min(capacity, this.scores.length);
  }

  /** The score a candidate must beat to enter; -Infinity until full. */
  get floor(): number {
    return this.size < this.capacity ? -Infinity : this.scores[0]!;
  }

  push(score: number, id: number): void {
    const { scores, ids } = this;
    if (this.size < this.capacity) {
      let i = this.size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (scores[p]! <= score) break;
        scores[i] = scores[p]!;
        ids[i] = ids[p]!;
        i = p;
      }
      scores[i] = score;
      ids[i] = id;
      return;
    }
    if (this.capacity === 0 || score <= scores[0]!) return;
    let i = 0;
    const n = this.size;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && scores[r]! < scores[l]! ? r : l;
      if (scores[c]! >= score) break;
      scores[i] = scores[c]!;
      ids[i] = ids[c]!;
      i = c;
    }
    scores[i] = score;
    ids[i] = id;
  }

  /** The kept pairs, best first. */
  sorted(): Array<{ id: number; score: number }> {
    const out: Array<{ id: number; score: number }> = [];
    for (let i = 0; i < this.size; i++) out.push({ id: this.ids[i]!, score: this.scores[i]! });
    return out.sort((a, b) => b.score - a.score || a.id - b.id);
  }
}
