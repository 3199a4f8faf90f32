import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { capLogFile, log, logToFile, setSink } from "./log";
import { generations, onRotate, rotateFile } from "./rotate";

let dir: string;
const p = (name: string) => join(dir, name);
const text = (name: string) => (name.endsWith(".gz") ? gunzipSync(readFileSync(p(name))).toString() : readFileSync(p(name), "utf8"));
const names = () => readdirSync(dir).sort();

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "aios-rotate-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("rotateFile", () => {
  test("live → .1 (plain), .1 → .2.gz (compressed), older ones shift; the live file is new and empty with the old mode", async () => {
    writeFileSync(p("app.log"), "now\n");
    chmodSync(p("app.log"), 0o640);
    writeFileSync(p("app.log.1"), "before\n".repeat(1000));
    writeFileSync(p("app.log.2.gz"), Bun.gzipSync(Buffer.from("older\n")));
    const r = await rotateFile(p("app.log"), { keep: 5 });
    expect(names()).toEqual(["app.log", "app.log.1", "app.log.2.gz", "app.log.3.gz"]);
    expect([text("app.log"), text("app.log.1"), text("app.log.2.gz"), text("app.log.3.gz")]).toEqual(["", "now\n", "before\n".repeat(1000), "older\n"]);
    expect(statSync(p("app.log")).mode & 0o777).toBe(0o640);
    expect(statSync(p("app.log.2.gz")).size).toBeLessThan(7000 / 10);
    expect(r).toMatchObject({ bytes: 4, removed: [], compressed: "app.log.2.gz", notes: [] });
    expect(r!.generations.map((g) => g.name)).toEqual(["app.log.1", "app.log.2.gz", "app.log.3.gz"]);
  });

  test("keep is honoured: generations past it are removed, however many there were", async () => {
    writeFileSync(p("app.log"), "live\n");
    for (let i = 1; i <= 7; i++) writeFileSync(p(`app.log.${i}${i > 1 ? ".gz" : ""}`), i > 1 ? Bun.gzipSync(Buffer.from(`g${i}\n`)) : "g1\n");
    const r = await rotateFile(p("app.log"), { keep: 3 });
    expect(names()).toEqual(["app.log", "app.log.1", "app.log.2.gz", "app.log.3.gz"]);
    expect([text("app.log.1"), text("app.log.2.gz"), text("app.log.3.gz")]).toEqual(["live\n", "g1\n", "g2\n"]);
    expect(r!.removed.sort()).toEqual(["app.log.3.gz", "app.log.4.gz", "app.log.5.gz", "app.log.6.gz", "app.log.7.gz"]);
    writeFileSync(p("app.log"), "again\n");
    await rotateFile(p("app.log"), { keep: 1 });
    expect(names()).toEqual(["app.log", "app.log.1"]);
    expect(text("app.log.1")).toBe("again\n");
  });

  test("nothing to do for a missing, empty or non-regular file; other files in the directory are left alone", async () => {
    writeFileSync(p("empty.log"), "");
    writeFileSync(p("app.log.old"), "x");
    writeFileSync(p("other.log.1"), "x");
    expect(await rotateFile(p("missing.log"), { keep: 2 })).toBeNull();
    expect(await rotateFile(p("empty.log"), { keep: 2 })).toBeNull();
    expect(await rotateFile(dir, { keep: 2 })).toBeNull();
    expect(names()).toEqual(["app.log.old", "empty.log", "other.log.1"]);
    expect(() => rotateFile(p("x"), { keep: 0 })).toThrow("keep must be 1-100");
  });

  test("a generation a process still holds open is renamed, not compressed", async () => {
    writeFileSync(p("app.log"), "live\n");
    writeFileSync(p("app.log.1"), "held\n");
    const r = await rotateFile(p("app.log"), { keep: 4, inUse: new Set([p("app.log.1")]) });
    expect(names()).toEqual(["app.log", "app.log.1", "app.log.2"]);
    expect(text("app.log.2")).toBe("held\n");
    expect(r).toMatchObject({ compressed: null, notes: ["app.log.1 is still open in a process; left uncompressed"] });
  });

  test("an abort during compression changes nothing and leaves no temporary file", async () => {
    writeFileSync(p("app.log"), "live\n");
    writeFileSync(p("app.log.1"), "x".repeat(4 << 20));
    const ac = new AbortController();
    ac.abort(new Error("stop"));
    await expect(rotateFile(p("app.log"), { keep: 3, signal: ac.signal })).rejects.toThrow();
    expect(names()).toEqual(["app.log", "app.log.1"]);
  });

  test("rotations of one file run one at a time; in-process writers reopen at the rename", async () => {
    writeFileSync(p("app.log"), "a\n");
    const reopened: string[] = [];
    const off = onRotate(p("app.log"), () => reopened.push(readdirSync(dir).sort().join(" ")));
    const [one, two] = await Promise.all([rotateFile(p("app.log"), { keep: 3 }), rotateFile(p("app.log"), { keep: 3 })]);
    off();
    // The second found the fresh empty file: nothing to rotate.
    expect([one?.bytes, two]).toEqual([2, null]);
    expect(reopened).toEqual(["app.log app.log.1"]);
    expect(generations(p("app.log")).map((g) => g.name)).toEqual(["app.log.1"]);
  });
});

describe("aiOS's own log under rotation", () => {
  afterEach(() => {
    capLogFile(undefined);
    logToFile(undefined);
  });

  test("no line is lost while it is rotated again and again as it is written", async () => {
    const restore = setSink(() => {});
    try {
      logToFile(p("aios.log"));
      let n = 0;
      for (let round = 0; round < 20; round++) {
        const rotating = rotateFile(p("aios.log"), { keep: 100 });
        // Lines written while a rotation compresses the previous generation.
        for (let i = 0; i < 50; i++) log.info(`line ${n++}`);
        await rotating;
        for (let i = 0; i < 10; i++) log.info(`line ${n++}`);
        await Bun.sleep(0);
      }
      const all = [p("aios.log"), ...generations(p("aios.log")).map((g) => p(g.name))].flatMap((f) => (f.endsWith(".gz") ? gunzipSync(readFileSync(f)).toString() : readFileSync(f, "utf8")).split("\n").filter(Boolean));
      const seen = all.map((l) => Number(/line (\d+)$/.exec(l)![1])).sort((a, b) => a - b);
      expect(seen).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(generations(p("aios.log")).length).toBeGreaterThanOrEqual(19);
    } finally {
      setSink(restore);
    }
  });

  test("past its cap the writer asks for a rotation once, outside the write; after it, it asks again", async () => {
    const restore = setSink(() => {});
    try {
      logToFile(p("aios.log"));
      let asked = 0;
      capLogFile({ maxBytes: 1000, full: () => asked++ });
      for (let i = 0; i < 40; i++) log.info(`filler ${i} ${"x".repeat(40)}`);
      expect(asked).toBe(0);
      await Bun.sleep(5);
      expect(asked).toBe(1);
      await rotateFile(p("aios.log"), { keep: 2 });
      log.info("after");
      expect(readFileSync(p("aios.log"), "utf8")).toMatch(/ info after\n$/);
      for (let i = 0; i < 40; i++) log.info(`filler ${i} ${"x".repeat(40)}`);
      await Bun.sleep(5);
      expect(asked).toBe(2);
      expect(existsSync(p("aios.log.1"))).toBe(true);
    } finally {
      setSink(restore);
    }
  });
});
