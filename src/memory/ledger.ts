/**
 * The audit ledger (/var/lib/aios/ledger/audit.db): an append-only table in
 * which each row's hash covers the previous row's hash and the row itself, so
 * an edited, removed or reordered row breaks the chain at that row.
 *
 * It runs with synchronous=NORMAL: a commit survives the process being killed
 * and a power cut never corrupts the file, but a power cut may lose the last
 * few appends (FULL would fsync every call and cap the pipeline near disk
 * latency).
 */
import type { Statement } from "bun:sqlite";
import { applyMigrations, type Db, openDatabase } from "./db";
import { AUDIT_MIGRATIONS } from "./migrations/audit";

export const GENESIS_HASH = "0".repeat(64);

export interface AuditInput {
  kind: string;
  callId?: string;
  tool?: string;
  agent?: string;
  correlationId?: string;
  /** Any JSON value; stored as JSON text, which is what the hash covers. */
  data?: unknown;
}

export interface AuditRow {
  seq: number;
  ts: number;
  kind: string;
  callId: string | null;
  tool: string | null;
  agent: string | null;
  correlationId: string | null;
  data: unknown;
  prevHash: string;
  hash: string;
}

export interface AuditQuery {
  limit?: number;
  callId?: string;
  correlationId?: string;
  tool?: string;
  kind?: string;
  agent?: string;
  /** Only rows with seq greater than this: the `limit` rows right after it (still returned newest first). */
  afterSeq?: number;
  /** Only rows written at or after this time (ms since the epoch). */
  since?: number;
  /** Only rows written before this time (ms since the epoch). */
  until?: number;
  /** Only rows whose data holds this text (as it reads inside a JSON string: "/etc/hosts", "nginx"), case-sensitive. */
  text?: string;
  /** Only rows with seq less than this: the page before a cursor. */
  beforeSeq?: number;
}

export interface VerifyResult {
  ok: boolean;
  rows: number;
  /** seq of the first row whose hash, link or position is wrong. */
  firstBadRow?: number;
  reason?: string;
}

interface RawRow {
  seq: number;
  ts: number;
  kind: string;
  call_id: string | null;
  tool: string | null;
  agent: string | null;
  correlation_id: string | null;
  data: string;
  prev_hash: string;
  hash: string;
}

type HashedFields = Omit<RawRow, "hash">;

/** The hash of a row: sha256 over its fields, NUL-separated, starting with the previous hash. */
export function rowHash(r: HashedFields): string {
  // One string hashed at once: the same bytes as updating part by part, at a quarter of the cost.
  const text = `${r.prev_hash}\0${r.seq}\0${r.ts}\0${r.kind}\0${r.call_id ?? ""}\0${r.tool ?? ""}\0${r.agent ?? ""}\0${r.correlation_id ?? ""}\0${r.data}\0`;
  return Bun.CryptoHasher.hash("sha256", text, "hex") as string;
}

