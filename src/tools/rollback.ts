/**
 * Rollback: runs a tool's `undo` with the record its call saved (read back
 * from the database, so it works the same after a reboot). Undoing every
 * call of a correlation id goes newest first and stops at the first failure.
 * Each undo writes an audit row before (`stage: request`) and after
 * (`stage: result`); a call is undone at most once, and its undo copies
 * (undo-cache.ts) go once it is.
 *
 * Tools reach rollback only through the narrow RollbackPort (ToolHost.rollback:
 * what can still be undone, and undo one call), never the Executor; whoever
 * calls it checks the caller's capability for each tool it undoes.
 */
import type { AuditInput, AuditLedger, CallRecord, CallStore } from "../memory";
import { errorMessage, log } from "../sys";
import { bounded, isPromiseLike } from "./bounded";
import type { ToolContext, ToolEnv, ToolHost } from "./define";
import { AlreadyUndoneError, CallNotFoundError, NotReversibleError, NothingToUndoError, ToolError, UndoError, UndoFailedError } from "./errors";
import type { ToolRegistry } from "./registry";
import { dropCopies } from "./undo-cache";
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

/** A call that can still be undone, as the port shows it. */
export interface UndoCandidate {
  callId: string;
  tool: string;
  agent: string;
  correlationId: string | null;
  /** When it was accepted (ms since the epoch). */
  ts: number;
  args: unknown;
  /** Its result, when kept whole. */
  result?: unknown;
}

/** What tools may do with rollback (sys.undo): look up what can still be undone, and undo one call. */
export interface RollbackPort {
  /** The most recent call that can still be undone. */
  latest(): UndoCandidate | undefined;
  /** One call; throws (unknown, not reversible, already undone, no record) when it cannot be undone. */
  call(id: string): UndoCandidate;
  /** The calls of a correlation id that can still be undone, newest first (the order to undo them in). */
  correlation(correlationId: string): UndoCandidate[];
  undo(id: string, by: string): Promise<UndoOutcome>;
}

declare module "./define" {
  interface ToolHost {
    /** Rollback through the executor (src/tools/rollback.ts), as narrow as sys.undo needs. */
    rollback: RollbackPort;
  }
}

/**
 * What rollback needs from the executor that owns it: the tools, the ledger
 * and call store, where tools act, and the executor's one write lane (so a
 * failed write re-reads the ledger's head). Narrow on purpose: rollback never
 * sees the pipeline, approvals or rules.
 */
export interface RollbackDeps {
  readonly registry: ToolRegistry;
  readonly ledger: AuditLedger;
  readonly calls: CallStore;
  readonly env: ToolEnv;
  readonly host: ToolHost;
  write<T>(fn: () => T): T;
}

const UNDO_TIMEOUT_FLOOR_MS = 5_000;
const PAGE = 64;

export class Rollback {
  private readonly inFlight = new Set<number>();

  constructor(private readonly x: RollbackDeps) {}

  /** The call `id` if it can be undone now; throws why not. */
  private undoable(id: string): CallRecord {
    const n = idNumber("c", id);
    const rec = n === undefined ? undefined : this.x.calls.get(n);
    if (!rec) throw new CallNotFoundError(id);
    const cid = callId(rec.seq);
    if (!this.x.registry.get(rec.tool)?.undo) throw new NotReversibleError(cid, rec.tool);
    if (rec.undoneAt !== null || this.inFlight.has(rec.seq)) throw new AlreadyUndoneError(cid);
    if (rec.undo === null) throw new NothingToUndoError(cid, rec.status === "done" ? "the call saved no undo record" : `the call is ${rec.status} and saved no undo record`);
    return rec;
  }

  private candidate(r: CallRecord): UndoCandidate {
    const c: UndoCandidate = { callId: callId(r.seq), tool: r.tool, agent: r.agent, correlationId: r.correlationId, ts: r.ts, args: JSON.parse(r.args) };
    if (r.status === "done" && r.result !== null) {
      const result = JSON.parse(r.result);
      if (!(result && typeof result === "object" && "$truncated" in result)) c.result = result;
    }
    return c;
  }

  private canUndo(r: CallRecord): boolean {
    return r.undo !== null && r.undoneAt === null && !this.inFlight.has(r.seq) && Boolean(this.x.registry.get(r.tool)?.undo);
  }

  port(): RollbackPort {
    return {
      latest: () => {
        for (let before = Number.MAX_SAFE_INTEGER; ; ) {
          const page = this.x.calls.undoable(PAGE, before);
          const found = page.find((r) => this.canUndo(r));
          if (found) return this.candidate(found);
          if (page.length < PAGE) return undefined;
          before = page.at(-1)!.seq;
        }
      },
      call: (id) => this.candidate(this.undoable(id)),
      correlation: (corr) => this.x.calls.byCorrelation(corr).filter((r) => this.canUndo(r)).map((r) => this.candidate(r)),
      undo: (id, by) => this.one(id, by),
    };
  }

  async one(id: string, by: string): Promise<UndoOutcome> {
    const rec = this.undoable(id);
    const cid = callId(rec.seq);
    const tool = this.x.registry.get(rec.tool)!;

    this.inFlight.add(rec.seq);
    const audit: AuditInput = { kind: "undo", callId: cid, tool: rec.tool, agent: rec.agent, correlationId: rec.correlationId ?? undefined };
    try {
      this.x.write(() => this.x.ledger.appendJson(audit, JSON.stringify({ stage: "request", by })));
      await this.x.ledger.durable(); // the undo's request before it changes anything
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
        const out = tool.undo!(JSON.parse(rec.undo!), ctx);
        if (isPromiseLike(out)) {
          await bounded(out, { tool: `${rec.tool} undo`, timeoutMs: Math.max(tool.timeoutMs, UNDO_TIMEOUT_FLOOR_MS), elapsedMs: performance.now() - t0, controller });
        }
      } catch (err) {
        const e = new UndoFailedError(cid, rec.tool, err);
        e.callId = cid;
        this.x.write(() => this.x.ledger.appendJson(audit, JSON.stringify({ stage: "result", ok: false, by, error: { code: e.code, message: e.message } })));
        await this.x.ledger.durable();
        throw e;
      }
      this.x.write(() =>
        this.x.calls.transaction(() => {
          if (!this.x.calls.markUndone(rec.seq, Date.now())) throw new AlreadyUndoneError(cid);
          this.x.ledger.appendJson(audit, JSON.stringify({ stage: "result", ok: true, by }));
        }),
      );
      try {
        dropCopies(this.x.env, cid);
      } catch (err) {
        log.warn(`tools: ${cid}: its undo copies stay: ${errorMessage(err)}`);
      }
      await this.x.ledger.durable();
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
    await this.x.ledger.durable();
    return out;
  }
}
