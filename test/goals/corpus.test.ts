/**
 * The goal corpus (corpus.ts) in `make test` (one planning per phrasing here;
 * `make eval-goals` times three): every phrasing planned by the
 * real heuristic planner against the real catalogue. A wrong plan (a
 * change the label does not expect) fails; so does the main corpus falling
 * below 85% planned correctly. The held-out sets are reported separately:
 * its wrong plans fail too, its share is only printed.
 */
import { describe, expect, test } from "bun:test";
import { loadCorpus, type Outcome, report, runCases, summarize } from "./corpus";

function show(outcomes: readonly Outcome[], verdicts: readonly string[]): string {
  return outcomes
    .filter((o) => verdicts.includes(o.verdict))
    .map((o) => `  [${o.verdict}] ${o.c.file}:${o.c.line} ${JSON.stringify(o.c.goal)}\n      ${o.detail.slice(0, 400)}`)
    .join("\n");
}

const verbose = process.env.VERBOSE === "1";

describe("goal corpus", () => {
  test("the corpus: no wrong plan, at least 85% planned correctly", async () => {
    const outcomes = await runCases(loadCorpus("corpus"), 1);
    const s = summarize(outcomes);
    console.log(report("corpus", s));
    if (verbose || s.wrong) console.log(show(outcomes, verbose ? ["wrong", "refused", "off"] : ["wrong"]));
    expect(s.total).toBeGreaterThanOrEqual(300);
    expect(show(outcomes, ["wrong"])).toBe("");
    expect(s.correctPlans / s.withPlan).toBeGreaterThanOrEqual(0.85);
  }, 60_000);

  for (const which of ["heldout", "heldout2", "heldout3", "heldout4"] as const) {
    test(`the held-out phrasings (${which}.txt): no wrong plan (their share is reported, not required)`, async () => {
      const outcomes = await runCases(loadCorpus(which), 1);
      const s = summarize(outcomes);
      console.log(report(which, s));
      if (verbose || s.wrong) console.log(show(outcomes, verbose ? ["wrong", "refused", "off"] : ["wrong"]));
      expect(show(outcomes, ["wrong"])).toBe("");
    }, 60_000);
  }
});
