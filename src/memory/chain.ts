/**
 * The audit ledger's hash chain: how a row is hashed, and the walk that
 * checks a whole chain. Two row formats live in one table:
 *
 * - format 1 (rows written before payload hashing, `data_hash` NULL): the
 *   hash covers the payload itself;
 * - format 2: the hash covers the payload's sha256 (`data_hash`), so the
 *   payload can be redacted later (replaced by a marker naming the `redact`
 *   row that records who did it and why) while the chain still verifies.
 *
 * A format-1 row never follows a format-2 one.
 */
export const GENESIS_HASH = "0".repeat(64);

export interface RawRow {
  seq: number;
  ts: number;
  kind: string;
  call_id: string | null;
  tool: string | null;
  agent: string | null;
  correlation_id: string | null;
  data: string;
  data_hash: string | null;
  prev_hash: string;
  hash: string;
}

export type HashedFields = Omit<RawRow, "hash">;

/** The head of a chain: its last row's number and hash. */
export interface Head {
  seq: number;
  hash: string;
}

export interface VerifyResult {
  ok: boolean;
  rows: number;
  /** seq of the first row whose hash, link or position is wrong. */
  firstBadRow?: number;
  reason?: string;
  /** Rows known to be gone: after the last row up to the anchored head, or recorded as lost at a boot. */
  missing?: { from: number; to: number };
  /** The head anchored outside the ledger at its last commit, which the chain must reach. */
  anchored?: number;
  /** Rows whose payload was redacted, each with its `redact` row. */
  redacted?: number;
}

/** What replaces a redacted payload; `$redacted` is the seq of the `redact` row. */
export interface RedactionMarker {
  $redacted: number;
  by: string;
  reason: string;
  at: number;
}

/** The data of a `redact` row. */
export interface RedactionRecord {
  seq: number;
  dataHash: string;
  by: string;
  reason: string;
}

/** The data of a `lost` row: a boot found rows missing against the anchor. */
export interface LossRecord {
  /** Rows that are gone (when the anchor was ahead of the chain). */
  from?: number;
  to?: number;
  anchor: Head;
  /** The hash the ledger had at the anchored seq, when it had one that differed. */
  found?: string;
}

export function payloadHash(json: string): string {
  return Bun.CryptoHasher.hash("sha256", json, "hex") as string;
}

/** Format 1: sha256 over the fields, NUL-separated, starting with the previous hash. */
export function rowHashV1(r: Omit<HashedFields, "data_hash">): string {
  // One string hashed at once: the same bytes as updating part by part, at a quarter of the cost.
  const text = `${r.prev_hash}\0${r.seq}\0${r.ts}\0${r.kind}\0${r.call_id ?? ""}\0${r.tool ?? ""}\0${r.agent ?? ""}\0${r.correlation_id ?? ""}\0${r.data}\0`;
  return Bun.CryptoHasher.hash("sha256", text, "hex") as string;
}

/** Format 2: the same, over the payload's hash instead of the payload. */
export function rowHash(r: HashedFields & { data_hash: string }): string {
  const text = `v2\0${r.prev_hash}\0${r.seq}\0${r.ts}\0${r.kind}\0${r.call_id ?? ""}\0${r.tool ?? ""}\0${r.agent ?? ""}\0${r.correlation_id ?? ""}\0${r.data_hash}\0`;
  return Bun.CryptoHasher.hash("sha256", text, "hex") as string;
}

function marker(json: string): RedactionMarker | null {
  try {
    const m = JSON.parse(json) as RedactionMarker;
    return m && typeof m === "object" && Number.isInteger(m.$redacted) ? m : null;
  } catch {
    return null;
  }
}

function lossReason(d: LossRecord, seq: number, ts: number): string {
  const when = new Date(ts).toISOString();
  if (d.from !== undefined && d.to !== undefined) return `rows ${d.from}-${d.to} were lost: the boot at ${when} found the anchored head at row ${d.anchor.seq} but the ledger ending at row ${d.from - 1} (recorded in row ${seq})`;
  return `the ledger's row ${d.anchor.seq} is not the one anchored before the boot at ${when} (recorded in row ${seq})`;
}

