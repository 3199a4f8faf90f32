/**
 * What a call writes to the ledger's database, in which commit, and how its
 * staged files follow: the executor's pipeline decides when a stage is
 * reached; this decides how it reaches the disk.
 *
 * Each write is one transaction (calls row + audit row, statements prepared
 * once) ending with the ledger append, so one that throws halfway is taken
 * back whole and the ledger re-reads its head. A call's begin (its calls row
 * and `request` row) rides in the first transaction that needs it. Results
 * go through the ledger's commit queue (AuditLedger.commit): those of calls
 * ending together share one transaction and one flush. Staged files are put
 * in place only once the result that lists them is durable, or, where one
 * journal commit after the renames persists it first, written out to the
 * disk (apply); the plan is cleared in a later transaction, never in a
 * commit of its own.
 */
import type { AuditInput, AuditLedger, CallStore, LedgerMark, NewCall } from "../memory";
import { errorMessage, type Staging } from "../sys";
import { ToolExecutionError } from "./errors";
import { LedgerError } from "../memory";
import { callId } from "./views";

/** What a call writes when it starts: its calls row and its `request` audit row (with its payload, JSON). */
export interface Begin {
  call: NewCall;
  audit: AuditInput;
  json: string;
}

export type Finish = Parameters<CallStore["finish"]>[1];

export class CallCommits {
  private readonly beginTx: (b: Begin) => void;
  private readonly undoTx: (b: Begin | null, seq: number, json: string) => void;
  private readonly finishTx: (b: Begin | null, seq: number, f: Finish, audit: AuditInput, json: string) => void;
  /** Calls whose staged renames are done and whose plan row is not cleared yet. */
  private readonly cleared: number[] = [];
  /** Calls putting staged files in place now (see apply). */
  private applying = 0;

  constructor(
    private readonly ledger: AuditLedger,
    private readonly calls: CallStore,
  ) {
    const db = ledger.database;
    this.beginTx = db.transaction((b: Begin) => {
      this.clearDone();
      this.insert(b);
    });
    this.undoTx = db.transaction((b: Begin | null, seq: number, json: string) => {
      if (b) this.insert(b);
      this.calls.saveUndo(seq, json);
    });
    this.finishTx = db.transaction((b, seq, f, audit, json) => {
      this.clearDone();
      if (b) this.insert(b);
      this.calls.finish(seq, f);
      this.ledger.appendJson(audit, json);
    });
  }

  /** Runs a write, after what the commit queue holds; a failed transaction may have held an append, so the ledger re-reads its head. */
  write<T>(fn: () => T): T {
    this.ledger.settle();
    try {
      return fn();
    } catch (err) {
      this.ledger.resyncHead();
      throw err;
    }
  }

  /** The call's begin, now (not durable yet: the caller awaits the ledger where it must be). */
  begin(b: Begin): void {
    this.write(() => this.beginTx(b));
  }

  /** The undo record, with the begin if not written yet; on disk when this returns (it comes before the change it undoes). */
  undo(b: Begin | null, seq: number, json: string): void {
    this.write(() => this.undoTx(b, seq, json));
    this.ledger.syncNow();
  }

  /** The result (with the begin if not written yet), in the next group commit; resolves once it is on disk. */
  finish(b: Begin | null, seq: number, f: Finish, audit: AuditInput, json: string): Promise<void> {
    return this.ledger.commit(() => this.finishTx(b, seq, f, audit, json));
  }

  /** finish(), written to the disk but not flushed: for apply's one-flush protocol (Staging's `ordered`). */
  finishWritten(b: Begin | null, seq: number, f: Finish, audit: AuditInput, json: string, fds: readonly number[], alone: boolean): Promise<LedgerMark> {
    return this.ledger.commitWritten(() => this.finishTx(b, seq, f, audit, json), fds, alone);
  }

  /**
   * Puts a call's staged files in place once `record` (its result, with the
   * plan) is on the disk. Two protocols:
   * - `staging.ordered` (every file on the ledger's filesystem, whose journal
   *   commit persists what was written before it): `record(fds)` writes the
   *   result and the files out to the disk together, no flush; then the
   *   renames; then one journal commit (settle), which persists them before
   *   any rename. The ledger learns its rows are durable after it.
   * - otherwise `record(null)` flushes the result while the files are
   *   flushed (in parallel), then the renames, then their directories.
   * A crash in between leaves a plan boot finishes. `alone`: no other call
   * is in flight (the flushes may run on this thread: sys mayBlock).
   */
  async apply(seq: number, audit: AuditInput, staging: Staging, record: (withFiles: number[] | null) => Promise<LedgerMark | void>, alone = false): Promise<void> {
    let unrecorded: unknown;
    this.applying++;
    try {
      // With other calls putting files in place too, one flush of each filesystem serves them all.
      const shared = this.applying > 1;
      let fds: number[] | null = null;
      try {
        if (staging.ordered) fds = staging.written();
      } catch {
        // Not written: prepare() below tries again and reports it, after the result is queued.
      }
      const recorded = record(fds).catch((err) => Promise.reject(err instanceof LedgerError ? err : (unrecorded = err)));
      const [mark] = await Promise.all([recorded, fds ? null : staging.prepare(shared)]);
      staging.commit();
      // The plan is done once the renames are: its row is cleared in the next call's transaction
      // (queued before settle() lets a writer of the same paths go on, so it precedes that writer's
      // own plan), never in a commit of its own. If a crash loses it, boot finds the renames done.
      this.cleared.push(seq);
      await staging.settle(shared, alone);
      if (mark) this.ledger.persisted(mark);
    } catch (err) {
      staging.abort();
      if (unrecorded !== undefined) throw unrecorded; // its result row was taken back: nothing promised, nothing to abandon
      const e = new ToolExecutionError(audit.tool ?? "tool", new Error(`its files could not be made durable and were not put in place (${errorMessage(err)})`));
      e.callId = callId(seq);
      const f: Finish = { status: "failed", result: null, errorCode: e.code, errorMessage: e.message, undo: null, finishedAt: Date.now(), pending: null };
      this.write(() => this.finishTx(null, seq, f, { ...audit, kind: "abandoned" }, JSON.stringify({ error: { code: e.code, message: e.message } })));
      await this.ledger.durable().catch(() => {});
      throw e;
    } finally {
      this.applying--;
    }
  }

  /** At a clean stop: the plans done are cleared, and the ids reserved and not used freed (the next boot goes on from the last one used). */
  close(): void {
    this.write(() =>
      this.calls.transaction(() => {
        this.clearDone();
        this.calls.releaseIds();
      }),
    );
  }

  /** A call's row and its request audit row (inside the caller's transaction). */
  private insert(b: Begin): void {
    this.calls.insert(b.call);
    this.ledger.appendJson(b.audit, b.json);
  }

  /** Clears the plans of calls whose renames are done (see apply), inside the caller's transaction. */
  private clearDone(): void {
    if (this.cleared.length === 0) return;
    for (const seq of this.cleared) this.calls.clearPending(seq);
    this.cleared.length = 0;
  }
}
