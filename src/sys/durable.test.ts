import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appendFileDurable, mkdirDurable, removeDurable, renameDurable, writeFileDurable } from "./durable";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "durable-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("writeFileDurable", () => {
  test("creates a file with the content and mode asked, leaving no temporary file", () => {
    const p = join(dir, "a.conf");
    writeFileDurable(p, "hello\n", { mode: 0o600 });
    expect(readFileSync(p, "utf8")).toBe("hello\n");
    expect(statSync(p).mode & 0o7777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["a.conf"]);
  });

  test("replacing keeps the old file's mode unless told otherwise", () => {
    const p = join(dir, "b");
    writeFileSync(p, "old");
    chmodSync(p, 0o640);
    writeFileDurable(p, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(p)]).toEqual([1, 2, 3]);
    expect(statSync(p).mode & 0o7777).toBe(0o640);
  });

  test("a failure leaves the target as it was and removes the temporary file", () => {
    const p = join(dir, "missing-dir", "c");
    expect(() => writeFileDurable(p, "x")).toThrow();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("the other durable operations", () => {
  test("append creates, then appends", () => {
    const p = join(dir, "log");
    appendFileDurable(p, "one\n");
    appendFileDurable(p, "two\n");
    expect(readFileSync(p, "utf8")).toBe("one\ntwo\n");
  });

  test("mkdir -p, rename and remove", () => {
    const d = join(dir, "x", "y", "z");
    mkdirDurable(d);
    mkdirDurable(d); // already there
    writeFileDurable(join(d, "f"), "1");
    renameDurable(join(d, "f"), join(dir, "g"));
    expect(readFileSync(join(dir, "g"), "utf8")).toBe("1");
    removeDurable(join(dir, "x"));
    expect(readdirSync(dir)).toEqual(["g"]);
  });
});
