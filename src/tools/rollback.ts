/**
 * Rollback: runs a tool's `undo` with the record its call saved (read back
 * from the database, so it works the same after a reboot). Undoing every
 * call of a correlation id goes newest first and stops at the first failure.
 * Each undo writes an audit row before (`stage: request`) and after
 * (`stage: result`); a call is undone at most once.
 */
import type { AuditInput } from "../memory";
import { bounded, isPromiseLike } from "./bounded";
import type { ToolContext } from "./define";
import { AlreadyUndoneError, CallNotFoundError, NotReversibleError, NothingToUndoError, ToolError, UndoError, UndoFailedError } from "./errors";
import type { Executor } from "./executor";
import { callId, idNumber } from "./views";

export interface UndoOutcome {
  callId: string;
  tool: string;
  undone: true;
}

export interface CorrelationUndo {
  correlationId: string;
  /** In the order they were undone (newest call first). */
  undone: string[];
  skipped: Array<{ callId: string; reason: string }>;
  /** The call whose undo failed; the calls before it in `undone` stay undone, the older ones were not tried. */
  failed?: { callId: string; code: string; message: string };
}

const UNDO_TIMEOUT_FLOOR_MS = 5_000;

export class Rollback {
  private readonly inFlight = new Set<number>();

  constructor(private readonly x: Executor) {}

  async one(id: string, by: string): Promise<UndoOutcome> {
    const n = idNumber("c", id);
    const rec = n === undefined ? undefined : this.x.calls.get(n);
    if (!rec) throw new CallNotFoundError(id);
    const cid = callId(rec.seq);
    const tool = this.x.registry.get(rec.tool);
    if (!tool?.undo) throw new NotReversibleError(cid, rec.tool);
    if (rec.undoneAt !== null || this.inFlight.has(rec.seq)) throw new AlreadyUndoneError(cid);
    if (rec.undo === null) throw new NothingToUndoError(cid, rec.status === "done" ? "the call saved no undo record" : `the call is ${rec.status} and saved no undo record`);

    this.inFlight.add(rec.seq);
    const audit: AuditInput = { kind: "undo", callId: cid, tool: rec.tool, agent: rec.agent, correlationId: rec.correlationId ?? undefined };
    try {
      this.x.write(() => this.x.ledger.appendJson(audit, JSON.stringify({ stage: "request", by })));
      const controller = new AbortController();
      const ctx: ToolContext = {
        callId: cid,
        agent: rec.agent,
        correlationId: rec.correlationId ?? undefined,
        signal: controller.signal,
        env: this.x.env,
        host: this.x.host,
        saveUndo: () => {}, // an undo is not itself undone
      };
      const t0 = performance.now();
      try {
        const out = tool.undo(JSON.parse(rec.undo), ctx);
        if (isPromiseLike(out)) {
          await bounded(out, { tool: `${rec.tool} undo`, timeoutMs: Math.max(tool.timeoutMs, UNDO_TIMEOUT_FLOOR_MS), elapsedMs: performance.now() - t0, controller });
        }
      } catch (err) {
        const e = new UndoFailedError(cid, rec.tool, err);
        e.callId = cid;
        this.x.write(() => this.x.ledger.appendJson(audit, JSON.stringify({ stage: "result", ok: false, by, error: { code: e.code, message: e.message } })));
        throw e;
      }
      this.x.write(() =>
        this.x.calls.transaction(() => {
          if (!this.x.calls.markUndone(rec.seq, Date.now())) throw new AlreadyUndoneError(cid);
          this.x.ledger.appendJson(audit, JSON.stringify({ stage: "result", ok: true, by }));
        }),
      );
      return { callId: cid, tool: rec.tool, undone: true };
    } finally {
      this.inFlight.delete(rec.seq);
    }
  }

  async correlation(correlationId: string, by: string): Promise<CorrelationUndo> {
    const recs = this.x.calls.byCorrelation(correlationId);
    if (!recs.length) throw new CallNotFoundError(`correlation ${correlationId}`);
    const out: CorrelationUndo = { correlationId, undone: [], skipped: [] };
    for (const r of recs) {
      const cid = callId(r.seq);
      const tool = this.x.registry.get(r.tool);
      const why = r.undoneAt !== null ? "already undone" : !tool?.undo ? "not reversible" : r.undo === null ? `no undo record (${r.status})` : undefined;
      if (why) {
        out.skipped.push({ callId: cid, reason: why });
        continue;
      }
      try {
        await this.one(cid, by);
        out.undone.push(cid);
      } catch (err) {
        const e = err instanceof ToolError ? err : new UndoError("undo_failed", String(err));
        out.failed = { callId: cid, code: e.code, message: e.message };
        break;
      }
    }
    this.x.write(() => this.x.ledger.append({ kind: "undo", correlationId, data: { stage: "correlation", by, ...out } }));
    return out;
  }
}