function toRow(r: RawRow): AuditRow {
  return {
    seq: r.seq,
    ts: r.ts,
    kind: r.kind,
    callId: r.call_id,
    tool: r.tool,
    agent: r.agent,
    correlationId: r.correlation_id,
    data: JSON.parse(r.data),
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export class AuditLedger {
  private readonly db: Db;
  private readonly insert: Statement;
  private lastSeq: number;
  private lastHash: string;

  /** The ledger in its own file, /var/lib/aios/ledger/audit.db. */
  static open(path: string): AuditLedger {
    return new AuditLedger(openDatabase(path, { synchronous: "normal" }));
  }

  constructor(db: Db) {
    this.db = db;
    applyMigrations(db, "audit", AUDIT_MIGRATIONS);
    // db.query, not db.prepare: close() finalizes cached statements, so the file is released at once.
    this.insert = this.db.query(
      "INSERT INTO audit (seq, ts, kind, call_id, tool, agent, correlation_id, data, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    );
    this.lastSeq = 0;
    this.lastHash = GENESIS_HASH;
    this.resyncHead();
  }

  /** Re-reads the chain head from the table: after an outer transaction that held an append was rolled back. */
  resyncHead(): void {
    const last = this.db.query("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").get() as { seq: number; hash: string } | null;
    this.lastSeq = last?.seq ?? 0;
    this.lastHash = last?.hash ?? GENESIS_HASH;
  }

  /** Appends one row and returns it; the chain head moves only if the insert committed. */
  append(input: AuditInput): AuditRow {
    return toRow(this.write(input, JSON.stringify(input.data ?? null)));
  }

  /**
   * Appends one row whose data is already JSON text (the executor serialises
   * arguments and results once for the calls table and the ledger); returns
   * its seq. Inside an outer transaction call it last, so a failure before it
   * leaves the chain head where it was.
   */
  appendJson(input: Omit<AuditInput, "data">, json: string): number {
    return this.write(input, json).seq;
  }

  private write(input: Omit<AuditInput, "data">, json: string): RawRow {
    const fields: HashedFields = {
      seq: this.lastSeq + 1,
      ts: Date.now(),
      kind: input.kind,
      call_id: input.callId ?? null,
      tool: input.tool ?? null,
      agent: input.agent ?? null,
      correlation_id: input.correlationId ?? null,
      data: json,
      prev_hash: this.lastHash,
    };
    const hash = rowHash(fields);
    this.insert.run(fields.seq, fields.ts, fields.kind, fields.call_id, fields.tool, fields.agent, fields.correlation_id, fields.data, fields.prev_hash, hash);
    this.lastSeq = fields.seq;
    this.lastHash = hash;
    return { ...fields, hash };
  }

  /** Newest first; with only `afterSeq`, the oldest `limit` rows after it (a reader catching up), newest first among them. */
  query(q: AuditQuery = {}): AuditRow[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (q.callId !== undefined) (where.push("call_id = ?"), args.push(q.callId));
    if (q.correlationId !== undefined) (where.push("correlation_id = ?"), args.push(q.correlationId));
    if (q.tool !== undefined) (where.push("tool = ?"), args.push(q.tool));
    if (q.kind !== undefined) (where.push("kind = ?"), args.push(q.kind));
    if (q.agent !== undefined) (where.push("agent = ?"), args.push(q.agent));
    if (q.afterSeq !== undefined) (where.push("seq > ?"), args.push(q.afterSeq));
    if (q.since !== undefined) (where.push("ts >= ?"), args.push(q.since));
    if (q.until !== undefined) (where.push("ts < ?"), args.push(q.until));
    // instr, not LIKE: the text is matched as written, with no wildcard to escape; JSON-escaped as the data column holds it.
    if (q.text !== undefined) (where.push("instr(data, ?) > 0"), args.push(JSON.stringify(q.text).slice(1, -1)));
    if (q.beforeSeq !== undefined) (where.push("seq < ?"), args.push(q.beforeSeq));
    const select = `SELECT * FROM audit${where.length ? ` WHERE ${where.join(" AND ")}` : ""}`;
    const catchingUp = q.afterSeq !== undefined && q.beforeSeq === undefined;
    const sql = catchingUp ? `SELECT * FROM (${select} ORDER BY seq LIMIT ?) ORDER BY seq DESC` : `${select} ORDER BY seq DESC LIMIT ?`;
    args.push(Math.max(0, Math.min(q.limit ?? 100, 10_000)));
    return (this.db.query(sql).all(...args) as RawRow[]).map(toRow);
  }

  count(): number {
    return (this.db.query("SELECT count(*) AS n FROM audit").get() as { n: number }).n;
  }

  /** Walks the whole chain from the first row and reports the first row that does not hold. */
  verify(): VerifyResult {
    let expectedSeq = 1;
    let prev = GENESIS_HASH;
    let rows = 0;
    for (const r of this.db.query("SELECT * FROM audit ORDER BY seq").iterate() as IterableIterator<RawRow>) {
      rows++;
      if (r.seq !== expectedSeq) return { ok: false, rows, firstBadRow: r.seq, reason: `row ${expectedSeq} is missing` };
      if (r.prev_hash !== prev) return { ok: false, rows, firstBadRow: r.seq, reason: "does not link to the previous row" };
      if (rowHash(r) !== r.hash) return { ok: false, rows, firstBadRow: r.seq, reason: "content does not match its hash" };
      prev = r.hash;
      expectedSeq++;
    }
    // A cut-off tail leaves a valid chain; only the head this process wrote can tell.
    if (expectedSeq - 1 < this.lastSeq) {
      return { ok: false, rows, firstBadRow: expectedSeq, reason: `rows after ${expectedSeq - 1} are missing` };
    }
    return { ok: true, rows };
  }

  /**
   * Rows after `seq`, oldest first, each with `dataJson`: the exact JSON text
   * the hash covers (parsing and re-serialising is lossy: `0.770` comes back
   * as `0.77`), so a copy made elsewhere (fleet mode) can be verified there.
   */
  since(seq: number, limit = 1000): Array<AuditRow & { dataJson: string }> {
    const rows = this.db.query("SELECT * FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2").all(seq, Math.max(0, Math.min(limit, 10_000))) as RawRow[];
    return rows.map((r) => ({ ...toRow(r), dataJson: r.data }));
  }

  /** The database it lives in, for stores that keep their tables beside it (calls, approvals). */
  get database(): Db {
    return this.db;
  }

  close(): void {
    this.db.close();
  }
}
