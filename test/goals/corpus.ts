/**
 * The goal corpus: phrasings a person would type, each labelled with the
 * calls a correct plan makes (tool and key arguments) or `refuse`, planned
 * by the real heuristic planner against the real tool catalogue (plus
 * SPEC's tools not on this branch yet) with a scripted system answering
 * its probes (world.ts), exactly as a goal would be planned.
 *
 * Scoring, per phrasing:
 * - correct: a plan whose calls include every labelled call, and whose every
 *   changing call is one the label expects;
 * - wrong: a plan with a changing call the label does not expect (tool or
 *   key arguments), or any changing call for a `refuse` label;
 * - refused: no plan for a phrasing labelled with one;
 * - off: a plan that is neither (a labelled call missing, or a read-only
 *   plan for a `refuse` label): not correct, not wrong.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Plan } from "../../src/orchestrator/plan";
import { heuristicPlanner } from "../../src/orchestrator/planners/heuristic";
import { checkPlan, planningContext, REGISTRY } from "../../src/orchestrator/planners/heuristic/testing";
import { type StateName, world } from "./world";

export interface Expected {
  tool: string;
  args: Record<string, unknown>;
}

export interface Case {
  file: string;
  line: number;
  goal: string;
  state: StateName;
  /** null: refuse. Else each entry is alternatives (any one satisfies it). */
  label: Expected[][] | null;
}

export type Verdict = "correct" | "wrong" | "refused" | "off";

export interface Outcome {
  c: Case;
  verdict: Verdict;
  ms: number;
  detail: string;
}

const DIR = import.meta.dir;

/** "key=value": the value as JSON, or a bare word as a string. */
function parseCall(src: string, where: string): Expected {
  const s = src.trim();
  const sp = s.search(/\s/);
  const tool = sp < 0 ? s : s.slice(0, sp);
  if (!/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/.test(tool)) throw new Error(`${where}: "${tool}" is not a tool name`);
  const args: Record<string, unknown> = {};
  let i = sp < 0 ? s.length : sp;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (i >= s.length) break;
    const eq = s.indexOf("=", i);
    if (eq < 0) throw new Error(`${where}: expected key=value at "${s.slice(i)}"`);
    const key = s.slice(i, eq);
    let j = eq + 1;
    if (s[j] === "[" || s[j] === "{" || s[j] === '"') {
      // A JSON value: up to where its brackets and quotes balance.
      let depth = 0;
      let inStr = false;
      for (; j < s.length; j++) {
        const ch = s[j]!;
        if (inStr) {
          if (ch === "\\") j++;
          else if (ch === '"') inStr = false;
          if (!inStr && depth === 0) break;
        } else if (ch === '"') {
          inStr = true;
        } else if (ch === "[" || ch === "{") depth++;
        else if (ch === "]" || ch === "}") {
          depth--;
          if (depth === 0) break;
        }
      }
      args[key] = JSON.parse(s.slice(eq + 1, j + 1));
      i = j + 1;
    } else {
      while (j < s.length && !/\s/.test(s[j]!)) j++;
      const raw = s.slice(eq + 1, j);
      let value: unknown = raw;
      if (/^-?(0|[1-9]\d*)(\.\d+)?$/.test(raw) || raw === "true" || raw === "false" || raw === "null") value = JSON.parse(raw);
      args[key] = value;
      i = j;
    }
  }
  return { tool, args };
}

/** Splits on a separator outside quotes and brackets. */
function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inStr = false;
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (inStr) {
      if (ch === "\\") i++;
      else if (ch === '"') inStr = false;
      continue;
    }
    if (ch === '"') inStr = true;
    else if (ch === "[" || ch === "{") depth++;
    else if (ch === "]" || ch === "}") depth--;
    else if (depth === 0 && s.startsWith(sep, i)) {
      out.push(s.slice(last, i));
      last = i + sep.length;
      i += sep.length - 1;
    }
  }
  out.push(s.slice(last));
  return out;
}

