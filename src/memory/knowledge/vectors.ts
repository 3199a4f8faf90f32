/**
 * Vectors of long-term memory: the embedder in use, the IVF index built from
 * the chunks' BLOBs for that embedder's model, and the background work that
 * keeps them in step (re-embedding chunks made by another model, training the
 * index as it grows). Chunks embedded by another model stay out of the index
 * until they are re-embedded: two models' vectors are never compared.
 */
import { errorMessage, log } from "../../sys";
import type { Db, Statement } from "../db";
import { embedChecked, type Embedder } from "../embedder";
import { type DocumentKind, KIND_CODE } from "./documents";
import { IvfIndex, type Hit, type IndexStats, type VectorFilter } from "./vector/ivf";
import { normalized } from "./vector/math";

/** Below this many vectors one flat list is scanned (~1.5 ms at 4096 × 384); at it, k-means builds lists. */
export const TRAIN_AT = 4096;
/** Retrain when the collection has grown this many times since the last training. */
const RETRAIN_GROWTH = 4;
const REEMBED_BATCH = 32;
const LOAD_SLICE = 4096;

export interface VectorStats {
  model: string | null;
  dims: number | null;
  /** Chunks with a vector of the current model (in the index). */
  indexed: number;
  /** Chunks without a vector of the current model: waiting to be (re-)embedded. */
  stale: number;
  /** False while the index is still being loaded from the BLOBs (search is full text only meanwhile). */
  ready: boolean;
  index: (IndexStats & { kind: "ivf" | "flat" }) | null;
}

/** A BLOB as float32 without copying when it is aligned. */
export function blobVector(b: Uint8Array): Float32Array {
  if (b.byteOffset % 4 === 0) return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  return new Float32Array(b.slice().buffer);
}

const pause = () => new Promise<void>((resolve) => setImmediate(resolve));

export class VectorStore {
  private embedder: Embedder | null = null;
  private index: IvfIndex | null = null;
  private trainedOn = 0;
  private loaded = false;
  private loading: Promise<void> = Promise.resolve();
  private background: Promise<void> = Promise.resolve();
  private busy = false;
  private wanted = false;
  private closed = false;
  private abort = new AbortController();
  private readonly exactStmt: Statement;
  private readonly setVector: Statement;

  constructor(
    private readonly db: Db,
    private readonly nprobe: number | null,
  ) {
    this.exactStmt = db.prepare("SELECT id, embedding FROM chunks WHERE id IN (SELECT value FROM json_each(?1)) AND embed_model = ?2");
    this.setVector = db.prepare("UPDATE chunks SET embed_model = ?2, embed_dims = ?3, ivf_list = ?4, embedding = ?5 WHERE id = ?1");
  }

  get model(): string | null {
    return this.embedder?.model ?? null;
  }

  get current(): Embedder | null {
    return this.embedder;
  }

  /** Whether vector search can run: an embedder is installed and its index has finished loading. */
  get searchable(): boolean {
    return this.embedder !== null && this.loaded;
  }

  /**
   * Installs an embedder (null: none). A different model gets a fresh index,
   * loaded from that model's BLOBs in the background (slices of 4096 rows
   * between event-loop turns, so opening memory never holds up the boot);
   * until it is loaded, search is full text only and says so. Then chunks
   * without a vector of this model are (re-)embedded, also in the background.
   */
  use(embedder: Embedder | null): void {
    if (embedder?.model === this.embedder?.model && embedder?.dims === this.embedder?.dims) {
      this.embedder = embedder;
      return;
    }
    this.abort.abort();
    this.abort = new AbortController();
    this.embedder = embedder;
    this.index = null;
    this.loaded = false;
    this.trainedOn = 0;
    if (!embedder) return;
    const index = new IvfIndex(embedder.dims);
    const saved = this.db.query("SELECT centroids, trained_on FROM vector_index WHERE model = ? AND dims = ?").get(embedder.model, embedder.dims) as {
      centroids: Uint8Array;
      trained_on: number;
    } | null;
    // Centroids go in first (an index takes them only while empty): writes during the load already use them.
    if (saved) {
      index.setCentroids(new Float32Array(blobVector(saved.centroids)));
      this.trainedOn = saved.trained_on;
      const counts = this.db
        .query("SELECT ivf_list AS l, count(*) AS n FROM chunks WHERE embed_model = ?1 AND embed_dims = ?2 AND ivf_list IS NOT NULL GROUP BY ivf_list")
        .all(embedder.model, embedder.dims) as Array<{ l: number; n: number }>;
      index.reserve(new Map(counts.map((c) => [c.l, c.n])));
    }
    this.index = index;
    const signal = this.abort.signal;
    this.loading = this.load(embedder, index, signal)
      .then(() => {
        if (this.index !== index) return;
        this.loaded = true;
        log.debug(`memory: vector index for ${embedder.model}: ${index.size} vectors in ${index.nlist} list(s)`);
        this.catchUp();
      })
      .catch((err) => {
        if (!signal.aborted) log.warn(`memory: loading the vector index for ${embedder.model}: ${errorMessage(err)}`);
      });
  }

