/**
 * The tool-call store: one row per call the executor accepted, kept beside the
 * audit table in the ledger's database. JSON columns arrive and leave as text:
 * the executor serialises each value once and hands the same string to the
 * ledger, so the hot path never parses what it just wrote.
 */
import { applyMigrations, type Db, type Statement } from "./db";
import { CALLS_MIGRATIONS } from "./migrations/calls";

export const CALL_STATUSES = ["queued", "running", "done", "failed", "denied", "interrupted"] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

export interface CallRecord {
  seq: number;
  ts: number;
  tool: string;
  agent: string;
  correlationId: string | null;
  /** JSON text. */
  args: string;
  status: CallStatus;
  /** JSON text, or null. */
  result: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  /** JSON text of the undo record, or null when none was saved. */
  undo: string | null;
  finishedAt: number | null;
  undoneAt: number | null;
  /** JSON text of the staged renames the call still owes (see sys/durable's Staging), or null. */
  pending: string | null;
}

interface RawCall {
  seq: number;
  ts: number;
  tool: string;
  agent: string;
  correlation_id: string | null;
  args: string;
  status: CallStatus;
  result: string | null;
  error_code: string | null;
  error_message: string | null;
  undo: string | null;
  finished_at: number | null;
  undone_at: number | null;
  pending: string | null;
}

function toRecord(r: RawCall): CallRecord {
  return {
    seq: r.seq,
    ts: r.ts,
    tool: r.tool,
    agent: r.agent,
    correlationId: r.correlation_id,
    args: r.args,
    status: r.status,
    result: r.result,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    undo: r.undo,
    finishedAt: r.finished_at,
    undoneAt: r.undone_at,
    pending: r.pending,
  };
}

/** A call the executor accepted: running now, or held for a person. */
export interface NewCall {
  seq: number;
  ts: number;
  tool: string;
  agent: string;
  correlationId: string | null;
  /** JSON text (the audited arguments). */
  args: string;
  status: "running" | "queued";
}

export interface CallFinish {
  status: "done" | "failed";
  result: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  undo: string | null;
  finishedAt: number;
  /** Staged renames the call still owes, JSON; written with the result so boot can finish them. */
  pending?: string | null;
}

/** Ids reserved durably at a time: one flush per this many calls, and at most this many skipped after a crash. */
export const CALL_ID_BLOCK = 1024;

export interface CallStoreOptions {
  /** Makes the database's commits durable now (the ledger's syncNow); without it, ids are reserved but not flushed. */
  sync?(): void;
  /** Runs the writes queued for the next group commit (the ledger's settle), before any read or transaction here sees the table. */
  settle?(): void;
}

export class CallStore {
  private readonly db: Db;
  private readonly insertStmt: Statement;
  private readonly finishStmt: Statement;
  private readonly getStmt: Statement;
  private readonly undoStmt: Statement;
  private lastSeq: number;
  private reserved: number;

  constructor(
    db: Db,
    private readonly opts: CallStoreOptions = {},
  ) {
    this.db = db;
    applyMigrations(db, "calls", CALLS_MIGRATIONS);
    // Named parameters: the records bind by field name (the database is opened strict), never by position.
    this.insertStmt = db.query("INSERT INTO calls (seq, ts, tool, agent, correlation_id, args, status) VALUES ($seq, $ts, $tool, $agent, $correlationId, $args, $status)");
    this.finishStmt = db.query(
      "UPDATE calls SET status = $status, result = $result, error_code = $errorCode, error_message = $errorMessage, undo = $undo, finished_at = $finishedAt, pending = $pending WHERE seq = $seq",
    );
    this.getStmt = db.query("SELECT * FROM calls WHERE seq = ?1");
    this.undoStmt = db.query("UPDATE calls SET undo = ?2 WHERE seq = ?1");
    const max = (db.query("SELECT max(seq) AS n FROM calls").get() as { n: number | null }).n ?? 0;
    this.reserved = (db.query("SELECT reserved FROM call_ids WHERE id = 1").get() as { reserved: number } | null)?.reserved ?? 0;
    // Rows lost to a power cut may have had ids up to the reserved mark: none of them is given out again.
    this.lastSeq = Math.max(max, this.reserved);
  }

  /**
   * The number the next call gets; ids are handed out before the row exists
   * so the audit row can carry it. Ids come from a block reserved durably
   * first, so a power cut that loses the last calls' rows never lets their
   * ids (already in undo directories, logs, answers) be given out again.
   */
  nextSeq(): number {
    const seq = ++this.lastSeq;
    if (seq > this.reserved) {
      this.reserved = seq + CALL_ID_BLOCK - 1;
      this.db.query("INSERT INTO call_ids (id, reserved) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET reserved = ?1").run(this.reserved);
      this.opts.sync?.();
    }
    return seq;
  }

  /** At a clean shutdown: the ids reserved and not used are free again (the next boot goes on from the last one used). */
  releaseIds(): void {
    if (this.reserved <= this.lastSeq) return;
    this.reserved = this.lastSeq;
    this.db.query("UPDATE call_ids SET reserved = ?1 WHERE id = 1").run(this.reserved);
  }

  /** The undo record as the tool saved it, kept at once (before the change it undoes). */
  saveUndo(seq: number, undoJson: string): void {
    this.undoStmt.run(seq, undoJson);
  }

  /** A redacted audit payload's copy here: the call's arguments or its result replaced by the same marker. */
  redact(seq: number, column: "args" | "result", markerJson: string): void {
    this.db.query(`UPDATE calls SET ${column} = ?2 WHERE seq = ?1`).run(seq, markerJson);
  }

