import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFER_MS, deferFlushesFor, flushDeferred, flushLater, hurry } from "./deferred";

let dir: string;
beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), "deferred-")));
});
afterEach(() => {
  deferFlushesFor(DEFER_MS);
  rmSync(dir, { recursive: true, force: true });
});

const dirs = (...paths: string[]) => new Map(paths.map((p) => [p, statSync(p).dev]));
const state = (p: Promise<void>) => {
  const s = { settled: false };
  void p.then(
    () => (s.settled = true),
    () => (s.settled = true),
  );
  return s;
};

test("a flush waits for company, then runs on its own", async () => {
  writeFileSync(join(dir, "f"), "x");
  const done = flushLater(dirs(dir));
  const s = state(done);
  await Bun.sleep(1); // a timer never fires early: nothing was flushed yet
  expect(s.settled).toBe(false);
  await done;
});

test("hurry() runs it now; calls after it wait for the next flush", async () => {
  deferFlushesFor(60_000); // without hurry() these would outlast the test
  const first = flushLater(dirs(dir));
  hurry();
  await first;
  const second = state(flushLater(dirs(dir)));
  await Bun.sleep(20);
  expect(second.settled).toBe(false);
  await flushDeferred();
  expect(second.settled).toBe(true);
});

test("several directories on one filesystem and callers in one window share a flush, and each resolves", async () => {
  deferFlushesFor(60_000);
  for (const d of ["a", "b", "c"]) mkdirSync(join(dir, d));
  const all = [flushLater(dirs(join(dir, "a"), join(dir, "b"))), flushLater(dirs(join(dir, "c"))), flushLater(dirs(dir))];
  await flushDeferred();
  await Promise.all(all);
});

test("a directory removed since is passed over where another on its filesystem opens (syncfs), and fails its flush where none does, for every caller in the window", async () => {
  deferFlushesFor(60_000);
  const gone = join(dir, "gone");
  mkdirSync(gone);
  const both = flushLater(dirs(gone, dir));
  rmSync(gone, { recursive: true });
  await flushDeferred();
  await both;
  mkdirSync(gone);
  const a = flushLater(dirs(gone));
  const b = flushLater(dirs(gone));
  rmSync(gone, { recursive: true });
  hurry();
  for (const err of await Promise.all([a, b].map((p) => p.then(() => null, (e: Error) => e)))) expect(err?.message).toMatch(/deferred directory flush.*gone/);
});