  private async load(e: Embedder, index: IvfIndex, signal: AbortSignal): Promise<void> {
    const page = this.db.query(
      `SELECT c.id, c.ivf_list, c.embedding, d.kind, d.updated_at FROM chunks c JOIN documents d ON d.id = c.document_id
        WHERE c.embed_model = ?1 AND c.embed_dims = ?2 AND c.embedding IS NOT NULL AND c.id > ?3 ORDER BY c.id LIMIT ?4`,
    );
    const moved: Array<[number, number]> = [];
    for (let after = 0; ; ) {
      await pause();
      if (signal.aborted || this.closed) return;
      // Read and add in one turn: a chunk written or deleted between turns reaches the index through apply().
      const rows = page.all(e.model, e.dims, after, LOAD_SLICE) as Array<{ id: number; ivf_list: number | null; embedding: Uint8Array; kind: DocumentKind; updated_at: number }>;
      for (const r of rows) {
        const l = index.add(r.id, blobVector(r.embedding), { kind: KIND_CODE[r.kind], time: r.updated_at }, r.ivf_list ?? undefined);
        if (l !== r.ivf_list) moved.push([r.id, l]);
      }
      if (rows.length < LOAD_SLICE) break;
      after = rows.at(-1)!.id;
    }
    if (moved.length && !signal.aborted && !this.closed) {
      const upd = this.db.prepare("UPDATE chunks SET ivf_list = ?2 WHERE id = ?1");
      this.db.transaction(() => moved.forEach(([id, l]) => upd.run(id, l)))();
    }
  }

  /** Embeds texts with the current embedder, as unit vectors; null when there is none or it failed (logged). An abort still throws. */
  async embed(texts: string[], signal?: AbortSignal): Promise<{ model: string; vectors: Float32Array[] } | null> {
    const e = this.embedder;
    if (!e || texts.length === 0) return null;
    try {
      const raw = await embedChecked(e, texts, signal);
      const vectors = raw.map((v, i) => {
        const u = normalized(v);
        if (!u) throw new Error(`text ${i}: a zero or non-finite vector`);
        return u;
      });
      return { model: e.model, vectors };
    } catch (err) {
      if (signal?.aborted) throw err;
      log.warn(`memory: embedding ${texts.length} text(s) with ${e.model}: ${errorMessage(err)}`);
      return null;
    }
  }

  /** The list a new vector of `model` goes to; null when that model is not the one indexed. */
  listFor(model: string, unit: Float32Array): number | null {
    return this.index && model === this.embedder?.model ? this.index.listFor(unit) : null;
  }

  /** After a commit: mirrors the rows' changes in the index. */
  apply(removed: readonly number[], added: ReadonlyArray<{ id: number; model: string; vector: Float32Array; list: number | null; kind: DocumentKind; time: number }>): void {
    const index = this.index;
    if (!index) return;
    for (const id of removed) index.remove(id);
    for (const a of added) {
      if (a.model !== this.embedder?.model) continue;
      index.add(a.id, a.vector, { kind: KIND_CODE[a.kind], time: a.time }, a.list ?? undefined);
    }
    if (this.trainingDue()) this.catchUp();
  }

  /** Top candidates by cosine similarity, re-ranked with the stored float32 vectors. */
  search(query: Float32Array, k: number, filter: VectorFilter, nprobe?: number): Hit[] {
    const index = this.index;
    const model = this.embedder?.model;
    if (!index || !model || !this.loaded) return [];
    return index.search(query, k, {
      nprobe: nprobe ?? this.nprobe ?? undefined,
      filter,
      exact: (ids) => {
        const rows = this.exactStmt.all(JSON.stringify(ids), model) as Array<{ id: number; embedding: Uint8Array }>;
        return new Map(rows.map((r) => [r.id, blobVector(r.embedding)]));
      },
    });
  }

  private trainingDue(): boolean {
    const n = this.index?.size ?? 0;
    return n >= TRAIN_AT && (this.trainedOn === 0 || n >= RETRAIN_GROWTH * this.trainedOn);
  }

  private staleQuery(limit: number): Array<{ id: number; text: string; context: string; title: string }> {
    const e = this.embedder!;
    return this.db
      .query(
        `SELECT c.id, c.text, c.context, d.title FROM chunks c JOIN documents d ON d.id = c.document_id
          WHERE c.embed_model IS NULL OR c.embed_model <> ?1 OR c.embed_dims <> ?2 LIMIT ?3`,
      )
      .all(e.model, e.dims, limit) as Array<{ id: number; text: string; context: string; title: string }>;
  }

