/**
 * Verifies a central copy of a node's audit rows (stream AIOS_AUDIT) the way
 * the node's ledger verifies itself: every row's hash is recomputed from its
 * fields, each links to the one before, and seqs run without a gap or a
 * repeat. A copy that starts after row 1 (the node joined late, or old rows
 * aged out) is checked from its first row on; `complete` says whether it
 * starts at the genesis row.
 */
import { GENESIS_HASH, rowHash, type AuditRow } from "../memory/ledger";

/** One ledger row as published: its fields, its data as the exact JSON text the hash covers, and the node it came from. */
export type AuditCopy = Omit<AuditRow, "data"> & { dataJson: string; node: string; data?: unknown };

export interface CopyVerdict {
  ok: boolean;
  rows: number;
  first: number | null;
  last: number | null;
  /** The copy starts at row 1, so its first link is to the genesis hash. */
  complete: boolean;
  firstBadRow?: number;
  reason?: string;
}

/** The hash a row must have, recomputed from what the copy carries. */
export function copyHash(r: Omit<AuditCopy, "node">): string {
  return rowHash({
    seq: r.seq,
    ts: r.ts,
    kind: r.kind,
    call_id: r.callId,
    tool: r.tool,
    agent: r.agent,
    correlation_id: r.correlationId,
    data: r.dataJson,
    prev_hash: r.prevHash,
  });
}

/** `rows` in the order the stream holds them. */
export function verifyCopy(rows: ReadonlyArray<Omit<AuditCopy, "node">>): CopyVerdict {
  const first = rows[0]?.seq ?? null;
  const last = rows.at(-1)?.seq ?? null;
  const bad = (r: { seq: number }, reason: string): CopyVerdict => ({ ok: false, rows: rows.length, first, last, complete: first === 1, firstBadRow: r.seq, reason });
  let prev: Omit<AuditCopy, "node"> | undefined;
  for (const r of rows) {
    if (prev && r.seq === prev.seq) return bad(r, `row ${r.seq} is copied twice`);
    if (prev && r.seq !== prev.seq + 1) return bad(r, r.seq < prev.seq ? `row ${r.seq} comes after row ${prev.seq}` : `rows ${prev.seq + 1}..${r.seq - 1} are missing`);
    if (!prev && r.seq === 1 && r.prevHash !== GENESIS_HASH) return bad(r, "row 1 does not link to the genesis hash");
    if (prev && r.prevHash !== prev.hash) return bad(r, "does not link to the previous row");
    if (copyHash(r) !== r.hash) return bad(r, "content does not match its hash");
    prev = r;
  }
  return { ok: true, rows: rows.length, first, last, complete: first === 1 || rows.length === 0 };
}