/**
 * Walks rows in seq order and reports the first that does not hold, then
 * checks the chain reaches `anchor` and `lastSeq` (the head this process
 * wrote). Losses recorded at a boot (`lost` rows) keep the result not ok.
 */
export function verifyChain(rows: Iterable<RawRow>, anchor: Head | null, lastSeq: number): VerifyResult {
  let expectedSeq = 1;
  let prev = GENESIS_HASH;
  let count = 0;
  let v2 = false;
  let redacted = 0;
  /** Redacted rows still waiting for their `redact` row: seq → [redact row seq, data hash]. */
  const awaiting = new Map<number, [number, string]>();
  let loss: { firstBadRow: number; reason: string; missing?: { from: number; to: number } } | undefined;
  let anchorSeen: string | undefined;
  const extra = (o: Partial<VerifyResult>) => ({ ...(anchor ? { anchored: anchor.seq } : {}), ...(redacted ? { redacted } : {}), ...o });
  const bad = (firstBadRow: number, reason: string, missing?: { from: number; to: number }): VerifyResult =>
    extra({ ok: false, rows: count, firstBadRow, reason, ...(missing ? { missing } : {}) }) as VerifyResult;

  for (const r of rows) {
    count++;
    let data: unknown;
    if (r.kind === "lost" || r.kind === "redact") data = JSON.parse(r.data);
    if (r.seq !== expectedSeq) {
      const d = data as LossRecord | undefined;
      if (r.kind !== "lost" || d?.from !== expectedSeq || d.to !== r.seq - 1) return bad(r.seq, `row ${expectedSeq} is missing`);
    }
    if (r.prev_hash !== prev) return bad(r.seq, "does not link to the previous row");
    if (r.data_hash === null) {
      if (v2) return bad(r.seq, "an old-format row after new-format rows");
      if (rowHashV1(r) !== r.hash) return bad(r.seq, "content does not match its hash");
    } else {
      v2 = true;
      if (rowHash(r as HashedFields & { data_hash: string }) !== r.hash) return bad(r.seq, "content does not match its hash");
      if (payloadHash(r.data) !== r.data_hash) {
        const m = marker(r.data);
        if (!m || m.$redacted <= r.seq) return bad(r.seq, "content does not match its hash");
        awaiting.set(r.seq, [m.$redacted, r.data_hash]);
      }
    }
    if (r.kind === "redact") {
      const d = data as RedactionRecord;
      const want = awaiting.get(d.seq);
      if (want && want[0] === r.seq && want[1] === d.dataHash) {
        awaiting.delete(d.seq);
        redacted++;
      }
    }
    if (r.kind === "lost" && !loss) {
      const d = data as LossRecord;
      loss = { firstBadRow: r.seq, reason: lossReason(d, r.seq, r.ts), ...(d.from !== undefined && d.to !== undefined ? { missing: { from: d.from, to: d.to } } : {}) };
    }
    if (anchor && r.seq === anchor.seq) anchorSeen = r.hash;
    prev = r.hash;
    expectedSeq = r.seq + 1;
  }
  // A redacted payload whose `redact` row never came: edited, not redacted.
  const unexplained = [...awaiting.keys()].sort((a, b) => a - b)[0];
  if (unexplained !== undefined) return bad(unexplained, "content does not match its hash");
  const last = expectedSeq - 1;
  // A cut-off tail leaves a valid chain; only a head kept elsewhere can tell.
  if (anchor && anchor.seq > last) return bad(expectedSeq, `rows ${expectedSeq}-${anchor.seq} are missing: the head anchored at the last commit is row ${anchor.seq}`, { from: expectedSeq, to: anchor.seq });
  if (anchor && anchorSeen !== undefined && anchorSeen !== anchor.hash) return bad(anchor.seq, `is not the row anchored at the last commit (hash ${anchor.hash.slice(0, 12)}...)`);
  if (last < lastSeq) return bad(expectedSeq, `rows after ${last} are missing`, { from: expectedSeq, to: lastSeq });
  if (loss) return bad(loss.firstBadRow, loss.reason, loss.missing);
  return extra({ ok: true, rows: count }) as VerifyResult;
}
