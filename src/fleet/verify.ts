/**
 * Verifies a central copy of a node's audit rows (stream AIOS_AUDIT) the way
 * the node's ledger verifies itself: every row's hash is recomputed from its
 * fields, each links to the one before, and seqs run without a gap or a
 * repeat. A copy that starts after row 1 (the node joined late, or old rows
 * aged out) is checked from its first row on; `complete` says whether it
 * starts at the genesis row.
 *
 * Rows of the ledger's format 2 chain their payload's sha256 (`dataHash`):
 * the hash is recomputed from it, and the payload must match it unless it
 * was redacted (a marker naming the `redact` row, which the copy carries
 * too). Rows of format 1 (`dataHash` null or absent) hash the payload itself.
 */
import { GENESIS_HASH, payloadHash, rowHash, rowHashV1, type AuditRow } from "../memory/ledger";

/** One ledger row as published: its fields, its data as the exact JSON text stored, its sha256 when the chain covers that, and the node it came from. */
export type AuditCopy = Omit<AuditRow, "data"> & { dataJson: string; dataHash?: string | null; node: string; data?: unknown };

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
  const fields = { seq: r.seq, ts: r.ts, kind: r.kind, call_id: r.callId, tool: r.tool, agent: r.agent, correlation_id: r.correlationId, data: r.dataJson, prev_hash: r.prevHash };
  return typeof r.dataHash === "string" ? rowHash({ ...fields, data_hash: r.dataHash }) : rowHashV1(fields);
}

/** A format-2 payload that is not what its hash says: the seq of the `redact` row its marker names, or NaN when it is no marker. */
function redactedBy(r: Omit<AuditCopy, "node">): number | undefined {
  if (typeof r.dataHash !== "string" || payloadHash(r.dataJson) === r.dataHash) return undefined;
  try {
    const seq = (JSON.parse(r.dataJson) as { $redacted?: unknown }).$redacted;
    return Number.isInteger(seq) ? (seq as number) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** `rows` in the order the stream holds them. */
export function verifyCopy(rows: ReadonlyArray<Omit<AuditCopy, "node">>): CopyVerdict {
  const first = rows[0]?.seq ?? null;
  const last = rows.at(-1)?.seq ?? null;
  const bad = (r: { seq: number }, reason: string): CopyVerdict => ({ ok: false, rows: rows.length, first, last, complete: first === 1, firstBadRow: r.seq, reason });
  let prev: Omit<AuditCopy, "node"> | undefined;
  /** Redacted rows waiting for the `redact` row their marker names: seq → [that row's seq, the payload hash]. */
  const awaiting = new Map<number, [number, string]>();
  for (const r of rows) {
    if (prev && r.seq === prev.seq) return bad(r, `row ${r.seq} is copied twice`);
    if (prev && r.seq !== prev.seq + 1) return bad(r, r.seq < prev.seq ? `row ${r.seq} comes after row ${prev.seq}` : `rows ${prev.seq + 1}..${r.seq - 1} are missing`);
    if (!prev && r.seq === 1 && r.prevHash !== GENESIS_HASH) return bad(r, "row 1 does not link to the genesis hash");
    if (prev && r.prevHash !== prev.hash) return bad(r, "does not link to the previous row");
    if (copyHash(r) !== r.hash) return bad(r, "content does not match its hash");
    const by = redactedBy(r);
    if (by !== undefined) {
      if (!(by > r.seq)) return bad(r, "content does not match its hash");
      awaiting.set(r.seq, [by, r.dataHash as string]);
    }
    if (r.kind === "redact") {
      const d = JSON.parse(r.dataJson) as { seq?: number; dataHash?: string };
      const want = d.seq === undefined ? undefined : awaiting.get(d.seq);
      if (want && want[0] === r.seq && want[1] === d.dataHash) awaiting.delete(d.seq!);
    }
    prev = r;
  }
  // A payload shown as redacted, with no redact row recording it in the copy: edited, not redacted.
  const unexplained = [...awaiting.keys()].sort((a, b) => a - b)[0];
  if (unexplained !== undefined) return bad({ seq: unexplained }, "content does not match its hash (redacted without a redact row in the copy)");
  return { ok: true, rows: rows.length, first, last, complete: first === 1 || rows.length === 0 };
}
