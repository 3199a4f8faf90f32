import { Database } from "bun:sqlite";
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rowHashV1 } from "./chain";
import { AuditLedger, GENESIS_HASH, type LedgerMark } from "./ledger";
import { AUDIT_MIGRATIONS } from "./migrations/audit";

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
  raw.exec("DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;");
  raw.exec(sql);
  raw.close();
}

describe("AuditLedger", () => {
  test("commit(): writes queued together share one transaction and one flush; one that throws is taken back alone", async () => {
    const a = AuditLedger.open(path);
    const done = [0, 1, 2, 3].map((i) =>
      a.commit(() => {
        a.appendJson({ kind: "result", callId: `c${i}` }, JSON.stringify({ i }));
        if (i === 2) throw new Error("no");
      }),
    );
    const outcomes = await Promise.allSettled(done);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect(a.query({}).map((r) => r.callId)).toEqual(["c3", "c1", "c0"]);
    expect(a.verify().ok).toBe(true);
    // Queued and not flushed yet: a read runs the queue first, in order.
    void a.commit(() => void a.appendJson({ kind: "result", callId: "c4" }, "{}"));
    expect(a.count()).toBe(4);
    a.append({ kind: "note" });
    expect(a.query({ limit: 2 }).map((r) => r.kind)).toEqual(["note", "result"]);
    await a.durable();
    a.close();
    const b = AuditLedger.open(path);
    expect(b.count()).toBe(5);
    expect(b.verify().ok).toBe(true);
    b.close();
  });

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
    expect(b.verify()).toEqual({ ok: true, rows: 3, anchored: 2 }); // the first close anchored its head
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

describe("durability: group commit and the anchored head", () => {
  test("durable() resolves once rows are on disk, concurrent callers sharing flushes; the head is anchored after", async () => {
    const a = AuditLedger.open(path);
    const waits: Promise<void>[] = [];
    for (let i = 0; i < 64; i++) {
      a.append({ kind: "request", callId: `c${i}` });
      waits.push(a.durable());
    }
    await Promise.all(waits);
    for (let i = 0; i < 50 && a.anchored()?.seq !== 64; i++) await Bun.sleep(10); // written after the flush, off the answer's path
    expect(a.anchored()).toEqual({ seq: 64, hash: a.query({ limit: 1 })[0]!.hash });
    await a.durable(); // nothing new: at once
    a.close();
    expect(existsSync(join(dir, "ledger/audit.anchor"))).toBe(true);
  });

  test("commitWritten(): queued as commit() is, resolved with what was written out; durable (and anchored) only once persisted() says so", async () => {
    const a = AuditLedger.open(path);
    const extra = join(dir, "staged");
    await Bun.write(extra, "staged content");
    const fd = openSync(extra, "r");
    const marks = await Promise.allSettled(
      [0, 1, 2].map((i) =>
        a.commitWritten(
          () => {
            a.appendJson({ kind: "result", callId: `w${i}` }, "{}");
            if (i === 1) throw new Error("no");
          },
          [fd],
        ),
      ),
    );
    closeSync(fd);
    expect(marks.map((m) => m.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const mark = (marks[2] as PromiseFulfilledResult<LedgerMark>).value;
    expect(mark.head).toEqual({ seq: 2, hash: a.query({ limit: 1 })[0]!.hash }); // w0 and w2: w1 was taken back
    await Bun.sleep(30);
    expect(a.anchored()?.seq ?? 0).toBeLessThan(2); // written out is not durable: nothing anchored past it
    a.persisted(mark); // the caller's flush of the filesystem, begun after the write-out, has completed
    for (let i = 0; i < 50 && a.anchored()?.seq !== 2; i++) await Bun.sleep(10);
    expect(a.anchored()).toEqual(mark.head);
    a.close();
  });

  test("a tail lost while the ledger is open is reported against the anchor", async () => {
    const a = AuditLedger.open(path);
    fill(a, 10);
    a.close(); // anchors row 10
    const b = AuditLedger.open(path);
    tamper("DELETE FROM audit WHERE seq > 6");
    expect(b.verify()).toMatchObject({ ok: false, firstBadRow: 7, missing: { from: 7, to: 10 }, anchored: 10 });
    b.close();
  });

  test("a boot that finds the tail gone records the loss in the chain, numbered past it; verify keeps reporting it", () => {
    const a = AuditLedger.open(path);
    fill(a, 12);
    a.close();
    tamper("DELETE FROM audit WHERE seq > 9"); // what a power cut does to a ledger that did not sync
    const b = AuditLedger.open(path);
    const lost = b.query({ kind: "lost" });
    expect(lost.map((r) => [r.seq, r.data])).toEqual([[13, { from: 10, to: 12, anchor: { seq: 12, hash: expect.any(String) } }]]);
    expect(b.append({ kind: "request", callId: "after" }).seq).toBe(14);
    const v = b.verify();
    expect(v).toMatchObject({ ok: false, firstBadRow: 13, missing: { from: 10, to: 12 } });
    expect(v.reason).toContain("rows 10-12 were lost");
    b.close();
  });

  test("a different row where the anchored one was is a loss too", () => {
    const a = AuditLedger.open(path);
    fill(a, 5);
    a.close();
    tamper(`UPDATE audit SET hash = '${"e".repeat(64)}' WHERE seq = 5`);
    const b = AuditLedger.open(path);
    expect(b.query({ kind: "lost" })[0]!.data).toMatchObject({ anchor: { seq: 5 }, found: "e".repeat(64) });
    expect(b.verify().ok).toBe(false);
    b.close();
  });
});

describe("redaction", () => {
  test("a payload is replaced by a marker, the redaction is a row, and the chain still verifies", async () => {
    const a = AuditLedger.open(path);
    a.append({ kind: "request", callId: "c1", tool: "fs.write", data: { args: { path: "/srv/key", content: "SECRET-TOKEN" } } });
    a.append({ kind: "result", callId: "c1", data: { ok: true } });
    const r = a.redact(1, "api", "the content was a key");
    expect(r).toMatchObject({ seq: 3, kind: "redact", callId: "c1", tool: "fs.write", data: { seq: 1, by: "api", reason: "the content was a key", dataHash: expect.any(String) } });
    expect(a.get(1)!.data).toEqual({ $redacted: 3, by: "api", reason: "the content was a key", at: expect.any(Number) });
    expect(JSON.stringify(a.query())).not.toContain("SECRET-TOKEN");
    expect(a.verify()).toMatchObject({ ok: true, rows: 3, redacted: 1 });
    await a.durable();
    a.close();
    const raw = new Database(path);
    expect((raw.query("SELECT data FROM audit WHERE seq = 1").get() as { data: string }).data).not.toContain("SECRET");
    raw.close();
  });

  test("refusals: no such row, no reason, twice, the ledger's own records", () => {
    const a = AuditLedger.open(path);
    fill(a, 2);
    expect(() => a.redact(9, "t", "x")).toThrow("audit row 9: no such row");
    expect(() => a.redact(1, "t", "  ")).toThrow("needs a reason");
    a.redact(1, "t", "secret");
    expect(() => a.redact(1, "t", "again")).toThrow("already redacted");
    expect(() => a.redact(3, "t", "hide the redaction")).toThrow("records a redaction itself");
    expect(a.verify()).toMatchObject({ ok: true, redacted: 1 });
    a.close();
  });

  test("a payload edited to look redacted, without its redact row, is found", () => {
    const a = AuditLedger.open(path);
    fill(a, 4);
    a.close();
    tamper(`UPDATE audit SET data = '{"$redacted":4,"by":"x","reason":"y","at":1}' WHERE seq = 2`);
    expect(AuditLedger.open(path).verify()).toMatchObject({ ok: false, firstBadRow: 2, reason: "content does not match its hash" });
  });

  test("the database refuses any other update, even of a payload to something that is not a marker", () => {
    const a = AuditLedger.open(path);
    fill(a, 1);
    a.close();
    const raw = new Database(path);
    expect(() => raw.exec(`UPDATE audit SET data = '{"x":1}' WHERE seq = 1`)).toThrow("append-only");
    expect(() => raw.exec(`UPDATE audit SET data = '{"$redacted":2}', agent = 'me' WHERE seq = 1`)).toThrow("append-only");
    raw.close();
  });
});

describe("ledgers of the old row format", () => {
  /** A ledger as aios-init wrote it before payloads were hashed apart: schema 1-2, each hash over the payload. */
  function oldLedger(n: number): void {
    mkdirSync(join(dir, "ledger"), { recursive: true });
    const db = new Database(path);
    db.exec("CREATE TABLE schema_migrations (component TEXT PRIMARY KEY, version INTEGER NOT NULL, applied_at INTEGER NOT NULL)");
    for (const m of AUDIT_MIGRATIONS.slice(0, 2)) db.exec(m.sql);
    db.exec("INSERT INTO schema_migrations VALUES ('audit', 2, 0)");
    let prev = GENESIS_HASH;
    for (let seq = 1; seq <= n; seq++) {
      const r = { seq, ts: 1000 + seq, kind: "request", call_id: `c${seq}`, tool: "fs.stat", agent: "system", correlation_id: null, data: JSON.stringify({ i: seq }), prev_hash: prev };
      const hash = rowHashV1(r);
      db.query("INSERT INTO audit (seq, ts, kind, call_id, tool, agent, correlation_id, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").run(r.seq, r.ts, r.kind, r.call_id, r.tool, r.agent, r.correlation_id, r.data, r.prev_hash, hash);
      prev = hash;
    }
    db.close();
  }

  test("still verify after the migration; new rows chain on in the new format; old rows cannot be redacted", () => {
    oldLedger(5);
    const a = AuditLedger.open(path);
    expect(a.verify()).toEqual({ ok: true, rows: 5 });
    a.append({ kind: "request", callId: "c6", data: { secret: "s" } });
    expect(a.verify()).toMatchObject({ ok: true, rows: 6 });
    expect(() => a.redact(3, "t", "old")).toThrow("written before payloads were hashed apart");
    a.redact(6, "t", "new");
    expect(a.verify()).toMatchObject({ ok: true, rows: 7, redacted: 1 });
    a.close();
  });

  test("an edited old row is still found", () => {
    oldLedger(5);
    AuditLedger.open(path).close();
    tamper(`UPDATE audit SET data = '{"i":42}' WHERE seq = 4`);
    expect(AuditLedger.open(path).verify()).toMatchObject({ ok: false, firstBadRow: 4 });
  });

  test("an old-format row after new-format rows is refused", () => {
    const a = AuditLedger.open(path);
    fill(a, 3);
    a.close();
    tamper("UPDATE audit SET data_hash = NULL WHERE seq = 3");
    expect(AuditLedger.open(path).verify()).toMatchObject({ ok: false, firstBadRow: 3 });
  });
});
