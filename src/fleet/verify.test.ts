import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AuditLedger, type AuditRow } from "../memory";
import { verifyCopy } from "./verify";

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

/** Rows as a real ledger writes them, oldest first (what the publisher copies). */
function ledgerRows(n: number): Array<AuditRow & { dataJson: string }> {
  dir = mkdtempSync(join(tmpdir(), "aios-verify-"));
  const ledger = AuditLedger.open(join(dir, "audit.db"));
  // As the executor writes results: number text JSON.stringify would not give back (0.770).
  ledger.appendJson({ kind: "result", tool: "disk.usage", callId: "c0" }, `{"ok":true,"ms":0.770,"result":{"used":1.50}}`);
  for (let i = 1; i < n; i++) ledger.append({ kind: i % 2 ? "call" : "result", tool: "fs.stat", agent: "storage", callId: `c${i}`, data: { path: `/etc/f${i}`, size: i * 10, nested: { ok: true, list: [1, "two", null] } } });
  const rows = ledger.since(0, n);
  ledger.close();
  return rows;
}

describe("verifyCopy", () => {
  test("a faithful copy of a real ledger verifies, from row 1 or from any later row", () => {
    const rows = ledgerRows(20);
    expect(rows[0]!.dataJson).toBe(`{"ok":true,"ms":0.770,"result":{"used":1.50}}`);
    expect(verifyCopy(rows)).toEqual({ ok: true, rows: 20, first: 1, last: 20, complete: true });
    expect(verifyCopy(rows.slice(5))).toMatchObject({ ok: true, first: 6, complete: false });
    expect(verifyCopy([])).toMatchObject({ ok: true, rows: 0 });
  });

  test("an edited row, a missing row, a repeated row and a reordered row are each named", () => {
    const rows = ledgerRows(10);
    const edited = rows.map((r) => (r.seq === 4 ? { ...r, dataJson: JSON.stringify({ path: "/etc/shadow" }) } : r));
    expect(verifyCopy(edited)).toMatchObject({ ok: false, firstBadRow: 4, reason: "content does not match its hash" });
    expect(verifyCopy(rows.filter((r) => r.seq !== 6))).toMatchObject({ ok: false, firstBadRow: 7, reason: "rows 6..6 are missing" });
    expect(verifyCopy([...rows.slice(0, 3), rows[2]!, ...rows.slice(3)])).toMatchObject({ ok: false, firstBadRow: 3, reason: "row 3 is copied twice" });
    const swapped = [...rows];
    [swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!];
    expect(verifyCopy(swapped).ok).toBe(false);
  });

  test("a row whose hash was recomputed after an edit still breaks the link to the next", () => {
    const rows = ledgerRows(5);
    const forged = rows.map((r) => (r.seq === 2 ? { ...r, hash: "f".repeat(64) } : r));
    expect(verifyCopy(forged)).toMatchObject({ ok: false, firstBadRow: 2 });
  });

  test("a row redacted on the node (payload hash kept, a redact row after it) verifies; a payload swapped for a fake marker does not", () => {
    dir = mkdtempSync(join(tmpdir(), "aios-verify-"));
    const ledger = AuditLedger.open(join(dir, "audit.db"));
    ledger.append({ kind: "request", callId: "c1", data: { args: { token: "s3cret" } } });
    ledger.append({ kind: "result", callId: "c1", data: { ok: true } });
    ledger.redact(1, "api", "a token");
    const rows = ledger.since(0, 10);
    ledger.close();
    expect(rows[0]!.dataJson).not.toContain("s3cret");
    expect(verifyCopy(rows)).toMatchObject({ ok: true, rows: 3 });
    expect(verifyCopy(rows.map((r) => (r.seq === 2 ? { ...r, dataJson: '{"ok":false}' } : r)))).toMatchObject({ ok: false, firstBadRow: 2 });
    // A marker naming the redact row of another row hides an edit: refused.
    expect(verifyCopy(rows.map((r) => (r.seq === 2 ? { ...r, dataJson: '{"$redacted":3}' } : r)))).toMatchObject({ ok: false, firstBadRow: 2 });
  });

  test("a copy that claims to start at row 1 must link to the genesis hash", () => {
    const rows = ledgerRows(3);
    expect(verifyCopy([{ ...rows[0]!, prevHash: "a".repeat(64) }])).toMatchObject({ ok: false, firstBadRow: 1 });
  });
});
