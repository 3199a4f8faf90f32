import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { log, logToFile, setLevel, setSink } from "./log";

describe("log", () => {
  const dir = mkdtempSync(join(tmpdir(), "aios-log-"));
  const lines: string[] = [];
  const previous = setSink((l) => lines.push(l));
  afterEach(() => {
    lines.length = 0;
    setLevel("info");
    logToFile(undefined);
  });
  afterAll(() => {
    setSink(previous);
    rmSync(dir, { recursive: true, force: true });
  });

  test("line shapes per level; debug hidden at info", () => {
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    log.always("a");
    expect(lines).toEqual(["aios: i", "aios: warn: w", "aios: error: e", "aios: a"]);
  });

  test("threshold filters, always ignores it", () => {
    setLevel("error");
    log.info("i");
    log.warn("w");
    log.error("e");
    log.always("ready");
    expect(lines).toEqual(["aios: error: e", "aios: ready"]);
    setLevel("debug");
    log.debug("d");
    expect(lines.at(-1)).toBe("aios: debug: d");
  });

  test("setSink returns the sink it replaces", () => {
    const other: string[] = [];
    const mine = setSink((l) => other.push(l));
    log.info("x");
    expect(setSink(mine)).toBeInstanceOf(Function);
    log.info("y");
    expect(other).toEqual(["aios: x"]);
    expect(lines).toEqual(["aios: y"]);
  });

  test("logToFile appends timestamped lines; a broken path is dropped quietly", () => {
    const file = join(dir, "aios.log");
    logToFile(file);
    log.info("one");
    log.warn("two");
    const text = readFileSync(file, "utf8").trimEnd().split("\n");
    expect(text).toHaveLength(2);
    expect(text[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+Z info one$/);
    expect(text[1]).toMatch(/^\S+ warn two$/);
    logToFile(join(dir, "no/such/dir/aios.log"));
    log.info("three");
    log.info("four");
    expect(lines).toEqual(["aios: one", "aios: warn: two", "aios: three", "aios: four"]);
  });
});