  /** Staged renames done: nothing left for a boot to finish. */
  clearPending(seq: number): void {
    this.db.query("UPDATE calls SET pending = NULL WHERE seq = ?1").run(seq);
  }

  /** Calls with staged renames a crash may have left undone, oldest first. */
  withPending(): CallRecord[] {
    this.opts.settle?.();
    return (this.db.query("SELECT * FROM calls WHERE pending IS NOT NULL ORDER BY seq").all() as RawCall[]).map(toRecord);
  }

  insert(call: NewCall): void {
    this.insertStmt.run({ seq: call.seq, ts: call.ts, tool: call.tool, agent: call.agent, correlationId: call.correlationId, args: call.args, status: call.status });
  }

  finish(seq: number, f: CallFinish): void {
    this.finishStmt.run({ seq, status: f.status, result: f.result, errorCode: f.errorCode, errorMessage: f.errorMessage, undo: f.undo, finishedAt: f.finishedAt, pending: f.pending ?? null });
  }

  /** queued → running (approved) or denied; false when the call was not queued. */
  leaveQueue(seq: number, status: "running" | "denied", at: number, reason?: string): boolean {
    const sql =
      status === "running"
        ? "UPDATE calls SET status = 'running' WHERE seq = ?1 AND status = 'queued'"
        : "UPDATE calls SET status = 'denied', finished_at = ?2, error_code = 'denied', error_message = ?3 WHERE seq = ?1 AND status = 'queued'";
    const args = status === "running" ? [seq] : [seq, at, reason ?? null];
    return this.db.query(sql).run(...(args as [number])).changes === 1;
  }

  /** An undo record that arrived after the call was already answered (a timed-out tool that finished later). */
  saveLateUndo(seq: number, undoJson: string): void {
    this.db.query("UPDATE calls SET undo = ?2 WHERE seq = ?1 AND undo IS NULL").run(seq, undoJson);
  }

  /** Marks a call undone; false when it already was. */
  /** Marks a call undone and drops its undo record: nothing can use it any more, and it may hold the bytes it put back. */
  markUndone(seq: number, at: number): boolean {
    return this.db.query("UPDATE calls SET undone_at = ?2, undo = NULL WHERE seq = ?1 AND undone_at IS NULL").run(seq, at).changes === 1;
  }

  get(seq: number): CallRecord | undefined {
    this.opts.settle?.();
    const r = this.getStmt.get(seq) as RawCall | null;
    return r ? toRecord(r) : undefined;
  }

  /** Calls of one correlation id, newest first (the order they are undone in). */
  byCorrelation(correlationId: string): CallRecord[] {
    this.opts.settle?.();
    return (this.db.query("SELECT * FROM calls WHERE correlation_id = ?1 ORDER BY seq DESC").all(correlationId) as RawCall[]).map(toRecord);
  }

  /** Calls that saved an undo record not used yet, newest first, older than `beforeSeq`: what rollback can still take back. */
  undoable(limit: number, beforeSeq = Number.MAX_SAFE_INTEGER): CallRecord[] {
    this.opts.settle?.();
    return (this.db.query("SELECT * FROM calls WHERE seq < ?1 AND undo IS NOT NULL AND undone_at IS NULL ORDER BY seq DESC LIMIT ?2").all(beforeSeq, limit) as RawCall[]).map(toRecord);
  }

  /** Newest first; with `beforeSeq`, only older calls (the page after a cursor). */
  recent(limit = 50, beforeSeq = Number.MAX_SAFE_INTEGER): CallRecord[] {
    this.opts.settle?.();
    return (this.db.query("SELECT * FROM calls WHERE seq < ?2 ORDER BY seq DESC LIMIT ?1").all(Math.max(0, Math.min(limit, 10_000)), beforeSeq) as RawCall[]).map(toRecord);
  }

  /**
   * Calls left `running` by a process that died: they may or may not have
   * acted. A call cannot run longer than `horizonMs` after it started, so
   * only the newest rows are read (back to `horizonMs` before the newest
   * call), plus `alsoCheck`: calls that started running later than their row
   * was made (approved ones). Oldest first.
   */
  leftRunning(horizonMs: number, alsoCheck: readonly number[] = []): number[] {
    this.opts.settle?.();
    const found = new Set<number>();
    const page = this.db.query("SELECT seq, ts, status FROM calls WHERE seq < ?1 ORDER BY seq DESC LIMIT 512");
    let newest: number | undefined;
    // Read in pages, never leaving a statement half-stepped (it would hold the database open past close()).
    for (let before = Number.MAX_SAFE_INTEGER, done = false; !done; ) {
      const rows = page.all(before) as Array<{ seq: number; ts: number; status: CallStatus }>;
      done = rows.length < 512;
      for (const r of rows) {
        newest ??= r.ts;
        if (r.ts < newest - horizonMs) {
          done = true;
          break;
        }
        if (r.status === "running") found.add(r.seq);
        before = r.seq;
      }
    }
    for (const seq of alsoCheck) if (this.get(seq)?.status === "running") found.add(seq);
    return [...found].sort((a, b) => a - b);
  }

  /** A call left running, resolved at boot: `message` says what was found on disk and what was done about it. */
  interrupt(seq: number, at: number, message: string): boolean {
    return (
      this.db
        .query("UPDATE calls SET status = 'interrupted', finished_at = ?2, error_code = 'interrupted', error_message = ?3 WHERE seq = ?1 AND status = 'running'")
        .run(seq, at, message).changes === 1
    );
  }

  transaction<T>(fn: () => T): T {
    this.opts.settle?.();
    return this.db.transaction(fn)();
  }
}
