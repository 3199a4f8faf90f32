import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, schemaVersion } from "../../memory";
import { LogPolicyStore } from "./store";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "aios-logs-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("log policies: set, replace (created kept), restore exactly, remove; file clocks; survive reopening", () => {
  const path = join(dir, "working.db");
  const db = openDatabase(path);
  const s = new LogPolicyStore(db);
  expect(s.set({ pattern: "/var/log/*.log", maxBytes: 1024, maxAgeDays: null, keep: 4 }, 1000)).toEqual({ pattern: "/var/log/*.log", maxBytes: 1024, maxAgeDays: null, keep: 4, createdAt: 1000, updatedAt: 1000 });
  const first = s.get("/var/log/*.log")!;
  expect(s.set({ pattern: "/var/log/*.log", maxBytes: null, maxAgeDays: 1.5, keep: 2 }, 2000)).toMatchObject({ maxBytes: null, maxAgeDays: 1.5, createdAt: 1000, updatedAt: 2000 });
  s.restore(first);
  expect(s.get("/var/log/*.log")).toEqual(first);
  expect(s.seen("/var/log/a.log", 5000)).toEqual({ path: "/var/log/a.log", since: 5000, rotatedAt: null, rotations: 0 });
  expect(s.seen("/var/log/a.log", 9000).since).toBe(5000);
  s.rotated("/var/log/a.log", 7000);
  s.rotated("/var/log/a.log", 8000);
  expect(s.fileState("/var/log/a.log")).toEqual({ path: "/var/log/a.log", since: 8000, rotatedAt: 8000, rotations: 2 });
  db.close();
  const again = new LogPolicyStore(openDatabase(path));
  expect(again.list()).toEqual([first]);
  expect(again.remove("/var/log/*.log")).toBe(true);
  expect(again.remove("/var/log/*.log")).toBe(false);
  again.forget("/var/log/a.log");
  expect(again.fileState("/var/log/a.log")).toBeNull();
  expect(schemaVersion(openDatabase(path), "logs")).toBe(1);
});
