/**
 * Reading the audit table: its rows as the API, the REPL and the fleet see
 * them, and the queries that find them. The ledger (ledger.ts) owns the
 * table and runs these after its queued writes; nothing here writes.
 */
import type { AuditRow } from "./audit-row";
import type { RawRow } from "./chain";
import type { Db } from "./db";

export type { AuditRow } from "./audit-row";

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

/** A row with the exact JSON text stored and the payload hash the chain covers (null for rows of the old format). */
export type SinceRow = AuditRow & { dataJson: string; dataHash: string | null };

export function toRow(r: RawRow): AuditRow {
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

/** Newest first; with only `afterSeq`, the oldest `limit` rows after it (a reader catching up), newest first among them. */
export function selectRows(db: Db, q: AuditQuery): AuditRow[] {
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
  return (db.query(sql).all(...args) as RawRow[]).map(toRow);
}

export function selectRow(db: Db, seq: number): AuditRow | undefined {
  const r = db.query("SELECT * FROM audit WHERE seq = ?1").get(seq) as RawRow | null;
  return r ? toRow(r) : undefined;
}

export function countRows(db: Db): number {
  return (db.query("SELECT count(*) AS n FROM audit").get() as { n: number }).n;
}

/** Rows after `seq`, oldest first, with their stored JSON text and payload hash (see AuditLedger.since). */
export function selectSince(db: Db, seq: number, limit: number): SinceRow[] {
  const rows = db.query("SELECT * FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2").all(seq, Math.max(0, Math.min(limit, 10_000))) as RawRow[];
  return rows.map((r) => ({ ...toRow(r), dataJson: r.data, dataHash: r.data_hash }));
}
