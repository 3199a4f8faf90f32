import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig } from "../config";
import { type Memory, openMemory } from "./open";

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

  test("maintenance: due by interval; applies retention to both tiers; VACUUMs a file that is mostly free", async () => {
    expect(m.maintenanceDue()).toBe(true);
    for (let i = 0; i < 4; i++) await m.longterm.recordDecision({ title: `d${i}`, decision: `decision ${i}` });
    const g = m.working.goals.create({ title: "old goal" });
    m.working.goals.transition(g.id, "cancelled");
    // Fill and empty the long-term file so most of its pages are free.
    const big = await m.longterm.ingestMany(Array.from({ length: 40 }, (_, i) => ({ title: `bulk ${i}`, text: `bulk text ${i} ${"lorem ipsum dolor ".repeat(400)}` })));
    m.longterm.delete(big.map((r) => r.id));
    const before = m.stats().files.longterm.bytes;

    const now = Date.now() + 366 * 86_400_000; // past decision_max_age_days (365) and goal_retention_days (90)
    const report = m.maintain({ now });
    expect(report).toMatchObject({ decisionsDeleted: 4, goalsDeleted: 1 });
    expect(report.vacuumed).toEqual([m.longterm.db.filename]);
    expect(m.stats().files.longterm.bytes).toBeLessThan(before);
    expect(m.stats().documents.decision).toBe(0);
    expect(m.working.goals.get(g.id)).toBeNull();
    expect(m.maintenanceDue(now + 30 * 60_000)).toBe(false);
    expect(m.maintenanceDue(now + 60 * 60_000)).toBe(true);
    expect(m.stats().lastMaintenance).toBe(now);
  });

  test("decision_max_count keeps the newest", async () => {
    for (let i = 0; i < 4; i++) await m.longterm.recordDecision({ title: `d${i}`, decision: `decision ${i}` });
    expect(m.maintain().decisionsDeleted).toBe(2);
    expect((await m.longterm.search("decision", { kinds: ["decision"] })).hits.map((h) => h.title).sort()).toEqual(["d2", "d3"]);
  });

  test("close is idempotent", () => {
    m.close();
    m.close();
  });
});
