import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { failuresOf, stallsSummary, summary } from "./failures";

describe("failures", () => {
  test("bun's JUnit report of a real run: each failed test's place and its message's first line, entities decoded", () => {
    const dir = mkdtempSync(join(tmpdir(), "aios-junit-"));
    try {
      const file = join(dir, "a.test.ts");
      writeFileSync(file, [
        'import { test, expect } from "bun:test";',
        'test("passes", () => expect(1).toBe(1));',
        'test("times out", () => { throw new Error("timed out after 5 ms waiting for /aios> $/: QEMU running; last line \\"<&>\\"\\nconsole tail:\\nmore"); });',
        'test("differs", () => expect(2).toBe(3));',
      ].join("\n"));
      const report = join(dir, "junit.xml");
      const run = Bun.spawnSync([process.execPath, "test", "--reporter=junit", `--reporter-outfile=${report}`, file], { cwd: dir });
      expect(run.exitCode).toBe(1);
      const failures = failuresOf(readFileSync(report, "utf8"));
      expect(failures.map((f) => [f.test, f.where])).toEqual([["times out", "a.test.ts:3"], ["differs", "a.test.ts:4"]]);
      const text = summary(failures);
      expect(text).toContain('- a.test.ts:3 times out\n  timed out after 5 ms waiting for /aios> $/: QEMU running; last line "<&>"\n');
      expect(text).not.toContain("console tail");
      expect(text).toContain("- a.test.ts:4 differs\n  expect(received).toBe(expected)");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a long first line is cut, and past two failures only the places are listed: the whole fits the tail CI shows", () => {
    const many = Array.from({ length: 5 }, (_, i) => ({ test: `t${i}`, where: `x.test.ts:${i}`, message: "y".repeat(5000) }));
    const text = summary(many);
    expect(text.length).toBeLessThan(1700);
    expect(text).toContain("- x.test.ts:4 t4");
    expect(summary([])).toMatch(/no failed test/);
  });

  test("stalled boots: counted, the last two shown; none prints nothing", () => {
    const lines = ["t1 boot stalled: a", "t2 boot stalled: b", "t3 boot stalled: c"];
    expect(stallsSummary(lines)).toBe(
      "3 VM boot(s) stalled before the guest wrote anything and were booted again (test/harness/vm.ts STALL_MS):\n  t2 boot stalled: b\n  t3 boot stalled: c",
    );
    expect(stallsSummary([])).toBe("");
  });
});
