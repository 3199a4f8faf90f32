import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { schemaVersion } from "./db";
import { WorkingMemory } from "./working";

let dir: string;
let wm: WorkingMemory;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "aios-wm-"));
  wm = WorkingMemory.open(join(dir, "working.db"));
});
afterEach(() => {
  wm.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("kv", () => {
  test("JSON values by key, prefix listing, delete", () => {
    wm.kv.set("autonomy.cursor", 42);
    wm.kv.set("autonomy.last", { at: 1 });
    wm.kv.set("other", "x");
    expect(wm.kv.get("autonomy.cursor")).toBe(42);
    expect(wm.kv.list("autonomy.").map((e) => e.key)).toEqual(["autonomy.cursor", "autonomy.last"]);
    wm.kv.set("other", undefined);
    expect(wm.kv.get("other")).toBeUndefined();
    expect(wm.kv.delete("nope")).toBe(false);
    expect(wm.stats()).toEqual({ keys: 2 });
  });

  test("memory's own component: kv alone; the goal tables are their owner's (src/orchestrator/goals)", () => {
    expect(schemaVersion(wm.db, "kv")).toBe(1);
    expect(schemaVersion(wm.db, "working")).toBe(0);
    expect(wm.db.query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").values()).toEqual([["kv"], ["schema_migrations"]]);
  });
});

describe("connections", () => {
  test("synchronous=FULL: an acknowledged write survives power loss", () => {
    expect(wm.db.query("PRAGMA synchronous").get()).toEqual({ synchronous: 2 });
    expect(wm.db.query("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    expect(wm.fast.query("PRAGMA synchronous").get()).toEqual({ synchronous: 1 });
  });
});
