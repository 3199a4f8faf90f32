import { Database } from "bun:sqlite";
import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setSink } from "../../sys";
import { applyMigrations, openDatabase, schemaVersion } from "../db";
import type { Embedder } from "../embedder";
import { LONGTERM_MIGRATIONS } from "../migrations/longterm";
import { loadCorpus } from "../testdata/corpus.testing";
import { LongTermMemory } from "./longterm";
import { TRAIN_AT } from "./vectors";

const logs: string[] = [];
const previousSink = setSink((l) => logs.push(l));
afterAll(() => setSink(previousSink));

let dir: string;
let open: LongTermMemory[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "aios-lt-"));
  logs.length = 0;
});
afterEach(() => {
  for (const lt of open) lt.close();
  open = [];
  rmSync(dir, { recursive: true, force: true });
});

function lt(name = "lt.db", opts = { chunkSize: 1000, chunkOverlap: 150 }): LongTermMemory {
  const m = LongTermMemory.open(join(dir, name), opts);
  open.push(m);
  return m;
}

/**
 * TEST DATA, not semantic search: an embedder that looks words up in a
 * hand-written table of 4-dimensional vectors, so the expected neighbours are
 * known. A text containing none of the words is an error (nothing invented).
 */
function tableEmbedder(model: string, table: Record<string, number[]>): Embedder & { calls: number } {
  const dims = Object.values(table)[0]!.length;
  const e = {
    model,
    dims,
    calls: 0,
    async embed(texts: string[]) {
      e.calls++;
      return texts.map((t) => {
        const word = Object.keys(table).find((w) => t.toLowerCase().includes(w));
        if (!word) throw new Error(`test embedder ${model}: no vector for ${JSON.stringify(t)}`);
        return Float32Array.from(table[word]!);
      });
    },
  };
  return e;
}

const PETS_AND_MONEY = {
  kittens: [1, 0, 0, 0],
  puppies: [0.8, 0.6, 0, 0],
  invoices: [0, 0, 1, 0],
  receipts: [0, 0, 0.8, 0.6],
  bookkeeping: [0, 0, 0.9, 0.4],
};

describe("ingestion and full-text search on the held corpus", () => {
  const expectations: Array<[string, string]> = [
    ["reverse proxy upstream", "nginx-reverse-proxy.md"],
    ["502 bad gateway", "nginx-reverse-proxy.md"],
    ["disable password authentication for ssh", "ssh-hardening.md"],
    ["the OOM killer killed my process", "memory-oom.md"],
    ["restart a failed service", "systemd-units.md"],
    ["the disk is full", "disk-full.md"],
    ["renew certificate", "letsencrypt.md"],
    ["postgres dump and restore", "postgres-backup.md"],
    ["clock drift", "ntp-time.txt"],
    ["how do I rotate logs", "log-rotation.txt"],
    ["blacklist a kernel module", "kernel-modules.txt"],
    ["swappiness", "swap.md"],
  ];

  test("each query's top hit is the document that answers it; hits say fts found them", async () => {
    const m = lt();
    const results = await m.ingestMany(loadCorpus());
    expect(results).toHaveLength(20);
    expect(results.every((r) => !r.deduplicated && !r.updated && r.chunks >= 1)).toBe(true);
    for (const [q, file] of expectations) {
      const r = await m.search(q, { k: 3 });
      expect(r.retrievers).toEqual(["fts"]);
      expect({ q, top: r.hits[0]?.source }).toEqual({ q, top: `corpus/${file}` });
      expect(r.hits[0]!.retrievers).toEqual(["fts"]);
      expect(r.hits[0]!.scores.fts).toBeGreaterThan(0);
    }
  });

  test("Markdown headings are the chunk context; code is searchable", async () => {
    const m = lt();
    await m.ingestMany(loadCorpus());
    const r = await m.search("proxy_set_header", { k: 1 });
    expect(r.hits[0]).toMatchObject({ title: "Nginx as a reverse proxy", context: "Nginx as a reverse proxy > Location block" });
    expect(r.hits[0]!.text).toContain("proxy_pass http://app_backend;");
    expect(r.hits[0]!.text).not.toContain("```");
  });

  test("query syntax in the input is text, and a query without words finds nothing", async () => {
    const m = lt();
    await m.ingestMany(loadCorpus());
    expect((await m.search('nginx AND "OR (-t* NEAR')).hits.length).toBeGreaterThan(0);
    expect((await m.search("?!* ---")).hits).toEqual([]);
  });

  test("filters by kind and by time", async () => {
    const m = lt();
    await m.ingestMany(loadCorpus());
    // Wall-clock times, as the store keeps them: a margin each side of t0, so that a host clock stepped
    // back a few ms cannot flip the test (with 5 ms, a corpus document once came out "since t0").
    await Bun.sleep(50);
    const t0 = Date.now();
    await Bun.sleep(50);
    await m.recordProcedure({ title: "Put nginx behind a reverse proxy", steps: ["install nginx", "write the upstream block", "nginx -t and reload"], goal: "serve the app on port 80" });
    await m.recordDecision({ title: "Use nginx, not haproxy", decision: "nginx as the reverse proxy", rationale: "already installed" });
    const procs = await m.search("nginx reverse proxy", { kinds: ["procedure"] });
    expect(procs.hits.map((h) => h.kind)).toEqual(["procedure"]);
    expect(procs.hits[0]!.text).toContain("2. write the upstream block");
    const recent = await m.search("nginx", { since: t0 });
    expect(new Set(recent.hits.map((h) => h.kind))).toEqual(new Set(["procedure", "decision"]));
    const both = await m.search("nginx", { kinds: ["procedure", "decision"], k: 50 });
    expect(both.hits).toHaveLength(2);
  });
});

