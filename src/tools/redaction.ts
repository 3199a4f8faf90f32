/**
 * Redacting an audit row after the fact: the ledger replaces the row's
 * payload by a marker and records who did it and why (AuditLedger.redact);
 * the copy the calls table keeps (a call's arguments or result) gets the same
 * marker, in the same transaction, and the answer waits until both are on
 * disk. What is kept out of the ledger when a row is written is redact.ts's.
 */
import { type AuditLedger, type AuditRow, type CallStore, LedgerError } from "../memory";
import { idNumber } from "./views";

/** What redaction needs of the executor: the ledger, the calls table, and its write wrapper. */
export interface RedactionDeps {
  ledger: AuditLedger;
  calls: CallStore;
  /** Runs a write; on failure the ledger re-reads its head (Executor.write). */
  write<T>(fn: () => T): T;
}

/**
 * Redacts audit row `seq` durably; returns the `redact` row. A held call's
 * request is refused: its arguments are what an approval would run.
 */
export async function redactRow(x: RedactionDeps, seq: number, by: string, reason: string): Promise<AuditRow> {
  const row = x.ledger.get(seq);
  const n = row?.callId ? idNumber("c", row.callId) : undefined;
  const call = n === undefined ? undefined : x.calls.get(n);
  const column = row?.kind === "request" || row?.kind === "queued" ? "args" : row?.kind === "result" ? "result" : null;
  if (call && column === "args" && call.status === "queued") throw new LedgerError("queued_call", `audit row ${seq}: ${row!.callId} waits for approval with these arguments; deny it first`);
  const out = x.write(() =>
    x.calls.transaction(() => {
      const r = x.ledger.redact(seq, by, reason);
      if (call && column) x.calls.redact(call.seq, column, JSON.stringify((x.ledger.get(seq) as AuditRow).data));
      return r;
    }),
  );
  await x.ledger.durable();
  return out;
}
