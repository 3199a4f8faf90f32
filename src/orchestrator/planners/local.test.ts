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
import { installTinyModels } from "../../inference/fixtures.testing";
import { setSink } from "../../sys";
import { CATALOG } from "../../tools/catalog";
import { ToolRegistry } from "../../tools/registry";
import type { CallView } from "../../tools/views";
import { catalogueGuard, guardedCatalogue, vetCall } from "../guard";
import { openWorld, removeWorld } from "../testing";
import { checkPlan } from "../validate";
import { decisionSchema, type LocalGenerator, localPlanner, planSchema } from "./local";

const dir = mkdtempSync(join(tmpdir(), "aios-local-planner-"));
const tier = (over: Partial<TierPolicy> = {}): TierPolicy => ({ name: "", alwaysLoaded: false, loadOnDemand: true, maxTokens: 2048, temperature: 0, idleMs: 0, ...over });
const registry = new ToolRegistry(CATALOG);
let rt: InferenceRuntime;

const previousSink = setSink(() => {});
beforeAll(async () => {
  await installTinyModels(dir, ["tiny-random-gpt2"]);
  rt = new InferenceRuntime({
    roots: [{ dir, origin: "image" }], runtimeDir: dir, budgetMb: 1000, queueLength: 8, concurrency: 1, threads: 1, embedding: "",
    tiers: { operational: tier(), tactical: tier({ name: "tiny-random-gpt2", temperature: 0.3 }) },
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
    const ajv = new Ajv({ strict: false, logger: false });
    const plan = { summary: "look", tasks: [{ id: "t1", title: "stat", calls: [{ tool: "fs.stat", args: { path: "/etc" } }], dependsOn: [] }, { id: "t2", title: "again", calls: [{ tool: "fs.stat", args: { path: "/" } }], dependsOn: ["t1"] }] };
    expect(ajv.validate(s, plan)).toBe(true);
    expect(checkPlan(plan, registry).ok).toBe(true);
    expect(ajv.validate(s, { ...plan, tasks: [{ ...plan.tasks[0], calls: [{ tool: "fs.nope", args: {} }] }] })).toBe(false);
  });
});

describe("decisionSchema", () => {
  test("one call of a registry tool, or done, which is not admitted before the first call", () => {
    const ajv = new Ajv({ strict: false, logger: false });
    const first = decisionSchema(registry, { answer: false });
    const later = decisionSchema(registry, { answer: true });
    expect((first.anyOf as unknown[]).length).toBe(registry.list().length);
    expect((later.anyOf as unknown[]).length).toBe(registry.list().length + 1);
    expect(ajv.validate(first, { tool: "fs.stat", args: { path: "/etc" } })).toBe(true);
    expect(ajv.validate(first, { done: true })).toBe(false);
    expect(ajv.validate(later, { done: true })).toBe(true);
    expect(ajv.validate(later, { done: true, answer: "42 GB free" })).toBe(false);
    expect(ajv.validate(later, { tool: "fs.nope", args: {} })).toBe(false);
  });
});

/**
 * Issue 15's "Checked by": in dev mode, with the tiny random GPT-2 as
 * models.tactical and the guard on, five goals the catalogue does not read
 * are planned by the local model, in the real engine, into calls that
 * validate, and what they would change waits for a person (the autonomy
 * floor of goals only a model read). The random model's logits favour one
 * read-only tool (hw.info) whatever the goal, so the first run offers it only
 * the tools that change something (the engine still has them all): every
 * decision is then a change, and each must be held. The second run offers
 * every tool: reads run, and nothing that changes the system runs unapproved.
 */
