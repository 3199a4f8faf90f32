/**
 * Operational memory: the last N events and metric samples, in RAM only
 * (seed 003's "in-memory" tier). Bounded ring buffers: pushing past capacity
 * overwrites the oldest entry, so memory use is fixed at boot. Metric samples
 * live in typed arrays (no allocation per sample); events keep the caller's
 * object.
 */

export interface OperationalEvent {
  ts: number;
  kind: string;
  source: string;
  data?: unknown;
}

export interface MetricSample {
  ts: number;
  name: string;
  value: number;
}

export interface RecentQuery {
  /** Only entries of this kind (events) or name (metrics). */
  kind?: string;
  /** Only entries at or after this time (ms since the epoch). */
  since?: number;
  /** At most this many, newest first. Default: all that match. */
  limit?: number;
}

export interface RingStats {
  size: number;
  capacity: number;
  /** Entries ever pushed; `total - size` were overwritten. */
  total: number;
}

export interface MetricSummary {
  name: string;
  count: number;
  min: number;
  max: number;
  mean: number;
  last: number;
  lastTs: number;
}

/** A fixed-capacity ring of objects. */
export class Ring<T> {
  private readonly items: Array<T | undefined>;
  private head = 0;
  private count = 0;
  private pushed = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity ${capacity}: must be a positive integer`);
    this.items = new Array<T | undefined>(capacity).fill(undefined);
  }

  push(item: T): void {
    this.items[this.head] = item;
    this.head = (this.head + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
    this.pushed++;
  }

  get size(): number {
    return this.count;
  }

  /** Newest first. */
  *newest(): IterableIterator<T> {
    for (let i = 1; i <= this.count; i++) yield this.items[(this.head - i + this.capacity) % this.capacity]!;
  }

  stats(): RingStats {
    return { size: this.count, capacity: this.capacity, total: this.pushed };
  }

  clear(): void {
    this.items.fill(undefined);
    this.head = 0;
    this.count = 0;
  }
}

/** Metric samples as three parallel typed arrays; names are interned to small integers. */
class MetricRing {
  private readonly ts: Float64Array;
  private readonly values: Float64Array;
  private readonly nameIds: Int32Array;
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];
  private head = 0;
  private count = 0;
  private pushed = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity ${capacity}: must be a positive integer`);
    this.ts = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
    this.nameIds = new Int32Array(capacity);
  }

  private intern(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.ids.set(name, id);
    }
    return id;
  }

  push(name: string, value: number, ts: number): void {
    const i = this.head;
    this.ts[i] = ts;
    this.values[i] = value;
    this.nameIds[i] = this.intern(name);
    this.head = (i + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
    this.pushed++;
  }

  /** Calls `fn` with the ring slot of each matching sample, newest first, until it returns false. */
  private scan(q: RecentQuery, fn: (slot: number) => boolean | void): void {
    const want = q.kind === undefined ? -1 : (this.ids.get(q.kind) ?? -2);
    if (want === -2) return;
    for (let i = 1; i <= this.count; i++) {
      const slot = (this.head - i + this.capacity) % this.capacity;
      if (want >= 0 && this.nameIds[slot] !== want) continue;
      if (q.since !== undefined && this.ts[slot]! < q.since) continue;
      if (fn(slot) === false) return;
    }
  }

  recent(q: RecentQuery): MetricSample[] {
    const out: MetricSample[] = [];
    const limit = q.limit ?? Infinity;
    if (limit <= 0) return out;
    this.scan(q, (slot) => {
      out.push({ ts: this.ts[slot]!, name: this.names[this.nameIds[slot]!]!, value: this.values[slot]! });
      return out.length < limit;
    });
    return out;
  }

  summary(name: string, since?: number): MetricSummary | null {
    let count = 0;
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let last = 0;
    let lastTs = 0;
    this.scan({ kind: name, since }, (slot) => {
      const v = this.values[slot]!;
      if (count === 0) {
        last = v;
        lastTs = this.ts[slot]!;
      }
      count++;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    });
    return count === 0 ? null : { name, count, min, max, mean: sum / count, last, lastTs };
  }

  stats(): RingStats {
    return { size: this.count, capacity: this.capacity, total: this.pushed };
  }
}

export interface OperationalStats {
  events: RingStats;
  metrics: RingStats;
}

export class OperationalMemory {
  private readonly events: Ring<OperationalEvent>;
  private readonly metrics: MetricRing;

  /** `capacity` entries for events and as many for metric samples (`[memory] operational_max_entries`). */
  constructor(capacity: number) {
    this.events = new Ring(capacity);
    this.metrics = new MetricRing(capacity);
  }

  event(kind: string, source: string, data?: unknown, ts = Date.now()): void {
    this.events.push(data === undefined ? { ts, kind, source } : { ts, kind, source, data });
  }

  metric(name: string, value: number, ts = Date.now()): void {
    this.metrics.push(name, value, ts);
  }

  /** Newest first, filtered by kind and time. */
  recentEvents(q: RecentQuery = {}): OperationalEvent[] {
    const out: OperationalEvent[] = [];
    const limit = q.limit ?? Infinity;
    if (limit <= 0) return out;
    for (const e of this.events.newest()) {
      if (q.kind !== undefined && e.kind !== q.kind) continue;
      if (q.since !== undefined && e.ts < q.since) continue;
      out.push(e);
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Newest first; `kind` is the metric name. */
  recentMetrics(q: RecentQuery = {}): MetricSample[] {
    return this.metrics.recent(q);
  }

  /** Count, min, max, mean and last value of one metric since a time; null when no sample matches. */
  summary(name: string, since?: number): MetricSummary | null {
    return this.metrics.summary(name, since);
  }

  stats(): OperationalStats {
    return { events: this.events.stats(), metrics: this.metrics.stats() };
  }
}
