/**
 * The audit ledger (/var/lib/aios/ledger/audit.db): an append-only table in
 * which each row's hash covers the previous row's hash and the row itself
 * (its payload through the payload's hash: see chain.ts), so an edited,
 * removed or reordered row breaks the chain at that row.
 *
 * Durability, the way a database does it: commits run with
 * synchronous=NORMAL (they never block on the disk), and whoever must not
 * answer before its rows are on disk awaits `durable()`, a group commit: the
 * first waiter starts an fdatasync of the write-ahead log, and every writer
 * that arrives while it runs shares the next one. `syncNow()` does the same
 * at once, blocking, for rare writes (an undo record before its change, a
 * person's decision). `commit(fn)` is group commit one level up: writes
 * queued by concurrent callers run in one transaction (each in a savepoint
 * of its own, so one that fails takes only itself back) right before the
 * flush that makes them durable, so N calls waiting together cost one
 * commit's pages in the log, not N. After each flush the chain's head (seq and hash) is
 * written to a two-slot anchor file beside the database (anchor.ts), off the answer's
 * path; a ledger whose tail a power cut (or a lying disk) took away is then
 * still found out: `verify()` reports the rows missing up to the anchor, and
 * a boot that finds them gone records the loss in the chain itself. The
 * rows are read through audit-rows.ts, after the queued writes.
 */
import { closeSync, constants, openSync, statSync } from "node:fs";
import { AiosError, errorCode, errorMessage, fdatasyncAsync, fdatasyncFd, fsyncParent, GroupCommit, log, mayBlock, writeOutAsync, writeOutFds } from "../sys";
import {
  GENESIS_HASH,
  type HashedFields,
  type Head,
  type LossRecord,
  payloadHash,
  type RawRow,
  type RedactionMarker,
  type RedactionRecord,
  rowHash,
  verifyChain,
  type VerifyResult,
} from "./chain";
import { applyMigrations, type Db, openDatabase, type Statement } from "./db";
import { AUDIT_MIGRATIONS } from "./migrations/audit";
import { anchorPath, HeadAnchor } from "./anchor";
import { type AuditQuery, type AuditRow, countRows, selectRow, selectRows, selectSince, type SinceRow, toRow } from "./audit-rows";

export { GENESIS_HASH, payloadHash, rowHash, rowHashV1, type VerifyResult } from "./chain";
export type { AuditQuery, AuditRow, SinceRow } from "./audit-rows";
export { anchorPath } from "./anchor";

export interface AuditInput {
  kind: string;
  callId?: string;
  tool?: string;
  agent?: string;
  correlationId?: string;
  /** Any JSON value; stored as JSON text, whose sha256 is what the chain covers. */
  data?: unknown;
}

/** What a write-out covered (commitWritten): the chain's head and the connection's change count when it began. */
export interface LedgerMark {
  head: Head;
  changes: number;
}

/**
 * Why the ledger refused something: not_found (no such row), invalid_argument,
 * unhashed_row (written before payloads were hashed apart), already_redacted,
 * queued_call (a held call's request), not_durable (the disk failed a flush).
 */
export const LEDGER_ERROR_CODES = ["not_found", "invalid_argument", "unhashed_row", "already_redacted", "queued_call", "not_durable"] as const;
export type LedgerErrorCode = (typeof LEDGER_ERROR_CODES)[number];

export class LedgerError extends AiosError<LedgerErrorCode> {}

/** A write queued by commit(): its transaction's body, and what it threw when it ran. */
interface Queued {
  fn: () => void;
  error?: unknown;
}

export interface LedgerOptions {
  /** The anchor file; default none (a database opened directly, as tests do). AuditLedger.open passes audit.anchor beside the file. */
  anchor?: string;
}

