import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, schemaVersion } from "../../memory";
import { ServiceStore } from "./store";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "aios-services-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("definitions, enabled flags and last state survive reopening", () => {
  const path = join(dir, "memory/working.db");
  const a = ServiceStore.open(path);
  a.save("db", { argv: ["postgres"] });
  a.save("web", { argv: ["nginx"], after: ["db"] });
  a.setEnabled("web", true);
  a.recordState("web", { state: "running", pid: 42, startTicks: 7, restarts: 2, lastExitCode: 1, lastExitSignal: null });
  a.save("web", { argv: ["nginx", "-g", "daemon off;"], after: ["db"] });
  a.close();
  const b = ServiceStore.open(path);
  expect(b.list().map((s) => s.name)).toEqual(["db", "web"]);
  expect(b.get("web")).toMatchObject({ definition: { argv: ["nginx", "-g", "daemon off;"] }, enabled: true, state: "running", pid: 42, startTicks: 7, restarts: 2, lastExitCode: 1 });
  expect(b.get("db")).toMatchObject({ enabled: false, state: "stopped", pid: null });
  b.remove("db");
  expect(b.get("db")).toBeNull();
  b.close();
});

test("shares a database with other stores under its own component", () => {
  const db = openDatabase(join(dir, "w.db"));
  const s = new ServiceStore(db);
  expect(schemaVersion(db, "services")).toBe(1);
  s.close(); // not owned: the database stays open
  expect(db.query("SELECT count(*) AS n FROM services").get()).toEqual({ n: 0 });
  db.close();
});