export function parseCorpus(text: string, file: string): Case[] {
  const cases: Case[] = [];
  let state: StateName = "default";
  for (const [n, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const where = `${file}:${n + 1}`;
    if (line.startsWith("@state ")) {
      const s = line.slice(7).trim();
      if (s !== "default" && s !== "fresh") throw new Error(`${where}: unknown state ${s}`);
      state = s;
      continue;
    }
    const at = line.lastIndexOf("=>");
    if (at < 0) throw new Error(`${where}: no "=>" in "${line}"`);
    const goal = line.slice(0, at).trim();
    const label = line.slice(at + 2).trim();
    cases.push({
      file,
      line: n + 1,
      goal,
      state,
      label: label === "refuse" ? null : splitTop(label, ";").map((entry) => splitTop(entry, "||").map((alt) => parseCall(alt, where))),
    });
  }
  return cases;
}

export function loadCorpus(which: "corpus" | "heldout" | "heldout2" | "heldout3" | "heldout4"): Case[] {
  if (which !== "corpus") return parseCorpus(readFileSync(join(DIR, `${which}.txt`), "utf8"), `${which}.txt`);
  const dir = join(DIR, "corpus");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".txt"))
    .sort()
    .flatMap((f) => parseCorpus(readFileSync(join(dir, f), "utf8"), `corpus/${f}`));
}

/** Whether `actual` has every key of `want` with an equal value (objects compared the same way, arrays element by element). */
export function partial(want: unknown, actual: unknown): boolean {
  if (Array.isArray(want)) return Array.isArray(actual) && want.length === actual.length && want.every((w, i) => partial(w, actual[i]));
  if (want && typeof want === "object") return !!actual && typeof actual === "object" && Object.entries(want).every(([k, v]) => partial(v, (actual as Record<string, unknown>)[k]));
  return want === actual;
}

const matches = (e: Expected, call: { tool: string; args: Record<string, unknown> }) => e.tool === call.tool && partial(e.args, call.args);
const changes = (tool: string) => !REGISTRY.require(tool).readOnly;

export function judge(c: Case, plan: Plan | null, pass: string | null): { verdict: Verdict; detail: string } {
  if (!plan) return c.label === null ? { verdict: "correct", detail: pass ?? "" } : { verdict: "refused", detail: pass ?? "" };
  const calls = plan.tasks.flatMap((t) => t.calls);
  const shown = calls.map((x) => `${x.tool} ${JSON.stringify(x.args).slice(0, 120)}`).join(" | ");
  const expected = (c.label ?? []).flat();
  const stray = calls.filter((x) => changes(x.tool) && !expected.some((e) => matches(e, x)));
  if (stray.length) return { verdict: "wrong", detail: `unexpected change: ${stray.map((x) => `${x.tool} ${JSON.stringify(x.args).slice(0, 160)}`).join(" | ")}` };
  if (c.label === null) return { verdict: "off", detail: `read-only plan for a refusal: ${shown}` };
  const missing = c.label.filter((alts) => !calls.some((x) => alts.some((e) => matches(e, x))));
  if (missing.length) return { verdict: "off", detail: `missing ${missing.map((alts) => alts.map((e) => `${e.tool} ${JSON.stringify(e.args)}`).join(" or ")).join("; ")}; got ${shown}` };
  return { verdict: "correct", detail: shown };
}

const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * q))]! : 0;
};