  /** Embeds up to `batch` chunks that have no vector of the current model; returns how many got one. */
  async reembed(batch = REEMBED_BATCH, signal?: AbortSignal): Promise<number> {
    const e = this.embedder;
    if (!e) return 0;
    const rows = this.staleQuery(batch);
    if (rows.length === 0) return 0;
    const out = await this.embed(rows.map((r) => embedText(r.title, r.context, r.text)), signal);
    if (!out || out.model !== this.embedder?.model || signal?.aborted) return 0;
    const meta = this.db.query("SELECT c.id, d.kind, d.updated_at FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.id IN (SELECT value FROM json_each(?))");
    const kinds = new Map((meta.all(JSON.stringify(rows.map((r) => r.id))) as Array<{ id: number; kind: DocumentKind; updated_at: number }>).map((r) => [r.id, r]));
    const added: Parameters<VectorStore["apply"]>[1][number][] = [];
    this.db.transaction(() => {
      rows.forEach((r, i) => {
        const v = out.vectors[i]!;
        const m = kinds.get(r.id);
        if (!m) return; // deleted while the model worked
        const list = this.listFor(out.model, v);
        this.setVector.run(r.id, out.model, v.length, list, new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
        added.push({ id: r.id, model: out.model, vector: v, list, kind: m.kind, time: m.updated_at });
      });
    })();
    this.apply([], added);
    return added.length;
  }

  /**
   * Starts the background catch-up (re-embed stale chunks, then train the
   * index if it is due), or asks the running one to go round again.
   */
  catchUp(): void {
    this.wanted = true;
    if (this.busy || this.closed || !this.loaded) return;
    this.busy = true;
    this.background = (async () => {
      try {
        while (this.wanted && !this.closed) {
          this.wanted = false;
          const signal = this.abort.signal;
          try {
            while (!signal.aborted && this.embedder && (await this.reembed(REEMBED_BATCH, signal)) > 0) await pause();
            if (!signal.aborted && this.trainingDue()) await this.train(signal);
          } catch (err) {
            if (!signal.aborted) log.warn(`memory: background vector work: ${errorMessage(err)}`);
          }
        }
      } finally {
        this.busy = false;
      }
    })();
  }

  /** Trains the index's centroids now and persists them with every vector's list. */
  async train(signal?: AbortSignal): Promise<void> {
    await this.loading;
    const index = this.index;
    const e = this.embedder;
    if (!index || !e || !this.loaded || index.size === 0) return;
    const started = performance.now();
    // Closing or switching models stops k-means at its next pause instead of letting it run on.
    const where = await index.train({
      pause: () => {
        signal?.throwIfAborted();
        return pause();
      },
    });
    if (signal?.aborted || this.index !== index) return;
    const centroids = index.centroidData!;
    const upd = this.db.prepare("UPDATE chunks SET ivf_list = ?2 WHERE id = ?1");
    this.db.transaction(() => {
      this.db
        .query("INSERT OR REPLACE INTO vector_index (model, dims, nlist, centroids, trained_on, trained_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .run(e.model, e.dims, index.nlist, new Uint8Array(centroids.buffer, centroids.byteOffset, centroids.byteLength), where.size, Date.now());
      for (const [id, l] of where) upd.run(id, l);
    })();
    this.trainedOn = where.size;
    log.info(`memory: vector index for ${e.model} trained: ${where.size} vectors in ${index.nlist} lists in ${Math.round(performance.now() - started)} ms`);
  }

  /** Resolves when background work started so far (loading, re-embedding, training) has finished. */
  async idle(): Promise<void> {
    await this.loading;
    while (this.busy) await this.background;
  }

  stale(): number {
    const e = this.embedder;
    if (!e) return 0;
    return (this.db.query("SELECT count(*) AS n FROM chunks WHERE embed_model IS NULL OR embed_model <> ?1 OR embed_dims <> ?2").get(e.model, e.dims) as { n: number }).n;
  }

  stats(): VectorStats {
    const e = this.embedder;
    const s = this.index?.stats();
    return {
      model: e?.model ?? null,
      dims: e?.dims ?? null,
      indexed: s?.vectors ?? 0,
      stale: this.stale(),
      ready: this.searchable,
      index: s ? { ...s, kind: s.trained ? "ivf" : "flat", nprobe: s.trained ? (this.nprobe ?? s.nprobe) : null } : null,
    };
  }

  close(): void {
    this.closed = true;
    this.abort.abort();
  }
}

/** What a chunk's vector is made from: the document title and heading path give a short chunk its topic. */
export function embedText(title: string, context: string, text: string): string {
  return `${context ? `${title} > ${context}` : title}\n\n${text}`;
}
