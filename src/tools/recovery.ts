/**
 * Recovery at boot, before the first call runs: what a crash or power cut
 * left half done is finished or taken back, and said so in the ledger.
 *
 * 1. Staged files a call's durable result promised (its `pending` plan) are
 *    put in place: the result is what the ledger says happened, so the
 *    renames it lists are redone (each checked against its digest).
 * 2. The spool of staged files is emptied of what no durable result claims.
 * 3. Each call left running (its request, and any undo record, on disk; no
 *    result) is resolved. Its tool's `inspect` says what is on disk (present,
 *    absent or partial; unknown without the hook), and then the rule:
 *
 *    Nobody was told the call succeeded, so, as a database rolls back a
 *    transaction that never committed, its change is taken back: a call with
 *    an undo record is rolled back (audited as an undo `by: recovery`) unless
 *    its tool found nothing of it on disk; one without an undo record is left
 *    as found. Either way it is marked `interrupted`, with what was found and
 *    done, in its calls row (GET /calls/{id}) and an `interrupted` audit row;
 *    a goal that was running lists these when it is failed at boot.
 */
import { clearSpool, errorMessage, log, redoStaged, type RedoOutcome, type StagedRename } from "../sys";
import type { Effect, ToolContext } from "./define";
import type { AuditLedger, CallStore } from "../memory";
import type { ToolEnv, ToolHost } from "./define";
import type { ToolRegistry } from "./registry";
import type { UndoOutcome } from "./rollback";
import { parseArgs } from "./schema";
import { callId } from "./views";

/**
 * The slice of the executor recovery works through (named here so recovery
 * does not import the executor that calls it).
 */
export interface RecoveryHost {
  readonly registry: ToolRegistry;
  readonly ledger: AuditLedger;
  readonly calls: CallStore;
  /** Calls ever approved: they started running later than their row was made. */
  approvedCalls(): number[];
  readonly env: ToolEnv;
  readonly host: ToolHost;
  readonly spool: string;
  readonly defaultTimeoutMs: number;
  rollback(id: string, by: string): Promise<UndoOutcome>;
  /** Runs a write; re-reads the ledger's head if it fails. */
  write<T>(fn: () => T): T;
}

/** A call left running when aios-init stopped, and what boot did about it. */
export interface InterruptedCall {
  callId: string;
  tool: string;
  correlationId: string | null;
  effect: Effect | "unknown";
  detail?: string;
  action: "rolled back" | "nothing to undo" | "left as found" | "rollback failed";
  error?: string;
}

export interface Recovery {
  /** Calls whose staged files were finished, with what each rename found. */
  redone: Array<{ callId: string; files: RedoOutcome[] }>;
  interrupted: InterruptedCall[];
  /** Staged files no durable result claimed, removed. */
  spoolCleared: number;
}

/** No call outlives its deadline; the margin covers clock steps and slow shutdowns. */
const RECOVERY_MARGIN_MS = 10 * 60_000;

/** The sentence a calls row and a goal's outcome show. */
export function describeInterrupted(c: Pick<InterruptedCall, "effect" | "detail" | "action" | "error">): string {
  const found = c.effect === "unknown" ? "its effect on disk is unknown" : `found ${c.effect}${c.detail ? ` (${c.detail})` : ""}`;
  return `aios-init stopped while the call ran; ${found}; ${c.action}${c.error ? `: ${c.error}` : ""}`;
}

function finishStaged(x: RecoveryHost): Recovery["redone"] {
  const out: Recovery["redone"] = [];
  for (const rec of x.calls.withPending()) {
    const id = callId(rec.seq);
    let files: RedoOutcome[];
    try {
      files = redoStaged(JSON.parse(rec.pending!) as StagedRename[]);
    } catch (err) {
      log.error(`tools: ${id} ${rec.tool}: finishing its staged files: ${errorMessage(err)}`);
      continue; // left pending: the next boot tries again
    }
    x.write(() =>
      x.calls.transaction(() => {
        x.calls.clearPending(rec.seq);
        if (files.some((f) => f.outcome !== "applied")) {
          x.ledger.append({ kind: "recovered", callId: id, tool: rec.tool, agent: rec.agent, correlationId: rec.correlationId ?? undefined, data: { staged: files } });
        }
      }),
    );
    out.push({ callId: id, files });
    const redone = files.filter((f) => f.outcome === "redone").length;
    if (redone) log.warn(`tools: ${id} ${rec.tool}: put ${redone} staged file(s) in place that its durable result promised`);
    for (const f of files.filter((f) => f.outcome === "damaged" || f.outcome === "changed")) log.warn(`tools: ${id} ${rec.tool}: ${f.target}: staged file ${f.outcome}`);
  }
  return out;
}

async function resolve(x: RecoveryHost, seq: number): Promise<InterruptedCall | null> {
  const rec = x.calls.get(seq);
  if (!rec) return null;
  const id = callId(seq);
  const tool = x.registry.get(rec.tool);
  const undo = rec.undo === null ? null : (JSON.parse(rec.undo) as unknown);
  const out: InterruptedCall = { callId: id, tool: rec.tool, correlationId: rec.correlationId, effect: "unknown", action: "left as found" };
  if (tool?.inspect) {
    const ctx: ToolContext = { callId: id, agent: rec.agent, correlationId: rec.correlationId ?? undefined, signal: new AbortController().signal, env: x.env, host: x.host, saveUndo: () => {} };
    try {
      let args: unknown = JSON.parse(rec.args);
      try {
        args = parseArgs(tool, args); // defaults filled in, as the call had them
      } catch {
        // the schema changed since: the raw arguments are what there is
      }
      const found = await tool.inspect(args, undo, ctx);
      out.effect = found.effect;
      if (found.detail) out.detail = found.detail;
    } catch (err) {
      out.detail = `inspect failed: ${errorMessage(err)}`;
    }
  }
  if (undo !== null && tool?.undo) {
    if (out.effect === "absent") out.action = "nothing to undo";
    else {
      try {
        await x.rollback(id, "recovery");
        out.action = "rolled back";
      } catch (err) {
        out.action = "rollback failed";
        out.error = errorMessage(err);
      }
    }
  }
  x.write(() =>
    x.calls.transaction(() => {
      x.calls.interrupt(seq, Date.now(), describeInterrupted(out));
      x.ledger.append({
        kind: "interrupted",
        callId: id,
        tool: rec.tool,
        agent: rec.agent,
        correlationId: rec.correlationId ?? undefined,
        data: { undo: rec.undo !== null, effect: out.effect, detail: out.detail, action: out.action, error: out.error },
      });
    }),
  );
  return out;
}

/** Runs the three steps above; everything it writes is on disk when it returns. */
export async function recover(x: RecoveryHost): Promise<Recovery> {
  const redone = finishStaged(x);
  const spoolCleared = clearSpool(x.spool);
  // Approved calls start running later than their row was made; approvals are few (a person made each).
  const horizon = Math.max(x.defaultTimeoutMs, ...x.registry.list().map((t) => t.timeoutMs)) + RECOVERY_MARGIN_MS;
  const interrupted: InterruptedCall[] = [];
  for (const seq of x.calls.leftRunning(horizon, x.approvedCalls())) {
    const c = await resolve(x, seq);
    if (c) interrupted.push(c);
  }
  if (redone.length || interrupted.length) x.ledger.syncNow();
  if (interrupted.length) log.warn(`tools: ${interrupted.length} call(s) were running when aios-init stopped: ${interrupted.map((c) => `${c.callId} ${c.tool} (${c.effect}, ${c.action})`).join("; ")}`);
  return { redone, interrupted, spoolCleared };
}