export class AuditLedger {
  private readonly db: Db;
  private readonly insert: Statement;
  private readonly changesStmt: Statement;
  private lastSeq: number;
  private lastHash: string;
  /** What the last completed flush made durable: the head, and the connection's change count then. */
  private durableHead: Head;
  private durableChanges: number;
  private readonly commits: GroupCommit;
  private readonly writes: GroupCommit<LedgerMark>;
  private readonly walPath: string | null;
  /** The filesystem (st_dev) the database is on; null for one in memory. */
  readonly device: number | null;
  private walFd: number | null = null;
  private readonly anchor: HeadAnchor | null;
  private closed = false;
  private readHook: (() => void) | null = null;
  /** Descriptors commitWritten() callers want written out with the log, by the next write-out. */
  private withLog: number[] = [];
  /** The only write queued came from a caller with no other call in progress (commitWritten's `alone`). */
  private alone = false;
  /** Writes queued by commit(), run by settle() in one transaction. */
  private queued: Queued[] = [];
  private readonly batchTx: (items: Queued[]) => void;
  /** Set when a flush failed: after a failed fsync the kernel may have dropped the pages, so nothing more is promised. */
  private failed: LedgerError | null = null;

  /** The ledger in its own file, /var/lib/aios/ledger/audit.db, anchored in audit.anchor beside it. */
  static open(path: string): AuditLedger {
    return new AuditLedger(openDatabase(path, { synchronous: "normal" }), { anchor: anchorPath(path) });
  }

