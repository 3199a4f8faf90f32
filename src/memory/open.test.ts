import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig } from "../config";
import { type Memory, openMemory } from "./open";
import { defineMemoryPart } from "./parts";

let dir: string;
let m: Memory;
const config = () => ({ ...defaultConfig().memory, operational_max_entries: 50, decision_max_count: 2, compact_interval: "1h" });
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "aios-open-"));
  m = openMemory({ working: join(dir, "memory/working.db"), longterm: join(dir, "memory/longterm.db") }, config());
});
afterEach(() => {
  m.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A subsystem's table in working.db with its own retention, as the goal
 * engine's are (src/orchestrator/goals/part.ts): notes older than a day go.
 * Its figures are not declared in PartStats/PartReport, hence the casts.
 */
function notesPart(memory: Memory) {
  const db = memory.working.db;
  db.exec("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, at INTEGER NOT NULL)");
  const count = () => (db.query("SELECT count(*) AS n FROM notes").get() as { n: number }).n;
  memory.register(
    defineMemoryPart({
      name: "notes",
      stats: () => ({ notes: count() }) as never,
      retain: (now) => ({ notesDeleted: db.query("DELETE FROM notes WHERE at < ?").run(now - 86_400_000).changes }) as never,
    }),
  );
  return { add: (at: number) => db.query("INSERT INTO notes (at) VALUES (?)").run(at) };
}

/** stats().working, untyped: the test part's figures are not declared in PartStats. */
const working = (): object => m.stats().working;

describe("openMemory", () => {
  test("opens both files with WAL and synchronous=FULL, rings sized from config", () => {
    for (const db of [m.working.db, m.longterm.db]) {
      expect(db.query("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
      expect(db.query("PRAGMA synchronous").get()).toEqual({ synchronous: 2 });
    }
    const s = m.stats();
    expect(s.operational.events.capacity).toBe(50);
    expect(s.embeddingModel).toBeNull();
    expect(s.files.working.path).toBe(join(dir, "memory/working.db"));
    expect(s.lastMaintenance).toBeNull();
  });

  test("maintenance: due by interval; applies retention to both tiers and the registered parts; VACUUMs a file that is mostly free", async () => {
    expect(m.maintenanceDue()).toBe(true);
    for (let i = 0; i < 4; i++) await m.longterm.recordDecision({ title: `d${i}`, decision: `decision ${i}` });
    const notes = notesPart(m);
    notes.add(1);
    // Fill and empty the long-term file so most of its pages are free.
    const big = await m.longterm.ingestMany(Array.from({ length: 40 }, (_, i) => ({ title: `bulk ${i}`, text: `bulk text ${i} ${"lorem ipsum dolor ".repeat(400)}` })));
    m.longterm.delete(big.map((r) => r.id));
    const before = m.stats().files.longterm.bytes;

    const now = Date.now() + 366 * 86_400_000; // past decision_max_age_days (365) and goal_retention_days (90)
    const report = m.maintain({ now });
    expect(report).toMatchObject({ decisionsDeleted: 4, notesDeleted: 1 });
    expect(report.vacuumed).toEqual([m.longterm.db.filename]);
    expect(m.stats().files.longterm.bytes).toBeLessThan(before);
    expect(m.stats().documents.decision).toBe(0);
    expect(working()).toEqual({ notes: 0, keys: 1 });
    expect(m.maintenanceDue(now + 30 * 60_000)).toBe(false);
    expect(m.maintenanceDue(now + 60 * 60_000)).toBe(true);
    expect(m.stats().lastMaintenance).toBe(now);
  });

  test("decision_max_count keeps the newest", async () => {
    for (let i = 0; i < 4; i++) await m.longterm.recordDecision({ title: `d${i}`, decision: `decision ${i}` });
    expect(m.maintain().decisionsDeleted).toBe(2);
    expect((await m.longterm.search("decision", { kinds: ["decision"] })).hits.map((h) => h.title).sort()).toEqual(["d2", "d3"]);
  });

  test("a registered part's figures join stats().working; registering its name again replaces it", () => {
    expect(working()).toEqual({ keys: 0 });
    notesPart(m).add(5);
    expect(working()).toEqual({ notes: 1, keys: 0 });
    notesPart(m);
    expect(working()).toEqual({ notes: 1, keys: 0 });
  });

  test("close is idempotent", () => {
    m.close();
    m.close();
  });
});
