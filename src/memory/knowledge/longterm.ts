/**
 * Long-term memory (/var/lib/aios/memory/longterm.db): the knowledge base of
 * seeds 001 and 002. Ingestion normalises, chunks, dedups by content hash and
 * replaces a re-ingested source in place; rows, full-text index and vectors
 * change in one transaction (the in-memory vector index follows the commit).
 * Search fuses full text and, when an embedder is installed, vectors.
 */
import { type Db, applyMigrations, openDatabase } from "../db";
import type { Embedder } from "../embedder";
import { MemoryError } from "../errors";
import { LONGTERM_MIGRATIONS } from "../migrations/longterm";
import { type Chunk, chunkBlocks } from "./chunk";
import { DOCUMENT_KINDS, type DocumentKind, DocumentStore, type DocumentRow, type Filters, KIND_CODE, type NewChunk } from "./documents";
import { ftsQuery } from "./fts";
import { fuse, type Ranked, type Retriever } from "./hybrid";
import { detectFormat, normalise, type TextFormat } from "./normalise";
import { normalized } from "./vector/math";
import { embedText, VectorStore, type VectorStats } from "./vectors";

export interface LongTermOptions {
  /** Largest chunk in characters ([memory] chunk_size). */
  chunkSize: number;
  /** Characters repeated between neighbouring chunks ([memory] chunk_overlap). */
  chunkOverlap: number;
  /** IVF lists scanned per query; null: the index default, see defaultNprobe ([memory] vector_nprobe = 0). */
  nprobe?: number | null;
}

export interface IngestInput {
  title: string;
  text: string;
  /** Where it came from; a later ingest with the same source replaces it. */
  source?: string;
  kind?: DocumentKind;
  /** Default: detected from the source's extension and the text. */
  format?: TextFormat;
  /** Stored with the document (a procedure's steps, a decision's options). */
  meta?: Record<string, unknown>;
}

export interface IngestResult {
  id: number;
  chunks: number;
  /** The same text was already stored: nothing was written (except a changed title of the same source). */
  deduplicated: boolean;
  /** An existing document of the same source was replaced in place. */
  updated: boolean;
}

export interface SearchOptions {
  k?: number;
  kinds?: readonly DocumentKind[];
  /** Only documents written at or after this time (ms since the epoch). */
  since?: number;
  signal?: AbortSignal;
}

export interface SearchHit {
  documentId: number;
  title: string;
  kind: DocumentKind;
  source: string | null;
  chunkId: number;
  /** Heading path of the chunk within its document. */
  context: string;
  text: string;
  /** Reciprocal-rank-fusion score over the retrievers that found it. */
  score: number;
  retrievers: Retriever[];
  /** Each retriever's own score: bm25 relevance for fts, cosine similarity for vector. */
  scores: Partial<Record<Retriever, number>>;
}

export interface SearchResult {
  hits: SearchHit[];
  /** The retrievers that ran: ["fts"] without an embedder. */
  retrievers: Retriever[];
}

export interface Document {
  id: number;
  title: string;
  source: string | null;
  kind: DocumentKind;
  format: TextFormat;
  contentHash: string;
  content: string;
  meta: Record<string, unknown>;
  chunks: number;
  createdAt: number;
  updatedAt: number;
}

export interface ProcedureInput {
  title: string;
  steps: string[];
  /** The goal it achieved. */
  goal?: string;
  source?: string;
  /** The machine-readable plan that worked, so a similar goal can reuse it. */
  plan?: unknown;
}

export interface DecisionInput {
  title: string;
  decision: string;
  rationale?: string;
  alternatives?: string[];
  outcome?: string;
  goal?: string;
}

export interface RetentionPolicy {
  /** Decisions older than this many days are deleted; 0 keeps them. */
  decisionMaxAgeDays: number;
  /** Only the newest this many decisions are kept; 0: no limit. */
  decisionMaxCount: number;
}

export interface LongTermStats {
  documents: Record<DocumentKind, number>;
  chunks: number;
  vectors: VectorStats;
}

const EMBED_BATCH = 64;
const MAX_TITLE = 500;
const DAY_MS = 86_400_000;