  constructor(db: Db, opts: LedgerOptions = {}) {
    this.db = db;
    applyMigrations(db, "audit", AUDIT_MIGRATIONS);
    // db.query, not db.prepare: close() finalizes cached statements, so the file is released at once.
    this.insert = this.db.query(
      "INSERT INTO audit (seq, ts, kind, call_id, tool, agent, correlation_id, data, data_hash, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    );
    this.changesStmt = this.db.query("SELECT total_changes() AS n");
    // Inside the batch's transaction bun:sqlite makes each item's transaction a savepoint.
    const item = this.db.transaction((fn: () => void) => fn());
    this.batchTx = this.db.transaction((items: Queued[]) => {
      for (const q of items) {
        try {
          item(q.fn);
        } catch (err) {
          q.error = err;
          this.resyncHead(); // its savepoint was rolled back, an append with it
        }
      }
    });
    this.lastSeq = 0;
    this.lastHash = GENESIS_HASH;
    this.resyncHead();
    this.walPath = db.filename && db.filename !== ":memory:" ? `${db.filename}-wal` : null;
    this.commits = new GroupCommit(() => this.flush());
    this.writes = new GroupCommit(() => this.writeOut());
    this.device = this.walPath ? statSync(db.filename).dev : null;
    this.durableHead = { seq: this.lastSeq, hash: this.lastHash };
    this.anchor = opts.anchor ? new HeadAnchor(opts.anchor, () => this.durableHead) : null;
    this.durableChanges = this.changes();
    if (this.walPath) fsyncParent(db.filename); // a new database file and its log are entries in the directory
    this.checkAnchor();
    this.syncNow();
  }

  /** Re-reads the chain head from the table: after an outer transaction that held an append was rolled back. */
  resyncHead(): void {
    const last = this.db.query("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").get() as Head | null;
    this.lastSeq = last?.seq ?? 0;
    this.lastHash = last?.hash ?? GENESIS_HASH;
  }

  /**
   * At open: the chain must reach the head anchored at the last commit. If
   * it does not (its tail is gone, or a different row stands there), the loss
   * is recorded as a `lost` row, numbered after the anchored head so no seq
   * is used twice, and `verify()` reports it from then on.
   */
  private checkAnchor(): void {
    const a = this.anchor?.read();
    if (!a || a.seq === 0) return;
    let loss: LossRecord | null = null;
    if (a.seq > this.lastSeq) loss = { from: this.lastSeq + 1, to: a.seq, anchor: a };
    else {
      const there = this.db.query("SELECT hash FROM audit WHERE seq = ?1").get(a.seq) as { hash: string } | null;
      if (there && there.hash !== a.hash) loss = { anchor: a, found: there.hash };
    }
    if (!loss) return;
    const seq = loss.to !== undefined ? loss.to + 1 : this.lastSeq + 1;
    this.write({ kind: "lost" }, JSON.stringify(loss), seq);
    log.error(`audit: the ledger does not reach the head anchored at its last commit (row ${a.seq}); recorded as row ${seq}`);
  }

  /** Appends one row and returns it; the chain head moves only if the insert committed. */
  append(input: AuditInput): AuditRow {
    this.settle();
    return toRow(this.write(input, JSON.stringify(input.data ?? null)));
  }

  /**
   * Appends one row whose data is already JSON text (the executor serialises
   * arguments and results once for the calls table and the ledger); returns
   * its seq. Inside an outer transaction call it last, so a failure before it
   * leaves the chain head where it was.
   */
  appendJson(input: Omit<AuditInput, "data">, json: string): number {
    this.settle();
    return this.write(input, json).seq;
  }

  private write(input: Omit<AuditInput, "data">, json: string, seq = this.lastSeq + 1): RawRow {
    const fields = {
      seq,
      ts: Date.now(),
      kind: input.kind,
      call_id: input.callId ?? null,
      tool: input.tool ?? null,
      agent: input.agent ?? null,
      correlation_id: input.correlationId ?? null,
      data: json,
      data_hash: payloadHash(json),
      prev_hash: this.lastHash,
    } satisfies HashedFields;
    const hash = rowHash(fields);
    this.insert.run(fields.seq, fields.ts, fields.kind, fields.call_id, fields.tool, fields.agent, fields.correlation_id, fields.data, fields.data_hash, fields.prev_hash, hash);
    this.lastSeq = fields.seq;
    this.lastHash = hash;
    return { ...fields, hash };
  }

  // ---- durability -------------------------------------------------------------

  private changes(): number {
    return (this.changesStmt.get() as { n: number }).n;
  }

  /** The write-ahead log, opened once; null while there is none (nothing written since it was checkpointed away). */
  private wal(): number | null {
    if (this.walFd !== null || !this.walPath) return this.walFd;
    try {
      this.walFd = openSync(this.walPath, constants.O_RDONLY);
    } catch (err) {
      if (errorCode(err) !== "ENOENT") throw err;
    }
    return this.walFd;
  }

  private fail(err: unknown): LedgerError {
    this.failed ??= new LedgerError("not_durable", `audit: flushing the ledger to disk failed (${errorMessage(err)}); no further call can be acknowledged`, { cause: err });
    log.error(this.failed.message);
    return this.failed;
  }

  private async flush(): Promise<void> {
    if (this.failed) throw this.failed;
    this.settle();
    // What this flush covers, captured before the fdatasync starts: every commit made so far.
    const head = { seq: this.lastSeq, hash: this.lastHash };
    const changes = this.changes();
    const fd = this.wal();
    try {
      if (fd !== null) await fdatasyncAsync(fd);
    } catch (err) {
      if (this.closed) return; // close() synced everything first, then closed the descriptor under this flush
      throw this.fail(err);
    }
    this.advance(head, changes);
  }

  /**
   * The commit() queue's other flush: the log's pages, and the files its
   * callers named, written to the disk together, not flushed (see
   * commitWritten). A lone caller's write-out runs here, on the main
   * thread, while the disk answers quickly (sys mayBlock): its two or three
   * small writes take less than a hop to the worker and back (measured on
   * ext4 over a loop device: ~100 µs against ~125 µs for the hop alone). Any other goes to the worker, so that the
   * calls in progress go on meanwhile: with 64 callers, each write-out
   * blocking this thread left it idle a fifth of the time.
   */
  private async writeOut(): Promise<LedgerMark> {
    if (this.failed) throw this.failed;
    const lone = this.alone && this.queued.length <= 1 && mayBlock();
    this.alone = false;
    this.settle();
    const mark = { head: { seq: this.lastSeq, hash: this.lastHash }, changes: this.changes() };
    const wal = this.wal();
    const fds = wal === null ? this.withLog : [wal, ...this.withLog];
    this.withLog = [];
    const what = `audit: writing ${this.walPath} out`;
    try {
      if (lone) writeOutFds(fds, what);
      else await writeOutAsync(fds, what);
    } catch (err) {
      if (this.closed) return mark;
      throw this.fail(err);
    }
    return mark;
  }

  private advance(head: Head, changes: number): void {
    if (head.seq >= this.durableHead.seq) this.durableHead = head;
    if (changes > this.durableChanges) this.durableChanges = changes;
    this.anchor?.later();
  }

  /**
   * Resolves once every commit made on the ledger's database before this
   * call (audit rows, and the calls and approvals beside them) is on disk.
   * Concurrent callers share one flush.
   */
  durable(): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.queued.length === 0 && (!this.walPath || this.changes() === this.durableChanges)) return Promise.resolve();
    return this.commits.wait();
  }

  /**
   * Queues a write (`fn`, the body of a transaction on the ledger's
   * database: audit rows, and the calls rows beside them) and resolves once
   * it is on disk; rejects with what `fn` threw, its rows taken back. Writes
   * queued while a flush runs go in one transaction just before the next
   * one; the first when none runs goes at once (group commit: nobody waits
   * for company). Anything that reads or writes the database first runs
   * what is queued (settle), so no one sees the rows out of order.
   */
  commit(fn: () => void): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    const q: Queued = { fn };
    this.queued.push(q);
    if (!this.walPath) {
      this.settle();
      return q.error === undefined ? Promise.resolve() : Promise.reject(q.error);
    }
    return this.commits.wait().then(() => {
      if (q.error !== undefined) throw q.error;
    });
  }

  /**
   * commit() for a caller that makes a journal commit of the ledger's
   * filesystem happen itself (a rename it then flushes): `fn` is queued the
   * same way, and this resolves once its pages, and those of the files open
   * at `fds` (on the same filesystem), are written to the disk but not
   * flushed, with what the write covered. `alone`: the caller knows of no
   * other write coming (see writeOut). Once the caller's own flush of
   * that filesystem has completed, on one where a journal commit persists
   * what was written before it (sys commitKeepsWritten), `persisted(mark)`
   * records them durable: one flush for both, where commit() then the
   * caller's would be two.
   */
  commitWritten(fn: () => void, fds: readonly number[] = [], alone = false): Promise<LedgerMark> {
    if (this.failed) return Promise.reject(this.failed);
    const q: Queued = { fn };
    this.queued.push(q);
    this.withLog.push(...fds);
    this.alone = alone && this.queued.length === 1;
    if (!this.walPath) {
      // In memory: nothing to write out, nothing to declare durable.
      this.settle();
      return q.error === undefined ? Promise.resolve({ head: { seq: this.lastSeq, hash: this.lastHash }, changes: 0 }) : Promise.reject(q.error);
    }
    return this.writes.wait().then((mark) => {
      if (q.error !== undefined) throw q.error;
      return mark;
    });
  }

  /** What commitWritten() resolved with is on disk now: the caller's flush, begun after it, has completed. */
  persisted(mark: LedgerMark): void {
    if (this.failed || mark.changes === 0) return;
    this.advance(mark.head, mark.changes);
  }

  /** Runs the writes commit() queued, in one transaction: before any other read or write of the database. */
  settle(): void {
    if (this.queued.length === 0) return;
    const batch = this.queued;
    this.queued = [];
    try {
      this.batchTx(batch);
    } catch (err) {
      // The commit itself failed: nothing of the batch is in the database.
      for (const q of batch) q.error ??= err;
      this.resyncHead();
    }
  }

  /** The same, now, blocking: for rare writes that must be on disk before the next step (an undo record). */
  syncNow(): void {
    if (this.failed) throw this.failed;
    this.settle();
    if (!this.walPath) return;
    const head = { seq: this.lastSeq, hash: this.lastHash };
    const changes = this.changes();
    const fd = this.wal();
    try {
      if (fd !== null) fdatasyncFd(fd);
    } catch (err) {
      throw this.fail(err);
    }
    this.advance(head, changes);
  }

  /** The head anchored outside the ledger (null: none yet). */
  anchored(): Head | null {
    return this.anchor?.read() ?? null;
  }

  // ---- reading, redaction, verification ---------------------------------------

  /**
   * Runs `fn` before each read of the rows: the executor writes a call's
   * request with its result when nothing could look in between, and a tool
   * that reads the ledger while it runs is that exception.
   */
  beforeRead(fn: () => void): void {
    this.readHook = fn;
  }

  /** Newest first; with only `afterSeq`, the oldest `limit` rows after it (a reader catching up), newest first among them. */
  query(q: AuditQuery = {}): AuditRow[] {
    this.beforeReading();
    return selectRows(this.db, q);
  }

  get(seq: number): AuditRow | undefined {
    this.beforeReading();
    return selectRow(this.db, seq);
  }

  count(): number {
    this.beforeReading();
    return countRows(this.db);
  }

  /** What every read runs first: the queued writes, then the read hook. */
  private beforeReading(): void {
    this.settle();
    this.readHook?.();
  }

  /**
   * Replaces row `seq`'s payload with a marker, after the fact (a secret that
   * should never have been written); the chain still verifies because it
   * covers the payload's hash. The redaction is itself a row (`redact`: the
   * seq, the payload's hash, who and why), returned here. Call `durable()`
   * before answering. Rows of the old format, and the ledger's own records
   * of redactions and losses, are refused.
   */
  redact(seq: number, by: string, reason: string): AuditRow {
    const why = reason.trim();
    if (!why) throw new LedgerError("invalid_argument", `audit row ${seq}: a redaction needs a reason`);
    if (why.length > 500) throw new LedgerError("invalid_argument", `audit row ${seq}: the reason must be at most 500 characters`);
    this.settle();
    const r = this.db.query("SELECT * FROM audit WHERE seq = ?1").get(seq) as RawRow | null;
    if (!r) throw new LedgerError("not_found", `audit row ${seq}: no such row`);
    if (r.data_hash === null) throw new LedgerError("unhashed_row", `audit row ${seq}: written before payloads were hashed apart; redacting it would break the chain`);
    if (r.kind === "redact" || r.kind === "lost") throw new LedgerError("invalid_argument", `audit row ${seq}: records a ${r.kind === "redact" ? "redaction" : "loss"} itself and stays as it is`);
    if (payloadHash(r.data) !== r.data_hash) throw new LedgerError("already_redacted", `audit row ${seq}: already redacted`);
    const redactSeq = this.lastSeq + 1;
    const at = Date.now();
    const mark: RedactionMarker = { $redacted: redactSeq, by, reason: why, at };
    const record: RedactionRecord = { seq, dataHash: r.data_hash, by, reason: why };
    try {
      return this.db.transaction(() => {
        this.db.query("UPDATE audit SET data = ?2 WHERE seq = ?1").run(seq, JSON.stringify(mark));
        return this.append({ kind: "redact", callId: r.call_id ?? undefined, tool: r.tool ?? undefined, agent: r.agent ?? undefined, correlationId: r.correlation_id ?? undefined, data: record });
      })();
    } catch (err) {
      this.resyncHead();
      throw err;
    }
  }

  /**
   * Walks the whole chain from the first row and reports the first row that
   * does not hold; then that it reaches the anchored head and the head this
   * process wrote, and any loss a boot recorded.
   */
  verify(): VerifyResult {
    this.beforeReading();
    return verifyChain(this.db.query("SELECT * FROM audit ORDER BY seq").iterate() as IterableIterator<RawRow>, this.anchored(), this.lastSeq);
  }

  /**
   * Rows after `seq`, oldest first, each with `dataJson`: the exact JSON text
   * stored (parsing and re-serialising is lossy: `0.770` comes back as
   * `0.77`), and `dataHash`, its sha256 the chain covers (null for rows of
   * the old format, whose hash covers `dataJson` itself), so a copy made
   * elsewhere (fleet mode) can be verified there (fleet/verify.ts).
   */
  since(seq: number, limit = 1000): SinceRow[] {
    this.beforeReading();
    return selectSince(this.db, seq, limit);
  }

  /** The database it lives in, for stores that keep their tables beside it (calls, approvals). */
  get database(): Db {
    return this.db;
  }

  /** Makes everything durable, anchors the final head (blocking) and closes. */
  close(): void {
    try {
      this.settle();
      if (!this.failed) this.syncNow();
    } catch (err) {
      log.warn(`audit: closing the ledger: ${errorMessage(err)}`);
    }
    this.closed = true;
    try {
      this.anchor?.close(this.failed ? null : this.durableHead);
    } catch (err) {
      log.warn(`audit: anchoring the final head: ${errorMessage(err)}`);
    }
    this.db.close();
    if (this.walFd !== null) closeSync(this.walFd);
    this.walFd = null;
  }
}
