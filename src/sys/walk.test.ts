import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { walkTree } from "./walk";

const dir = mkdtempSync(join(tmpdir(), "aios-walk-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, "t/a/b"), { recursive: true });
writeFileSync(join(dir, "t/a/b/f"), "xyz");
writeFileSync(join(dir, "t/g"), "1");
mkdirSync(join(dir, "outside"));
writeFileSync(join(dir, "outside/secret"), "s");
symlinkSync("../outside", join(dir, "t/a/out"));
symlinkSync(".", join(dir, "t/loop"));

describe("walkTree", () => {
  test("enters before and leaves after a directory's entries, never following a link", () => {
    const events: string[] = [];
    const done = walkTree(join(dir, "t"), { enter: ({ rel }) => void events.push(`+${rel}`), leave: ({ rel }) => void events.push(`-${rel}`) });
    expect(done).toBe(true);
    expect(events.filter((e) => e.startsWith("+")).sort()).toEqual(["+", "+a", "+a/b", "+a/b/f", "+a/out", "+g", "+loop"]);
    expect(events.indexOf("-a/b/f")).toBeLessThan(events.indexOf("-a/b"));
    expect(events.indexOf("-a/b")).toBeLessThan(events.indexOf("-a"));
    expect(events.at(-1)).toBe("-");
  });

  test("skip leaves a directory's entries out; stop ends the walk", () => {
    const seen: string[] = [];
    walkTree(join(dir, "t"), { enter: ({ rel }) => (seen.push(rel), rel === "a" ? "skip" : undefined) });
    expect(seen.some((r) => r.startsWith("a/"))).toBe(false);
    const first: string[] = [];
    expect(walkTree(join(dir, "t"), { enter: ({ rel }) => (first.push(rel), rel === "" ? undefined : "stop") })).toBe(false);
    expect(first).toHaveLength(2);
  });

  test("a missing top fails unless tolerant; a cancelled signal ends it with its reason", () => {
    expect(() => walkTree(join(dir, "none"), { enter: () => undefined })).toThrow(/ENOENT/);
    expect(walkTree(join(dir, "none"), { enter: () => undefined }, { tolerant: true })).toBe(true);
    const ac = new AbortController();
    ac.abort(new Error("cancelled"));
    expect(() => walkTree(join(dir, "t"), { enter: () => undefined }, { signal: ac.signal })).toThrow("cancelled");
  });
});