describe("dedup and re-ingest in place", () => {
  test("the same text again is deduplicated: same id, no new rows", async () => {
    const m = lt();
    const a = await m.ingest({ title: "Note", text: "restart nginx after editing\r\n" });
    const b = await m.ingest({ title: "Another title", text: "restart nginx after editing" });
    expect(b).toEqual({ id: a.id, chunks: 1, deduplicated: true, updated: false });
    expect(m.stats().documents.document).toBe(1);
    expect(m.stats().chunks).toBe(1);
  });

  test("a changed text of the same source replaces chunks, full text and title in place", async () => {
    const m = lt();
    const first = await m.ingest({ title: "Runbook", text: "# Runbook\n\nrotate the zebra logs weekly", source: "wiki/runbook.md" });
    const before = m.docs.chunkIds(first.id);
    const second = await m.ingest({ title: "Runbook v2", text: "# Runbook\n\nrotate the giraffe logs daily", source: "wiki/runbook.md" });
    expect(second).toMatchObject({ id: first.id, deduplicated: false, updated: true });
    expect(m.docs.chunkIds(first.id).some((id) => before.includes(id))).toBe(false);
    expect((await m.search("zebra")).hits).toEqual([]);
    const hit = (await m.search("giraffe")).hits[0]!;
    expect(hit).toMatchObject({ documentId: first.id, title: "Runbook v2" });
    expect(m.get(first.id)!.createdAt).toBeLessThanOrEqual(m.get(first.id)!.updatedAt);
    // The same source and text again: deduplicated, but a new title is taken.
    const third = await m.ingest({ title: "Runbook (final)", text: "# Runbook\n\nrotate the giraffe logs daily", source: "wiki/runbook.md" });
    expect(third).toMatchObject({ id: first.id, deduplicated: true });
    expect((await m.search("final")).hits[0]!.title).toBe("Runbook (final)");
    const raw = new Database(join(dir, "lt.db"));
    expect(raw.query("SELECT count(*) AS n FROM documents").get()).toEqual({ n: 1 });
    raw.close();
  });

  test("a batch rolls back whole when one write fails", async () => {
    const m = lt();
    m.db.exec("CREATE TRIGGER refuse BEFORE INSERT ON chunks WHEN new.text LIKE '%poison%' BEGIN SELECT RAISE(ABORT, 'refused'); END");
    await expect(m.ingestMany([{ title: "ok", text: "fine text" }, { title: "bad", text: "poison text" }])).rejects.toThrow("refused");
    expect(m.stats().documents.document).toBe(0);
    expect((await m.search("fine")).hits).toEqual([]);
  });

  test("bad input is refused with the field named", async () => {
    const m = lt();
    await expect(m.ingest({ title: "  ", text: "x" })).rejects.toThrow("title: must not be empty");
    await expect(m.ingest({ title: "t", text: "```\n```" })).rejects.toThrow("text: document t has nothing to index");
  });
});

