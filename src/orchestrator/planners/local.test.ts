/**
 * The local planner on the image's tiny random-weight GPT-2 and the full tool
 * catalogue: its output is decoded against the plan grammar, so whatever the
 * meaningless weights pick is a plan that validates (checkPlan: known tools,
 * arguments matching each tool's schema, dependencies on earlier tasks).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv from "ajv/dist/2020";
import { InferenceRuntime, type TierPolicy } from "../../inference";
import { installTinyModels } from "../../inference/fixtures";
import { setSink } from "../../sys";
import { CATALOG } from "../../tools/catalog";
import { ToolRegistry } from "../../tools/registry";
import type { PlanningContext } from "../types";
import { checkPlan } from "../validate";
import { type LocalGenerator, localPlanner, planSchema } from "./local";

const dir = mkdtempSync(join(tmpdir(), "aios-local-planner-"));
const tier = (over: Partial<TierPolicy> = {}): TierPolicy => ({ name: "", alwaysLoaded: false, loadOnDemand: true, maxTokens: 2048, temperature: 0, idleMs: 0, ...over });
const registry = new ToolRegistry(CATALOG);
let rt: InferenceRuntime;

const previousSink = setSink(() => {});
beforeAll(async () => {
  await installTinyModels(dir, ["tiny-random-gpt2"]);
  rt = new InferenceRuntime({
    roots: [{ dir, origin: "image" }], runtimeDir: dir, budgetMb: 1000, queueLength: 8, concurrency: 1, threads: 1, embedding: "",
    tiers: { operational: tier(), tactical: tier({ name: "tiny-random-gpt2" }) },
  });
}, 60_000);
afterAll(async () => {
  await rt.close();
  setSink(previousSink);
  rmSync(dir, { recursive: true, force: true });
});

function generator(): LocalGenerator {
  return {
    tactical: () => ({ name: "tiny-random-gpt2", task: "generate" }),
    generate: (name, req, opts) => rt.generate(name, req, opts),
  };
}

function context(goal: string): PlanningContext {
  return {
    goal, goalId: 1, tools: registry.describeAll(), probe: async () => ({}), procedures: [],
    facts: { apiPort: 8080, hostname: "aios", mode: "dev" }, signal: new AbortController().signal,
  };
}

describe("planSchema", () => {
  test("every tool is a branch with its own arguments; ids t1..tN depend only on earlier tasks", () => {
    const s = planSchema(registry) as any;
    expect(s.$defs.call.anyOf.map((c: any) => c.properties.tool.const)).toEqual(registry.list().map((t) => t.name));
    expect(s.$defs.task1.properties.dependsOn).toEqual({ type: "array", maxItems: 0 });
    // An optional argument checked in code only (firewall.open's source network) is left to its default.
    const open = s.$defs.call.anyOf.find((c: any) => c.properties.tool.const === "firewall.open");
    expect(Object.keys(open.properties.args.properties)).not.toContain("from");
    expect(s.$defs.task3.properties.dependsOn.items).toEqual({ enum: ["t1", "t2"] });
    // A plan valid against the schema is valid for the engine too.
    const ajv = new Ajv({ strict: false });
    const plan = { summary: "look", tasks: [{ id: "t1", title: "stat", calls: [{ tool: "fs.stat", args: { path: "/etc" } }], dependsOn: [] }, { id: "t2", title: "again", calls: [{ tool: "fs.stat", args: { path: "/" } }], dependsOn: ["t1"] }] };
    expect(ajv.validate(s, plan)).toBe(true);
    expect(checkPlan(plan, registry).ok).toBe(true);
    expect(ajv.validate(s, { ...plan, tasks: [{ ...plan.tasks[0], calls: [{ tool: "fs.nope", args: {} }] }] })).toBe(false);
  });
});

describe("the tiny random GPT-2 as tactical model", () => {
  const goals = [
    "which process is using the most memory right now",
    "tell me whether the root file system is getting full",
    "show me who has logged in to this machine today",
    "find configuration files under /etc that mention ssh",
    "is anything listening on port 8080 and which program is it",
  ];
  for (const goal of goals) {
    test(`plans "${goal}" into calls that validate`, async () => {
      const r = await localPlanner({ runtime: generator, registry }).plan(context(goal));
      if ("pass" in r) throw new Error(r.pass);
      expect(r.plan.tasks.length).toBeGreaterThanOrEqual(1);
      expect(r.plan.tasks.map((t) => t.id)).toEqual(r.plan.tasks.map((_, i) => `t${i + 1}`));
      for (const t of r.plan.tasks) for (const c of t.calls) expect(registry.get(c.tool)).toBeDefined();
      expect(checkPlan(structuredClone(r.plan), registry).ok).toBe(true);
    }, 300_000);
  }
});