/** Each goal is planned `repeat` times; its latency is the median of those (one sample is at the mercy of a GC pause or a busy host). */
export async function runCases(cases: readonly Case[], repeat = 3): Promise<Outcome[]> {
  // Readings are not kept between plannings here: the latency is that of reading the goal.
  const planner = heuristicPlanner(undefined, { remember: false });
  const worlds = { default: world("default"), fresh: world("fresh") };
  // Warm-up: patterns compile on first use; latency is measured after.
  for (const c of cases) await planner.plan(planningContext(c.goal, worlds[c.state]));
  const out: Outcome[] = [];
  for (const c of cases) {
    const times: number[] = [];
    let r: Awaited<ReturnType<typeof planner.plan>> | undefined;
    for (let k = 0; k < repeat; k++) {
      const ctx = planningContext(c.goal, worlds[c.state]);
      const t0 = performance.now();
      r = await planner.plan(ctx);
      times.push(performance.now() - t0);
    }
    const ms = pct(times, 0.5);
    let plan: Plan | null = null;
    let pass: string | null = null;
    if (!r || "pass" in r) pass = r?.pass ?? "not planned";
    else {
      plan = (r as { plan: Plan }).plan;
      checkPlan(plan); // every call valid for its tool's schema, every task routable: else this throws (a bug)
    }
    out.push({ c, ms, ...judge(c, plan, pass) });
  }
  return out;
}

export interface Summary {
  total: number;
  withPlan: number;
  refuseLabels: number;
  correctPlans: number;
  correctRefusals: number;
  refused: number;
  wrong: number;
  off: number;
  medianMs: number;
  p99Ms: number;
}

export function summarize(outcomes: readonly Outcome[]): Summary {
  const withPlan = outcomes.filter((o) => o.c.label !== null);
  const refuseLabels = outcomes.filter((o) => o.c.label === null);
  return {
    total: outcomes.length,
    withPlan: withPlan.length,
    refuseLabels: refuseLabels.length,
    correctPlans: withPlan.filter((o) => o.verdict === "correct").length,
    correctRefusals: refuseLabels.filter((o) => o.verdict === "correct").length,
    refused: withPlan.filter((o) => o.verdict === "refused").length,
    wrong: outcomes.filter((o) => o.verdict === "wrong").length,
    off: outcomes.filter((o) => o.verdict === "off").length,
    medianMs: pct(outcomes.map((o) => o.ms), 0.5),
    p99Ms: pct(outcomes.map((o) => o.ms), 0.99),
  };
}

const p = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}%` : "-");

export function report(name: string, s: Summary): string {
  return `${name}: ${s.total} phrasings; planned correctly ${s.correctPlans}/${s.withPlan} (${p(s.correctPlans, s.withPlan)}) of those labelled with a plan, refused ${s.refused} (${p(s.refused, s.withPlan)}); refusals right ${s.correctRefusals}/${s.refuseLabels}; off ${s.off}; WRONG ${s.wrong}; planning latency median ${s.medianMs.toFixed(2)} ms, p99 ${s.p99Ms.toFixed(2)} ms`;
}

export function markdown(corpus: Summary, heldout: Summary, heldout2?: Summary, heldout3?: Summary, heldout4?: Summary): string {
  const row = (name: string, s: Summary) => `| ${name} | ${s.total} | ${s.correctPlans}/${s.withPlan} (${p(s.correctPlans, s.withPlan)}) | ${s.refused} (${p(s.refused, s.withPlan)}) | ${s.correctRefusals}/${s.refuseLabels} | ${s.off} | **${s.wrong}** | ${s.medianMs.toFixed(2)} | ${s.p99Ms.toFixed(2)} |`;
  return `## Goals understood offline: the heuristic planner on the goal corpus (test/goals)

Each phrasing planned by the real heuristic planner against the real tool catalogue, probes answered by a scripted system (test/goals/world.ts); a phrasing's latency is the median of 3 plannings after a warm-up pass, the table's median and p99 are over phrasings. Target: ≥ 85% planned correctly of those labelled with a plan, 0 wrong.

| set | phrasings | planned correctly | refused (labelled with a plan) | refusals right | off | wrong | median ms | p99 ms |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
${row("corpus (test/goals/corpus)", corpus)}
${row("held-out (written before the grammar)", heldout)}${heldout2 ? `\n${row("held-out 2 (written before the generalisation round)", heldout2)}` : ""}${heldout3 ? `\n${row("held-out 3 (written before the third round)", heldout3)}` : ""}${heldout4 ? `\n${row("held-out 4 (written before the fourth round)", heldout4)}` : ""}`;
}