describe("retention", () => {
  test("decisions past the age or count limit are deleted with their chunks; documents stay", async () => {
    const m = lt();
    await m.ingest({ title: "Doc", text: "a decision about nginx is not a document" });
    for (let i = 0; i < 5; i++) await m.recordDecision({ title: `Decision ${i}`, decision: `choose option ${i} for nginx` });
    expect(m.applyRetention({ decisionMaxAgeDays: 0, decisionMaxCount: 3 })).toEqual({ decisions: 2 });
    const left = (await m.search("choose option", { kinds: ["decision"], k: 10 })).hits.map((h) => h.title).sort();
    expect(left).toEqual(["Decision 2", "Decision 3", "Decision 4"]);
    expect(m.applyRetention({ decisionMaxAgeDays: 365, decisionMaxCount: 0 }, Date.now() + 366 * 86_400_000)).toEqual({ decisions: 3 });
    expect(m.stats().documents).toEqual({ document: 1, procedure: 0, decision: 0 });
    expect(m.stats().chunks).toBe(1);
  });
});

describe("migrations", () => {
  test("a version-1 database (no vector columns) keeps its rows and its full-text index", async () => {
    const path = join(dir, "old.db");
    const v1 = openDatabase(path);
    applyMigrations(v1, "longterm", LONGTERM_MIGRATIONS.slice(0, 1));
    v1.run("INSERT INTO documents (title, source, content_hash, content, created_at, updated_at) VALUES ('Old note', 'old/note.txt', 'h', 'tune the kernel swappiness', 1, 1)");
    v1.run("INSERT INTO chunks (document_id, position, text) VALUES (1, 0, 'tune the kernel swappiness')");
    v1.close();

    const m = lt("old.db");
    expect(schemaVersion(m.db, "longterm")).toBe(2);
    expect((await m.search("swappiness")).hits.map((h) => h.title)).toEqual(["Old note"]);
    // The old chunk has no vector: an embedder installed now embeds it in the background.
    m.setEmbedder(tableEmbedder("test-table", { swappiness: [1, 0], other: [0, 1] }));
    expect(m.stats().vectors.stale).toBe(1);
    await m.idle();
    expect(m.stats().vectors).toMatchObject({ model: "test-table", indexed: 1, stale: 0 });
  });
});