/** The vector index's filter bitmask for a list of kinds; undefined allows all. */
function kindMask(kinds: readonly DocumentKind[] | undefined): number | undefined {
  return kinds?.length ? kinds.reduce((m, kind) => m | (1 << KIND_CODE[kind]), 0) : undefined;
}

interface Prepared {
  title: string;
  source: string | null;
  kind: DocumentKind;
  format: TextFormat;
  content: string;
  hash: string;
  meta: string;
  chunks: Chunk[];
}

export class LongTermMemory {
  readonly docs: DocumentStore;
  private readonly vectors: VectorStore;

  static open(path: string, opts: LongTermOptions): LongTermMemory {
    return new LongTermMemory(openDatabase(path, { synchronous: "full" }), opts);
  }

  constructor(
    readonly db: Db,
    private readonly opts: LongTermOptions,
  ) {
    applyMigrations(db, "longterm", LONGTERM_MIGRATIONS);
    this.docs = new DocumentStore(db);
    this.vectors = new VectorStore(db, opts.nprobe ?? null);
  }

  /** Installs (or with null removes) the embedder; chunks lacking its vectors are embedded in the background. */
  setEmbedder(embedder: Embedder | null): void {
    this.vectors.use(embedder);
  }

  get embeddingModel(): string | null {
    return this.vectors.model;
  }

  private prepare(input: IngestInput): Prepared {
    const title = input.title.trim().replace(/\s+/g, " ");
    if (!title) throw new MemoryError("invalid_argument", "title: must not be empty");
    if (title.length > MAX_TITLE) throw new MemoryError("invalid_argument", `title: longer than ${MAX_TITLE} characters`);
    const kind = input.kind ?? "document";
    if (!DOCUMENT_KINDS.includes(kind)) throw new MemoryError("invalid_argument", `kind: must be one of ${DOCUMENT_KINDS.join(", ")}`);
    const content = input.text.replace(/\r\n?/g, "\n").trim();
    const source = input.source?.trim() || null;
    const format = input.format ?? detectFormat(content, source ?? undefined);
    const chunks = chunkBlocks(normalise(content, format), { size: this.opts.chunkSize, overlap: this.opts.chunkOverlap });
    if (chunks.length === 0) throw new MemoryError("invalid_argument", `text: document ${title} has nothing to index`);
    const hash = new Bun.CryptoHasher("sha256").update(content).digest("hex");
    return { title, source, kind, format, content, hash, meta: JSON.stringify(input.meta ?? {}), chunks };
  }

  /** The stored document this input duplicates; `replace` when it is a new version of the same source. */
  private match(p: Prepared): { dup: DocumentRow } | { replace: DocumentRow } | null {
    if (p.source) {
      const same = this.docs.findBySource(p.source);
      if (same) return same.content_hash === p.hash ? { dup: same } : { replace: same };
    }
    const dup = this.docs.findByHash(p.hash);
    return dup ? { dup } : null;
  }

  async ingest(input: IngestInput, signal?: AbortSignal): Promise<IngestResult> {
    return (await this.ingestMany([input], signal))[0]!;
  }

