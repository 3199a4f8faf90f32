import { Database } from "bun:sqlite";
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AuditLedger, GENESIS_HASH } from "./ledger";

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "aios-ledger-"));
  path = join(dir, "ledger/audit.db");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function fill(ledger: AuditLedger, n: number): void {
  for (let i = 0; i < n; i++) ledger.append({ kind: i % 2 ? "result" : "request", callId: `c${i >> 1}`, tool: "fs.stat", agent: "system", data: { i } });
}

/** What an attacker with the file does: drop the guard triggers, then edit. */
function tamper(sql: string): void {
  const raw = new Database(path);
  raw.exec("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;");
  raw.exec(sql);
  raw.close();
}

describe("AuditLedger", () => {
  test("rows chain from the genesis hash and survive reopening", () => {
    const a = AuditLedger.open(path);
    const first = a.append({ kind: "request", callId: "c1", data: { path: "/etc" } });
    const second = a.append({ kind: "result", callId: "c1", data: { ok: true } });
    expect(first.seq).toBe(1);
    expect(first.prevHash).toBe(GENESIS_HASH);
    expect(second.prevHash).toBe(first.hash);
    a.close();
    const b = AuditLedger.open(path);
    const third = b.append({ kind: "request", callId: "c2" });
    expect(third.seq).toBe(3);
    expect(third.prevHash).toBe(second.hash);
    expect(b.verify()).toEqual({ ok: true, rows: 3 });
    b.close();
  });

  test("query filters and returns newest first with data parsed", () => {
    const a = AuditLedger.open(path);
    fill(a, 10);
    expect(a.query({ limit: 3 }).map((r) => r.seq)).toEqual([10, 9, 8]);
    expect(a.query({ callId: "c2" }).map((r) => r.kind)).toEqual(["result", "request"]);
    expect(a.query({ afterSeq: 8 }).map((r) => r.data)).toEqual([{ i: 9 }, { i: 8 }]);
    // After a seq: the rows right after it, not the newest ones (issue 14); before a seq: the page below a cursor.
    expect(a.query({ afterSeq: 2, limit: 3 }).map((r) => r.seq)).toEqual([5, 4, 3]);
    expect(a.query({ beforeSeq: 4, limit: 2 }).map((r) => r.seq)).toEqual([3, 2]);
    expect(a.query({ afterSeq: 2, beforeSeq: 9, limit: 3 }).map((r) => r.seq)).toEqual([8, 7, 6]);
    const ts = a.query({ limit: 1 })[0]!.ts;
    expect(a.query({ since: ts + 1 })).toEqual([]);
    expect(a.query({ since: ts - 60_000, limit: 2 }).map((r) => r.seq)).toEqual([10, 9]);
    expect(a.query({ until: ts - 60_000 })).toEqual([]);
    a.append({ kind: "request", tool: "fs.write", data: { args: { path: "/etc/hosts", content: 'say "hi"' } } });
    expect(a.query({ text: "/etc/hosts" }).map((r) => r.tool)).toEqual(["fs.write"]);
    expect(a.query({ text: 'say "hi"' }).map((r) => r.seq)).toEqual([11]);
    expect(a.query({ text: "%" })).toEqual([]);
    expect(a.count()).toBe(11);
    a.close();
  });

  test("updates and deletes are refused by the database itself", () => {
    const a = AuditLedger.open(path);
    fill(a, 2);
    a.close();
    const raw = new Database(path);
    expect(() => raw.exec("UPDATE audit SET data = '1' WHERE seq = 1")).toThrow("append-only");
    expect(() => raw.exec("DELETE FROM audit WHERE seq = 2")).toThrow("append-only");
    raw.close();
  });

  test("an edited row is the first bad row", () => {
    fill(AuditLedger.open(path), 20);
    tamper(`UPDATE audit SET data = '{"i":99}' WHERE seq = 7`);
    expect(AuditLedger.open(path).verify()).toEqual({ ok: false, rows: 7, firstBadRow: 7, reason: "content does not match its hash" });
  });

  test("a row edited with its hash recomputed breaks the link of the next row", () => {
    fill(AuditLedger.open(path), 20);
    tamper(`UPDATE audit SET hash = '${"f".repeat(64)}' WHERE seq = 12`);
    const v = AuditLedger.open(path).verify();
    expect(v.ok).toBe(false);
    expect(v.firstBadRow).toBe(12);
  });

  test("a removed row is found where the sequence breaks", () => {
    fill(AuditLedger.open(path), 20);
    tamper("DELETE FROM audit WHERE seq = 5");
    expect(AuditLedger.open(path).verify()).toMatchObject({ ok: false, firstBadRow: 6, reason: "row 5 is missing" });
  });

  test("a tail cut while this process holds the ledger is found", () => {
    const a = AuditLedger.open(path);
    fill(a, 10);
    tamper("DELETE FROM audit WHERE seq > 8");
    expect(a.verify()).toMatchObject({ ok: false, rows: 8, firstBadRow: 9 });
    a.close();
  });
});