describe("the tiny random GPT-2 as tactical model, in the engine", () => {
  const goals = [
    "publish a note for the team in /srv",
    "tidy up the web root so only the site is left",
    "make the team share readable for the new intern",
    "put a welcome banner on the login screen for visitors",
    "prepare the box for a database migration tonight",
  ];
  const facts = { apiPort: 9090, hostname: "test", mode: "dev" as const };

  let pending: () => Array<{ callId: string }> = () => [];
  async function plan(offered: ToolRegistry, each: (goal: string, state: string, proposed: Array<{ tool: string; args: Record<string, unknown> }>, made: CallView[]) => void) {
    const guard = catalogueGuard();
    const w = await openWorld({ planners: [localPlanner({ runtime: generator, registry: offered }), guardedCatalogue(guard)], guard, level: "full", limits: { maxSteps: 3, maxReplans: 1, retryDelayMs: 10 } });
    pending = () => w.tools.executor.approvals.pending();
    try {
      for (const goal of goals) {
        const g = w.engine.submit({ goal });
        const state = await w.until(g.id, ["awaiting_approval", "done", "failed", "cancelled"], 240_000);
        const trace = w.engine.trace(g.id);
        const lines = trace.map((e) => `[${e.kind}] ${e.message}`);
        if (process.env.VERBOSE) console.log(lines.join("\n"));
        expect(lines).toContain("[guard] the catalogue does not read this goal: a model may plan it; every change it makes waits for a person's approval");
        expect(lines.some((l) => l.startsWith("[planner] local: planned: local model tiny-random-gpt2 takes it step by step"))).toBe(true);
        const proposed = trace.flatMap((e) => {
          const d = (e.data as { decision?: { kind: string; calls?: Array<{ tool: string; args: Record<string, unknown> }> } } | null)?.decision;
          return d?.kind === "calls" ? d.calls! : [];
        });
        expect(proposed.length).toBeGreaterThanOrEqual(1);
        // Every call the model proposed validates against its tool's schema, or crosses a safety line and is refused.
        for (const c of proposed) {
          const v = vetCall(c, undefined, registry, facts);
          expect(v.ok || v.why.startsWith("refused: ")).toBe(true);
        }
        // The executor refused none of the calls it was sent; nothing that changes the system ran.
        expect(w.tools.ledger.query({ correlationId: `g${g.id}`, kind: "refused" })).toEqual([]);
        const made = w.tools.executor.recentCalls(1000).filter((c) => c.correlationId === `g${g.id}`);
        for (const c of made) if (!registry.require(c.tool).readOnly) expect(c.status).toBe("queued");
        console.log(`${goal}: ${state}; ${proposed.map((c) => `${c.tool} ${JSON.stringify(c.args)}`).join(" | ")}`);
        each(goal, state, proposed, made);
        if (state === "awaiting_approval") w.engine.cancel(g.id, "test");
        await w.until(g.id, ["done", "failed", "cancelled"], 60_000);
        // A held change of a cancelled goal is denied, never made.
        for (const c of w.tools.executor.recentCalls(1000).filter((x) => x.correlationId === `g${g.id}`)) if (!registry.require(c.tool).readOnly) expect(c.status).toBe("denied");
      }
    } finally {
      await w.close();
      removeWorld(w);
    }
  }

  test("offered only tools that change something: five goals, each planned into a valid call held for approval", async () => {
    const changes = new ToolRegistry(CATALOG.filter((t) => !t.readOnly));
    await plan(changes, (_goal, state, proposed, made) => {
      expect(state).toBe("awaiting_approval");
      const held = made.filter((c) => c.status === "queued");
      expect(held).toHaveLength(1);
      expect(pending().map((a) => a.callId)).toContain(held[0]!.callId);
      expect(proposed.at(-1)!.tool).toBe(held[0]!.tool);
    });
  }, 900_000);

  test("offered every tool: reads run, nothing that changes the system runs unapproved", async () => {
    await plan(registry, (_goal, state, _proposed, made) => {
      if (state === "awaiting_approval") expect(made.filter((c) => c.status === "queued")).toHaveLength(1);
    });
  }, 900_000);
});

/** A call a safety line refuses (a random model may name /etc/shadow): refused, never run. */
function lineCrossed(c: { tool: string; args: unknown }): boolean {
  return vetCall({ tool: c.tool, args: c.args as Record<string, unknown> }, undefined, registry, { apiPort: 9090, hostname: "test", mode: "dev" }).ok === false && JSON.stringify(c.args).includes("/");
}
