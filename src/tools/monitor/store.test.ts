import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WatchStore } from "./store";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "aios-watches-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("watches: set, replace (check history reset), record a check, restore exactly, survive reopening", () => {
  const path = join(dir, "memory/working.db");
  const a = WatchStore.open(path);
  const w = a.set({ name: "nginx", service: "nginx", url: "http://127.0.0.1/health", port: { host: "127.0.0.1", port: 80 }, everyS: 30 }, 1000);
  expect(w).toEqual({
    name: "nginx", service: "nginx", url: "http://127.0.0.1/health", port: { host: "127.0.0.1", port: 80 }, everyS: 30,
    createdAt: 1000, updatedAt: 1000, lastCheckAt: null, lastOk: null, lastDetail: null,
  });
  expect(a.recordCheck("nginx", false, "connection refused", 2000)).toBe(true);
  const checked = a.get("nginx")!;
  expect(checked).toMatchObject({ lastCheckAt: 2000, lastOk: false, lastDetail: "connection refused" });
  const replaced = a.set({ name: "nginx", service: null, url: "http://127.0.0.1/", port: null, everyS: 60 }, 3000);
  expect(replaced).toMatchObject({ service: null, port: null, createdAt: 1000, updatedAt: 3000, lastCheckAt: null, lastOk: null });
  a.restore(checked);
  expect(a.get("nginx")).toEqual(checked);
  a.set({ name: "api", service: null, url: null, port: { host: "localhost", port: 8080 }, everyS: 5 });
  a.close();
  const b = WatchStore.open(path);
  expect(b.list().map((x) => x.name)).toEqual(["api", "nginx"]);
  expect(b.remove("api")).toBe(true);
  expect(b.remove("api")).toBe(false);
  expect(b.recordCheck("api", true, null)).toBe(false);
  b.close();
});
