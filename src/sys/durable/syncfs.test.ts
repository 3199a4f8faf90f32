import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { syncFilesystemShared, syncfsAsync } from "./syncfs";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "syncfs-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("syncfsAsync runs syncfs(2) on its worker and resolves, again on the same worker", async () => {
  writeFileSync(join(dir, "f"), "x");
  await syncfsAsync(dir);
  await syncfsAsync(dir);
});

test("syncfsAsync names a path it cannot open", async () => {
  await expect(syncfsAsync(join(dir, "missing"))).rejects.toThrow(/ENOENT.*missing|missing.*ENOENT|no such file/i);
});

test("concurrent writers on one filesystem share flushes, and each resolves", async () => {
  const dev = statSync(dir).dev;
  const all = await Promise.allSettled(Array.from({ length: 32 }, () => syncFilesystemShared(dev, dir)));
  expect(all.every((r) => r.status === "fulfilled")).toBe(true);
});

test("a flush that fails rejects every writer waiting on it, naming the directory", async () => {
  const gone = join(dir, "gone");
  const dev = statSync(dir).dev + 1_000_003; // a queue of its own
  await expect(syncFilesystemShared(dev, gone)).rejects.toThrow("gone");
});
