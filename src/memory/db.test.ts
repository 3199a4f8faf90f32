import { Database } from "bun:sqlite";
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyMigrations, type Migration, openDatabase, schemaVersion } from "./db";

const open = (path: string, migrations: Migration[], synchronous?: "full" | "normal") => {
  const db = openDatabase(path, { synchronous });
  applyMigrations(db, "notes", migrations);
  return db;
};

const V1: Migration = { version: 1, name: "notes", sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);" };
const V2: Migration = { version: 2, name: "notes_tag", sql: "ALTER TABLE notes ADD COLUMN tag TEXT NOT NULL DEFAULT '';" };

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "aios-db-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("openDatabase and applyMigrations", () => {
  test("sets WAL, the synchronous level and foreign keys", () => {
    const db = open(join(dir, "a/b.db"), [V1]);
    expect(db.query("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    expect(db.query("PRAGMA synchronous").get()).toEqual({ synchronous: 2 });
    expect(db.query("PRAGMA foreign_keys").get()).toEqual({ foreign_keys: 1 });
    db.close();
    const n = open(join(dir, "n.db"), [V1], "normal");
    expect(n.query("PRAGMA synchronous").get()).toEqual({ synchronous: 1 });
    n.close();
  });

  test("an old database is migrated forward and keeps its rows", () => {
    const path = join(dir, "old.db");
    const v1 = open(path, [V1]);
    v1.query("INSERT INTO notes (body) VALUES (?)").run("kept");
    v1.close();
    const v2 = open(path, [V1, V2]);
    expect(schemaVersion(v2, "notes")).toBe(2);
    expect(v2.query("SELECT body, tag FROM notes").all()).toEqual([{ body: "kept", tag: "" }]);
    v2.close();
  });

  test("a failing migration leaves the database at the last good version", () => {
    const path = join(dir, "bad.db");
    const broken: Migration = { version: 2, name: "broken", sql: "CREATE TABLE x (a); SELECT nonsense FROM nowhere;" };
    expect(() => open(path, [V1, broken])).toThrow(/bad\.db \(notes\): migration 2 \(broken\): no such table: nowhere/);
    const raw = new Database(path);
    expect(schemaVersion(raw, "notes")).toBe(1);
    expect(raw.query("SELECT name FROM sqlite_master WHERE name = 'x'").get()).toBeNull();
    raw.close();
  });

  test("a database from a newer build is refused, not touched", () => {
    const path = join(dir, "new.db");
    open(path, [V1, V2]).close();
    expect(() => open(path, [V1])).toThrow("schema version 2 is newer than this aios-init knows (1)");
  });

  test("migrations must be numbered 1, 2, 3...", () => {
    expect(() => open(join(dir, "x.db"), [V2])).toThrow("migration notes_tag is numbered 2, expected 1");
  });

  test("components sharing a file keep their own numbers", () => {
    const db = open(join(dir, "shared.db"), [V1, V2]);
    applyMigrations(db, "other", [{ version: 1, name: "other", sql: "CREATE TABLE other (x);" }]);
    expect(schemaVersion(db, "notes")).toBe(2);
    expect(schemaVersion(db, "other")).toBe(1);
    expect(applyMigrations(db, "other", [{ version: 1, name: "other", sql: "CREATE TABLE other (x);" }])).toEqual([]);
    db.close();
  });
});

describe("prepare", () => {
  test("compiles on first use: stores open without compiling SQL, and a mistake shows when the statement runs", () => {
    const db = openDatabase(":memory:");
    const bad = db.prepare("SELECT * FROM no_such_table");
    const insert = db.prepare("INSERT INTO t (x) VALUES (?)");
    db.exec("CREATE TABLE t (x)"); // after the prepare: an eager compile would have failed
    insert.run(1);
    insert.run(2);
    expect(db.prepare("SELECT x FROM t ORDER BY x").all()).toEqual([{ x: 1 }, { x: 2 }]);
    expect(db.prepare("SELECT x FROM t ORDER BY x").values()).toEqual([[1], [2]]);
    expect(db.prepare("SELECT count(*) AS n FROM t").get()).toEqual({ n: 2 });
    expect([...db.prepare("SELECT x FROM t").iterate()].length).toBe(2);
    expect(db.prepare("SELECT x, x * 2 AS y FROM t").columnNames).toEqual(["x", "y"]);
    expect(() => bad.all()).toThrow("no such table: no_such_table");
    bad.finalize(); // never compiled: nothing to release
    insert.finalize();
    expect(() => insert.run(3)).toThrow("Statement has finalized");
    db.close();
  });
});

describe("close", () => {
  test("releases the files even when statements were prepared (the data disk must unmount)", () => {
    const path = join(dir, "held.db");
    const db = openDatabase(path);
    db.exec("CREATE TABLE t (x)");
    db.prepare("SELECT * FROM t").all();
    db.prepare("SELECT x FROM t"); // never used, so never compiled
    db.close();
    const open = readdirSync("/proc/self/fd").map((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return "";
      }
    });
    expect(open.filter((f) => f.startsWith(path))).toEqual([]);
  });
});
