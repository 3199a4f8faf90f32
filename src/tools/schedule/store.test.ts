import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, schemaVersion } from "../../memory";
import { WatchStore } from "../monitor/store";
import { ScheduleStore } from "./store";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "aios-watches-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("schedules: goal or tool (never both), run history kept across a spec change, restore exactly", () => {
  const path = join(dir, "memory/working.db");
  const s = ScheduleStore.open(path);
  const job = s.set({ name: "cleanup", cron: "0 3 * * *", goal: "free disk space", tool: null, args: null, agent: null }, 10);
  expect(job).toMatchObject({ name: "cleanup", cron: "0 3 * * *", goal: "free disk space", tool: null, createdAt: 10, lastRunAt: null });
  expect(s.recordRun("cleanup", "done", "goal 4", 20)).toBe(true);
  const ran = s.get("cleanup")!;
  const changed = s.set({ name: "cleanup", cron: "*/5 * * * *", goal: null, tool: "process.spawn", args: { argv: ["sync"] }, agent: "task" }, 30);
  expect(changed).toMatchObject({ cron: "*/5 * * * *", goal: null, tool: "process.spawn", args: { argv: ["sync"] }, agent: "task", createdAt: 10, updatedAt: 30, lastRunAt: 20, lastStatus: "done" });
  s.restore(ran);
  expect(s.get("cleanup")).toEqual(ran);
  expect(() => s.set({ name: "both", cron: "* * * * *", goal: "x", tool: "fs.read", args: {}, agent: null })).toThrow();
  expect(() => s.set({ name: "none", cron: "* * * * *", goal: null, tool: null, args: null, agent: null })).toThrow();
  expect(s.remove("cleanup")).toBe(true);
  expect(s.list()).toEqual([]);
  s.close();
});

test("both share a database with other stores under their own components", () => {
  const db = openDatabase(join(dir, "w.db"));
  new WatchStore(db).close();
  new ScheduleStore(db).close(); // not owned: the database stays open
  expect([schemaVersion(db, "watches"), schemaVersion(db, "schedules")]).toEqual([1, 2]);
  expect(db.query("SELECT count(*) AS n FROM watches").get()).toEqual({ n: 0 });
  db.close();
});
