/**
 * The SQL side of long-term memory: documents and their chunks, with the
 * statements prepared once. Callers hold the transaction; the full-text index
 * follows the rows through the schema's triggers.
 */
import type { Db, Statement } from "../db";

export const DOCUMENT_KINDS = ["document", "procedure", "decision"] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** A kind's bit in vector-index filters. */
export const KIND_CODE: Readonly<Record<DocumentKind, number>> = { document: 0, procedure: 1, decision: 2 };

export interface DocumentRow {
  id: number;
  title: string;
  source: string | null;
  kind: DocumentKind;
  format: "text" | "markdown";
  content_hash: string;
  content: string;
  meta: string;
  created_at: number;
  updated_at: number;
}

export interface ChunkRow {
  id: number;
  document_id: number;
  position: number;
  context: string;
  text: string;
}

export interface NewDocument {
  title: string;
  source: string | null;
  kind: DocumentKind;
  format: "text" | "markdown";
  hash: string;
  content: string;
  meta: string;
  time: number;
}

export interface NewChunk {
  position: number;
  context: string;
  text: string;
  /** Set when the chunk was embedded: model, unit vector and IVF list. */
  model: string | null;
  vector: Float32Array | null;
  list: number | null;
}

export interface FtsHit {
  chunkId: number;
  /** -bm25: higher is better. */
  score: number;
}

export interface Filters {
  kinds?: readonly DocumentKind[];
  since?: number;
}

/** Column weights for bm25: a word in the title or headings says more than one in the body. */
const BM25 = "bm25(chunks_fts, 4.0, 2.0, 1.0)";

export class DocumentStore {
  private readonly byHash: Statement;
  private readonly bySource: Statement;
  private readonly byId: Statement;
  private readonly insertDoc: Statement;
  private readonly updateDoc: Statement;
  private readonly retitle: Statement;
  private readonly chunkIdsOf: Statement;
  private readonly deleteChunksOf: Statement;
  private readonly insertChunk: Statement;
  private readonly ftsStmt: Statement;
  private readonly hitRows: Statement;

  constructor(private readonly db: Db) {
    this.byHash = db.prepare("SELECT * FROM documents WHERE content_hash = ? ORDER BY id LIMIT 1");
    this.bySource = db.prepare("SELECT * FROM documents WHERE source = ?");
    this.byId = db.prepare("SELECT * FROM documents WHERE id = ?");
    this.insertDoc = db.prepare(
      "INSERT INTO documents (title, source, kind, format, content_hash, content, meta, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8) RETURNING id",
    );
    this.updateDoc = db.prepare(
      "UPDATE documents SET title = ?2, kind = ?3, format = ?4, content_hash = ?5, content = ?6, meta = ?7, updated_at = ?8 WHERE id = ?1",
    );
    this.retitle = db.prepare("UPDATE documents SET title = ?2 WHERE id = ?1 AND title <> ?2");
    this.chunkIdsOf = db.prepare("SELECT id FROM chunks WHERE document_id = ?");
    this.deleteChunksOf = db.prepare("DELETE FROM chunks WHERE document_id = ?");
    this.insertChunk = db.prepare(
      "INSERT INTO chunks (document_id, position, context, text, embed_model, embed_dims, ivf_list, embedding) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
    );
    this.ftsStmt = db.prepare(
      `SELECT c.id AS chunkId, -${BM25} AS score
         FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid JOIN documents d ON d.id = c.document_id
        WHERE chunks_fts MATCH ?1
          AND (?2 IS NULL OR d.kind IN (SELECT value FROM json_each(?2)))
          AND d.updated_at >= ?3
        ORDER BY ${BM25} LIMIT ?4`,
    );
    this.hitRows = db.prepare(
      `SELECT c.id AS chunkId, c.document_id AS documentId, c.position, c.context, c.text, d.title, d.kind, d.source, d.updated_at AS updatedAt
         FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.id IN (SELECT value FROM json_each(?1))`,
    );
  }

  findByHash(hash: string): DocumentRow | null {
    return this.byHash.get(hash) as DocumentRow | null;
  }

  findBySource(source: string): DocumentRow | null {
    return this.bySource.get(source) as DocumentRow | null;
  }

  get(id: number): DocumentRow | null {
    return this.byId.get(id) as DocumentRow | null;
  }

  insert(d: NewDocument): number {
    return (this.insertDoc.get(d.title, d.source, d.kind, d.format, d.hash, d.content, d.meta, d.time) as { id: number }).id;
  }

  /** Replaces a document's fields and drops its chunks; returns the dropped chunk ids. */
  replace(id: number, d: NewDocument): number[] {
    const old = this.chunkIds(id);
    this.deleteChunksOf.run(id);
    this.updateDoc.run(id, d.title, d.kind, d.format, d.hash, d.content, d.meta, d.time);
    return old;
  }

  setTitle(id: number, title: string): void {
    this.retitle.run(id, title);
  }

  chunkIds(documentId: number): number[] {
    return (this.chunkIdsOf.all(documentId) as Array<{ id: number }>).map((r) => r.id);
  }

  addChunk(documentId: number, c: NewChunk): number {
    const blob = c.vector ? new Uint8Array(c.vector.buffer, c.vector.byteOffset, c.vector.byteLength) : null;
    return (this.insertChunk.get(documentId, c.position, c.context, c.text, c.model, c.vector?.length ?? null, c.list, blob) as { id: number }).id;
  }

  /** Deletes documents (chunks and index rows follow by cascade and trigger); returns their chunk ids. */
  delete(ids: readonly number[]): number[] {
    if (ids.length === 0) return [];
    const list = JSON.stringify(ids);
    const chunks = (this.db.query("SELECT id FROM chunks WHERE document_id IN (SELECT value FROM json_each(?))").all(list) as Array<{ id: number }>).map((r) => r.id);
    this.db.query("DELETE FROM documents WHERE id IN (SELECT value FROM json_each(?))").run(list);
    return chunks;
  }

  /** Full-text candidates, best first. */
  fts(match: string, limit: number, f: Filters): FtsHit[] {
    return this.ftsStmt.all(match, f.kinds?.length ? JSON.stringify(f.kinds) : null, f.since ?? 0, limit) as FtsHit[];
  }

  /** The rows behind hits, keyed by chunk id. */
  hitDetails(chunkIds: readonly number[]): Map<number, HitRow> {
    const rows = this.hitRows.all(JSON.stringify(chunkIds)) as HitRow[];
    return new Map(rows.map((r) => [r.chunkId, r]));
  }

  counts(): { documents: Record<DocumentKind, number>; chunks: number } {
    const documents = { document: 0, procedure: 0, decision: 0 };
    for (const r of this.db.query("SELECT kind, count(*) AS n FROM documents GROUP BY kind").all() as Array<{ kind: DocumentKind; n: number }>) documents[r.kind] = r.n;
    const chunks = (this.db.query("SELECT count(*) AS n FROM chunks").get() as { n: number }).n;
    return { documents, chunks };
  }
}

export interface HitRow {
  chunkId: number;
  documentId: number;
  position: number;
  context: string;
  text: string;
  title: string;
  kind: DocumentKind;
  source: string | null;
  updatedAt: number;
}