  /** Ingests several documents in one transaction (one fsync), embedding their chunks in batches first. */
  async ingestMany(inputs: readonly IngestInput[], signal?: AbortSignal): Promise<IngestResult[]> {
    const prepared = inputs.map((i) => this.prepare(i));
    // Embed only what will be written; the transaction checks again, since another ingest may commit meanwhile.
    const todo = this.vectors.current
      ? prepared.filter((p) => {
          const m = this.match(p);
          return !(m && "dup" in m);
        })
      : [];
    const texts = todo.flatMap((p) => p.chunks.map((c) => embedText(p.title, c.context, c.text)));
    const vectors = new Map<Prepared, Array<{ model: string; vector: Float32Array }>>();
    if (this.vectors.current && texts.length) {
      const flat: Array<{ model: string; vector: Float32Array } | null> = [];
      for (let i = 0; i < texts.length; i += EMBED_BATCH) {
        const out = await this.vectors.embed(texts.slice(i, i + EMBED_BATCH), signal);
        const n = Math.min(EMBED_BATCH, texts.length - i);
        for (let j = 0; j < n; j++) flat.push(out ? { model: out.model, vector: out.vectors[j]! } : null);
      }
      let at = 0;
      for (const p of todo) {
        const vs = flat.slice(at, at + p.chunks.length);
        at += p.chunks.length;
        if (vs.every((v) => v)) vectors.set(p, vs as Array<{ model: string; vector: Float32Array }>);
      }
    }
    signal?.throwIfAborted();

    const removed: number[] = [];
    const added: Parameters<VectorStore["apply"]>[1][number][] = [];
    let unembedded = false;
    const results = this.db.transaction(() =>
      prepared.map((p): IngestResult => {
        const m = this.match(p);
        if (m && "dup" in m) {
          if (p.source && m.dup.source === p.source) this.docs.setTitle(m.dup.id, p.title);
          return { id: m.dup.id, chunks: this.docs.chunkIds(m.dup.id).length, deduplicated: true, updated: false };
        }
        const time = Date.now();
        const doc = { title: p.title, source: p.source, kind: p.kind, format: p.format, hash: p.hash, content: p.content, meta: p.meta, time };
        let id: number;
        if (m) {
          id = m.replace.id;
          removed.push(...this.docs.replace(id, doc));
        } else {
          id = this.docs.insert(doc);
        }
        const vs = vectors.get(p);
        if (!vs) unembedded = true;
        p.chunks.forEach((c, i) => {
          const v = vs?.[i];
          const list = v ? this.vectors.listFor(v.model, v.vector) : null;
          const row: NewChunk = { position: c.position, context: c.context, text: c.text, model: v?.model ?? null, vector: v?.vector ?? null, list };
          const chunkId = this.docs.addChunk(id, row);
          if (v) added.push({ id: chunkId, model: v.model, vector: v.vector, list, kind: p.kind, time });
        });
        return { id, chunks: p.chunks.length, deduplicated: false, updated: m !== null };
      }),
    )();
    this.vectors.apply(removed, added);
    if (unembedded && this.vectors.current) this.vectors.catchUp();
    return results;
  }

  /** Hybrid search: full text always, vectors when an embedder is installed; fused by reciprocal rank. */
  async search(q: string, opts: SearchOptions = {}): Promise<SearchResult> {
    const k = Math.max(1, Math.min(Math.floor(opts.k ?? 10), 100));
    const pool = Math.max(4 * k, 40);
    const filters: Filters = { kinds: opts.kinds, since: opts.since };
    const lists: Partial<Record<Retriever, Ranked[]>> = {};
    const used: Retriever[] = ["fts"];
    const match = ftsQuery(q);
    lists.fts = match ? this.docs.fts(match, pool, filters) : [];
    if (this.vectors.searchable) {
      const out = await this.vectors.embed([q], opts.signal);
      if (out) {
        lists.vector = this.vectors.search(out.vectors[0]!, pool, { kinds: kindMask(opts.kinds), since: opts.since }).map((h) => ({ chunkId: h.id, score: h.score }));
        used.push("vector");
      }
    }
    const fused = fuse(lists, k);
    const rows = this.docs.hitDetails(fused.map((f) => f.chunkId));
    const hits: SearchHit[] = [];
    for (const f of fused) {
      const r = rows.get(f.chunkId);
      if (!r) continue; // deleted since it was ranked
      hits.push({
        documentId: r.documentId,
        title: r.title,
        kind: r.kind,
        source: r.source,
        chunkId: r.chunkId,
        context: r.context,
        text: r.text,
        score: f.score,
        retrievers: f.retrievers,
        scores: f.scores,
      });
    }
    return { hits, retrievers: used };
  }

  /**
   * Nearest chunks to a vector already in the current model's space (a
   * caller that embedded its own text); empty without an embedder. Cosine
   * similarity, best first. `nprobe` overrides [memory] vector_nprobe.
   */
  searchVector(vector: Float32Array, opts: Omit<SearchOptions, "signal"> & { nprobe?: number } = {}): Array<{ chunkId: number; score: number }> {
    const unit = normalized(vector);
    if (!unit || vector.length !== this.vectors.current?.dims) return [];
    const k = Math.max(1, Math.min(Math.floor(opts.k ?? 10), 1000));
    return this.vectors.search(unit, k, { kinds: kindMask(opts.kinds), since: opts.since }, opts.nprobe).map((h) => ({ chunkId: h.id, score: h.score }));
  }