describe("hybrid search with a test embedder (fixed hand-written vectors)", () => {
  async function seeded() {
    const m = lt();
    const e = tableEmbedder("test-table", PETS_AND_MONEY);
    m.setEmbedder(e);
    await m.ingestMany([
      { title: "Feline care", text: "kittens need warm milk" },
      { title: "Canine care", text: "puppies need long walks" },
      { title: "Accounting", text: "invoices are due monthly" },
      { title: "Tax", text: "receipts go to the tax office" },
    ]);
    await m.idle();
    return { m, e };
  }

  test("a chunk both retrievers found ranks first; vector-only neighbours follow", async () => {
    const { m } = await seeded();
    const r = await m.search("kittens", { k: 3 });
    expect(r.retrievers).toEqual(["fts", "vector"]);
    expect(r.hits.map((h) => [h.title, h.retrievers])).toEqual([
      ["Feline care", ["fts", "vector"]],
      ["Canine care", ["vector"]],
      ["Accounting", ["vector"]],
    ]);
    expect(r.hits[0]!.scores.vector).toBeCloseTo(1, 5);
    expect(r.hits[1]!.scores.vector).toBeCloseTo(0.8, 5);
  });

  test("a query no document contains is answered by vectors alone, nearest first", async () => {
    const { m } = await seeded();
    const r = await m.search("bookkeeping", { k: 2 });
    expect(r.hits.map((h) => h.title)).toEqual(["Tax", "Accounting"]);
    expect(r.hits.every((h) => h.retrievers.join() === "vector")).toBe(true);
    expect(r.hits[0]!.scores.vector).toBeCloseTo((0.9 * 0.8 + 0.4 * 0.6) / Math.hypot(0.9, 0.4), 5);
  });

  test("kind filters apply to the vector retriever too", async () => {
    const { m } = await seeded();
    await m.recordDecision({ title: "Pay invoices by transfer", decision: "invoices are paid by bank transfer" });
    const r = await m.search("bookkeeping", { kinds: ["decision"] });
    expect(r.hits.map((h) => h.title)).toEqual(["Pay invoices by transfer"]);
  });

  test("a new model: old vectors leave the index until re-embedded, never mixed", async () => {
    const { m } = await seeded();
    const b = tableEmbedder("test-table-b", { kittens: [0, 1, 0], puppies: [0, 0.6, 0.8], invoices: [1, 0, 0], receipts: [0.6, 0, 0.8], bookkeeping: [1, 0, 0] });
    m.setEmbedder(b);
    expect(m.stats().vectors).toMatchObject({ model: "test-table-b", indexed: 0, stale: 4 });
    await m.idle();
    expect(m.stats().vectors).toMatchObject({ model: "test-table-b", dims: 3, indexed: 4, stale: 0 });
    const r = await m.search("bookkeeping", { k: 1 });
    expect(r.hits[0]!.title).toBe("Accounting");
    const raw = new Database(join(dir, "lt.db"));
    expect(raw.query("SELECT DISTINCT embed_model AS m, embed_dims AS d FROM chunks").all()).toEqual([{ m: "test-table-b", d: 3 }]);
    raw.close();
  });

  test("no embedder: stats say so and search is full text only", async () => {
    const { m } = await seeded();
    m.setEmbedder(null);
    expect(m.stats().vectors).toMatchObject({ model: null, indexed: 0, index: null });
    const r = await m.search("bookkeeping");
    expect(r).toEqual({ hits: [], retrievers: ["fts"] });
  });

  test("a failing embedder: chunks are stored without vectors and search falls back to full text", async () => {
    const m = lt();
    m.setEmbedder(tableEmbedder("test-table", PETS_AND_MONEY));
    const r = await m.ingest({ title: "Unknown", text: "a text the table has no vector for" });
    expect(r.chunks).toBe(1);
    expect(logs.some((l) => l.includes("test embedder test-table: no vector for"))).toBe(true);
    await m.idle();
    expect(m.stats().vectors).toMatchObject({ indexed: 0, stale: 1 });
    const s = await m.search("unknown text");
    expect(s.retrievers).toEqual(["fts"]);
    expect(s.hits[0]!.title).toBe("Unknown");
  });

  test("the index trains at the threshold, persists its centroids and reloads them", async () => {
    const m = lt("big.db", { chunkSize: 1000, chunkOverlap: 0 });
    // TEST DATA: 8-dimensional vectors computed from the item number in the text (16 known clusters).
    const e: Embedder = {
      model: "test-items",
      dims: 8,
      async embed(texts) {
        return texts.map((t) => {
          const n = Number(/item (\d+)/.exec(t)?.[1] ?? Number.NaN);
          if (!Number.isFinite(n)) throw new Error("test-items: no item number");
          return Float32Array.from({ length: 8 }, (_, j) => (j === n % 8 ? 1 : 0) + (j === (n >> 3) % 8 ? 0.5 : 0) + ((n * 31 + j * 17) % 7) / 100);
        });
      },
    };
    m.setEmbedder(e);
    const n = TRAIN_AT + 100;
    await m.ingestMany(Array.from({ length: n }, (_, i) => ({ title: `Item ${i}`, text: `item ${i} of the test set` })));
    await m.idle();
    const s = m.stats().vectors;
    expect(s.index).toMatchObject({ kind: "ivf", vectors: n, trained: true });
    expect(s.index!.lists).toBeGreaterThan(10);
    const before = (await m.search("item 77", { k: 5 })).hits.map((h) => h.title);
    expect(before).toContain("Item 77");
    m.close();
    open = open.filter((x) => x !== m);

    const again = lt("big.db");
    const raw = again.db.query("SELECT nlist, trained_on FROM vector_index WHERE model = 'test-items'").get() as { nlist: number; trained_on: number };
    expect(raw.trained_on).toBe(n);
    again.setEmbedder(e);
    // The index loads in the background: until then search is full text only, and says so.
    expect(again.stats().vectors.ready).toBe(false);
    expect((await again.search("item 77")).retrievers).toEqual(["fts"]);
    await again.idle();
    expect(again.stats().vectors).toMatchObject({ ready: true, stale: 0 });
    expect(again.stats().vectors.index).toMatchObject({ kind: "ivf", vectors: n, lists: raw.nlist });
    expect((await again.search("item 77", { k: 5 })).hits.map((h) => h.title)).toEqual(before);
  });
});
