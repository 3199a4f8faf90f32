import { Database } from "bun:sqlite";
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Migration, openDatabase, schemaVersion } from "./db";

const V1: Migration = { version: 1, name: "notes", sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);" };
const V2: Migration = { version: 2, name: "notes_tag", sql: "ALTER TABLE notes ADD COLUMN tag TEXT NOT NULL DEFAULT '';" };

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "aios-db-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("openDatabase", () => {
  test("sets WAL, the synchronous level and foreign keys", () => {
    const db = openDatabase(join(dir, "a/b.db"), { migrations: [V1] });
    expect(db.query("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    expect(db.query("PRAGMA synchronous").get()).toEqual({ synchronous: 2 });
    expect(db.query("PRAGMA foreign_keys").get()).toEqual({ foreign_keys: 1 });
    db.close();
    const n = openDatabase(join(dir, "n.db"), { migrations: [V1], synchronous: "normal" });
    expect(n.query("PRAGMA synchronous").get()).toEqual({ synchronous: 1 });
    n.close();
  });

  test("an old database is migrated forward and keeps its rows", () => {
    const path = join(dir, "old.db");
    const v1 = openDatabase(path, { migrations: [V1] });
    v1.query("INSERT INTO notes (body) VALUES (?)").run("kept");
    v1.close();
    const v2 = openDatabase(path, { migrations: [V1, V2] });
    expect(schemaVersion(v2)).toBe(2);
    expect(v2.query("SELECT body, tag FROM notes").all()).toEqual([{ body: "kept", tag: "" }]);
    v2.close();
  });

  test("a failing migration leaves the database at the last good version", () => {
    const path = join(dir, "bad.db");
    const broken: Migration = { version: 2, name: "broken", sql: "CREATE TABLE x (a); SELECT nonsense FROM nowhere;" };
    expect(() => openDatabase(path, { migrations: [V1, broken] })).toThrow(/bad\.db: migration 2 \(broken\): no such table: nowhere/);
    const raw = new Database(path);
    expect(schemaVersion(raw)).toBe(1);
    expect(raw.query("SELECT name FROM sqlite_master WHERE name = 'x'").get()).toBeNull();
    raw.close();
  });

  test("a database from a newer build is refused, not touched", () => {
    const path = join(dir, "new.db");
    openDatabase(path, { migrations: [V1, V2] }).close();
    expect(() => openDatabase(path, { migrations: [V1] })).toThrow("schema version 2 is newer than this aios-init knows (1)");
  });

  test("migrations must be numbered 1, 2, 3...", () => {
    expect(() => openDatabase(join(dir, "x.db"), { migrations: [V2] })).toThrow("migration notes_tag is numbered 2, expected 1");
  });
});