  /** A procedure the orchestrator learned (seed 003: "nginx reverse proxy setup"); the same title again replaces it. */
  recordProcedure(p: ProcedureInput): Promise<IngestResult> {
    const steps = p.steps.map((s) => s.trim()).filter(Boolean);
    if (steps.length === 0) throw new MemoryError("invalid_argument", `procedure ${p.title}: steps must not be empty`);
    const text = [`# ${p.title.trim()}`, p.goal ? `Goal: ${p.goal.trim()}` : "", steps.map((s, i) => `${i + 1}. ${s}`).join("\n")].filter(Boolean).join("\n\n");
    const source = p.source ?? `procedure:${p.title.trim().toLowerCase().replace(/\s+/g, " ")}`;
    return this.ingest({ title: p.title, text, source, kind: "procedure", format: "markdown", meta: { steps, goal: p.goal ?? null, plan: p.plan ?? null } });
  }

  /** A decision and why it was taken; subject to the decision retention policy. */
  recordDecision(d: DecisionInput): Promise<IngestResult> {
    const lines = [`Decision: ${d.decision.trim()}`];
    if (d.goal) lines.push(`Goal: ${d.goal.trim()}`);
    if (d.rationale) lines.push(`Rationale: ${d.rationale.trim()}`);
    if (d.alternatives?.length) lines.push(`Alternatives considered: ${d.alternatives.map((a) => a.trim()).join("; ")}`);
    if (d.outcome) lines.push(`Outcome: ${d.outcome.trim()}`);
    const meta = { decision: d.decision, rationale: d.rationale ?? null, alternatives: d.alternatives ?? [], outcome: d.outcome ?? null, goal: d.goal ?? null };
    return this.ingest({ title: d.title, text: lines.join("\n\n"), kind: "decision", format: "text", meta });
  }

  get(id: number): Document | null {
    const r = this.docs.get(id);
    if (!r) return null;
    return {
      id: r.id,
      title: r.title,
      source: r.source,
      kind: r.kind,
      format: r.format,
      contentHash: r.content_hash,
      content: r.content,
      meta: JSON.parse(r.meta) as Record<string, unknown>,
      chunks: this.docs.chunkIds(r.id).length,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  /** Deletes documents with their chunks, full-text rows and vectors; returns how many existed. */
  delete(ids: readonly number[]): number {
    let n = 0;
    const chunks = this.db.transaction(() => {
      n = (this.db.query("SELECT count(*) AS n FROM documents WHERE id IN (SELECT value FROM json_each(?))").get(JSON.stringify(ids)) as { n: number }).n;
      return this.docs.delete(ids);
    })();
    this.vectors.apply(chunks, []);
    return n;
  }

  /** Deletes decisions past the policy's age or count; returns how many went. */
  applyRetention(policy: RetentionPolicy, now = Date.now()): { decisions: number } {
    const ids = new Set<number>();
    if (policy.decisionMaxAgeDays > 0) {
      const before = now - policy.decisionMaxAgeDays * DAY_MS;
      for (const r of this.db.query("SELECT id FROM documents WHERE kind = 'decision' AND updated_at < ?").all(before) as Array<{ id: number }>) ids.add(r.id);
    }
    if (policy.decisionMaxCount > 0) {
      const extra = this.db.query("SELECT id FROM documents WHERE kind = 'decision' ORDER BY updated_at DESC, id DESC LIMIT -1 OFFSET ?").all(policy.decisionMaxCount);
      for (const r of extra as Array<{ id: number }>) ids.add(r.id);
    }
    return { decisions: ids.size ? this.delete([...ids]) : 0 };
  }

  /** Embeds up to `batch` chunks lacking a vector of the current model (the background does this too). */
  reembed(batch?: number, signal?: AbortSignal): Promise<number> {
    return this.vectors.reembed(batch, signal);
  }

  /** Trains the vector index now (the background trains it when it has grown 4×). */
  trainIndex(): Promise<void> {
    return this.vectors.train();
  }

  /** Resolves when background vector work (re-embedding, training) has finished. */
  idle(): Promise<void> {
    return this.vectors.idle();
  }

  stats(): LongTermStats {
    const c = this.docs.counts();
    return { documents: c.documents, chunks: c.chunks, vectors: this.vectors.stats() };
  }

  close(): void {
    this.vectors.close();
    this.db.close();
  }
}
