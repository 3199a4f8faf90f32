import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
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

test("a directory removed since it was named is passed over for another on the same filesystem", async () => {
  const [a, b] = [join(dir, "a"), join(dir, "b")];
  mkdirSync(a);
  mkdirSync(b);
  const dev = statSync(dir).dev;
  // The first flush starts at once (nobody waits for company); these two share the next one.
  const first = syncFilesystemShared(dev, dir);
  const both = Promise.all([syncFilesystemShared(dev, a), syncFilesystemShared(dev, b)]);
  rmSync(b, { recursive: true });
  await first;
  await both;
});

test("a directory that is not on the filesystem named is never flushed in its place", async () => {
  const dev = statSync(dir).dev + 1_000_033; // what the directory would be if it had been swapped for another filesystem's
  await expect(syncFilesystemShared(dev, dir)).rejects.toThrow("no longer on the filesystem written to");
});
