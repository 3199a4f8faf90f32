/**
 * The planner chain that `make eval` scores (chain.ts), on the second
 * held-out set, with the gateway against the fake Anthropic server scripted
 * for multi-step tool use: the catalogue's readings stand, a model plans only
 * what the catalogue does not read, and a wrong model's changes are held for
 * approval, never run.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { gatewayPlanner } from "../../src/orchestrator/planners/gateway";
import { REGISTRY } from "../../src/orchestrator/planners/heuristic/testing";
import { setSink } from "../../src/sys";
import { gatewayKit, removeKit } from "../fakes/gateway-kit";
import { startFakeLlm } from "../fakes/llm-server";
import { runChain, scriptedModel, summarizeChain } from "./chain";
import { loadCorpus } from "./corpus";

const previous = setSink(() => {});
afterAll(() => void setSink(previous));
const cases = loadCorpus("heldout2");
const KEY = "sk-ant-chain-0123456789abcdef";

async function withModel<T>(kind: "oracle" | "careless", f: (planner: ReturnType<typeof gatewayPlanner>) => Promise<T>): Promise<T> {
  const llm = startFakeLlm({ keys: { anthropic: KEY }, respond: scriptedModel(cases, kind) });
  const kit = gatewayKit(`[api.claude]\nbase_url = "${llm.url}"\nmonthly_budget_usd = 1000\nmax_retries = 0\n`, { keys: { claude: KEY } });
  try {
    return await f(gatewayPlanner({ gateway: () => kit.gateway, whyNone: () => "", registry: REGISTRY }));
  } finally {
    removeKit(kit);
    await llm.stop();
  }
}

describe("the planner chain", () => {
  test("the catalogue alone: nothing planned by a model, nothing wrong", async () => {
    const s = summarizeChain(await runChain(cases, undefined));
    expect(s.byModel).toBe(0);
    expect(s.wrong).toBe(0);
    expect(s.correctPlans).toBeGreaterThan(s.withPlan / 2);
  }, 120_000);

  test("a model that makes the labelled calls plans goals the catalogue does not read, step by step, and only those", async () => {
    const alone = await runChain(cases, undefined);
    const out = await withModel("oracle", (m) => runChain(cases, m));
    const s = summarizeChain(out);
    expect(s.byModel).toBeGreaterThan(0);
    expect(s.wrong).toBe(0);
    // Where the catalogue planned or refused, the model changed nothing.
    for (const [i, o] of out.entries()) if (alone[i]!.by !== "refused" || o.by === "catalogue") expect(o.verdict).toBe(alone[i]!.verdict);
    // What the model planned is what the label says.
    const byModel = out.filter((o) => o.by === "model");
    expect(byModel.every((o) => o.verdict === "correct")).toBe(true);
    expect(s.correctPlans).toBeGreaterThan(summarizeChain(alone).correctPlans);
  }, 120_000);

  test("a model that alters every change it makes gets nothing past the guard unasked: each wrong change is held for approval", async () => {
    const s = summarizeChain(await withModel("careless", (m) => runChain(cases, m)));
    // It is wrong somewhere (else this test proves nothing), and always where a person must approve.
    expect(s.wrong).toBeGreaterThan(0);
    expect(s.wrongHeld).toBe(s.wrong);
  }, 120_000);
});
