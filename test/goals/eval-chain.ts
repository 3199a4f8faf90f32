/**
 * `make eval`: the goal corpus (test/goals: corpus and the held-out sets)
 * through the planner chain (chain.ts), per planner, as markdown for
 * BENCHMARKS.md:
 *   (a) the heuristic catalogue alone;
 *   (b) the catalogue, then the gateway, against the fake Anthropic/OpenAI
 *       server (test/fakes) scripted for multi-step tool use: an oracle that
 *       makes each phrasing's labelled calls, and a careless one that alters
 *       every change it makes;
 *   (c) the catalogue, then the configured local model (models.tactical of
 *       $AIOS_CONFIG, default rootfs/etc/aios/config.toml, or $EVAL_TACTICAL),
 *       found in $EVAL_MODEL_DIR (default out/build/runtime/models); skipped,
 *       saying why, when none is imported.
 * $EVAL_PLANNERS (default "a,b,c") picks which of them run.
 * Exits 1 if any plan would run a change its label does not expect.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseConfig } from "../../src/config";
import { InferenceRuntime, type TierPolicy } from "../../src/inference";
import { gatewayPlanner } from "../../src/orchestrator/planners/gateway";
import { type LocalGenerator, localPlanner } from "../../src/orchestrator/planners/local";
import { REGISTRY } from "../../src/orchestrator/planners/heuristic/testing";
import { setSink } from "../../src/sys";
import type { ModelPlanner } from "../../src/orchestrator/types";
import { gatewayKit, removeKit } from "../fakes/gateway-kit";
import { startFakeLlm } from "../fakes/llm-server";
import { CHAIN_HEADER, chainRow, runChain, scriptedModel, summarizeChain, type ChainSummary } from "./chain";
import { type Case, loadCorpus } from "./corpus";

setSink(() => {});
const ROOT = resolve(import.meta.dir, "../..");
const sets: Array<[string, Case[]]> = [
  ["corpus", loadCorpus("corpus")],
  ["held-out", loadCorpus("heldout")],
  ["held-out 2", loadCorpus("heldout2")],
  ["held-out 3", loadCorpus("heldout3")],
  ["held-out 4", loadCorpus("heldout4")],
];
const all = sets.flatMap(([, c]) => c);
const rows: string[] = [];
let wrongThatRuns = 0;
const only = new Set((process.env.EVAL_PLANNERS ?? "a,b,c").split(","));

async function evaluate(name: string, model: ModelPlanner | undefined): Promise<void> {
  for (const [set, cases] of sets) {
    const started = performance.now();
    const s: ChainSummary = summarizeChain(await runChain(cases, model));
    // Progress on stderr: the table on stdout is what record.ts files.
    console.error(`eval: ${name} · ${set}: ${cases.length} phrasings in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    wrongThatRuns += s.wrong - s.wrongHeld;
    rows.push(chainRow(`${name} · ${set}`, s));
  }
}

// (a) The catalogue alone.
if (only.has("a")) await evaluate("(a) heuristic alone", undefined);

// (b) The gateway against the scripted fake server, over both wire protocols.
const KEYS = { anthropic: "sk-ant-eval-0123456789abcdef", openai: "sk-eval-0123456789abcdef" };
for (const [kind, protocol] of only.has("b") ? ([["oracle", "anthropic"], ["careless", "openai"]] as const) : []) {
  const llm = startFakeLlm({ keys: KEYS, respond: scriptedModel(all, kind) });
  // The fake server has no rate limit; the gateway's default (50 requests a minute) would make this run take hours.
  const limits = "monthly_budget_usd = 1000\nmax_retries = 0\nrate_limit_rpm = 1000000\n";
  const toml = protocol === "anthropic" ? `[api.claude]\nbase_url = "${llm.url}"\n${limits}` : `[api.claude]\nbase_url = "${llm.url}"\n[api.gpt]\nprotocol = "openai"\nbase_url = "${llm.url}/v1"\nmodel = "gpt-fake"\n${limits}`;
  const kit = gatewayKit(toml, { keys: protocol === "anthropic" ? { claude: KEYS.anthropic } : { gpt: KEYS.openai } });
  try {
    await evaluate(`(b) heuristic → gateway (${protocol} wire, scripted ${kind} model)`, gatewayPlanner({ gateway: () => kit.gateway, whyNone: () => "", registry: REGISTRY }));
  } finally {
    removeKit(kit);
    await llm.stop();
  }
}

// (c) The configured local model, when one is imported.
const configPath = process.env.AIOS_CONFIG ?? join(ROOT, "rootfs/etc/aios/config.toml");
const { config } = parseConfig(readFileSync(configPath, "utf8"), configPath);
const tactical = process.env.EVAL_TACTICAL ?? config.models.tactical.name;
const modelDir = resolve(process.env.EVAL_MODEL_DIR ?? join(ROOT, "out/build/runtime/models"));
let skipped: string | undefined;
if (!only.has("c")) skipped = "not asked for (EVAL_PLANNERS)";
else if (!tactical) skipped = `models.tactical is empty in ${configPath} (and EVAL_TACTICAL is not set): no local model is configured for planning`;
else if (!existsSync(join(modelDir, tactical, "manifest.json"))) skipped = `models.tactical = ${tactical} is not imported in ${modelDir} (set EVAL_MODEL_DIR)`;
if (skipped === "not asked for (EVAL_PLANNERS)") {
  // left out of the table
} else if (skipped) rows.push(`| (c) heuristic → local model | skipped: ${skipped} | | | | | | | |`);
else {
  const runtimeDir = mkdtempSync(join(tmpdir(), "aios-eval-"));
  const tier = (name: string): TierPolicy => ({ name, alwaysLoaded: false, loadOnDemand: true, maxTokens: config.models.tactical.max_tokens, temperature: config.models.tactical.temperature, idleMs: 0 });
  const rt = new InferenceRuntime({ roots: [{ dir: modelDir, origin: "imported" }], runtimeDir, budgetMb: 4096, queueLength: 8, concurrency: 1, threads: 0, embedding: "", tiers: { operational: tier(""), tactical: tier(tactical) } });
  const generator: LocalGenerator = { tactical: () => ({ name: tactical, task: "generate" }), generate: (name, req, opts) => rt.generate(name, req, opts) };
  try {
    await evaluate(`(c) heuristic → local model ${tactical}`, localPlanner({ runtime: () => generator, registry: REGISTRY }));
  } finally {
    await rt.close();
    rmSync(runtimeDir, { recursive: true, force: true });
  }
}

console.log(`## Planning with a model: the goal corpus through the planner chain (test/goals/eval-chain.ts)

Each phrasing is read by the catalogue first (the guard): what it reads it plans, what it refuses stays refused, and only what it does not read goes to the model, step by step in the tool loop; the model's read-only calls are answered by the scripted system (test/goals/world.ts), its changes recorded as held for approval. Scored like the corpus (test/goals/corpus.ts): **wrong, would run** counts plans that would make an unexpected change unasked (target 0); **wrong, held for approval** counts unexpected changes only a model proposed, for a goal the catalogue does not read: the guard holds each for a person. The scripted oracle shows what the chain lets a perfect model do; the careless one what it lets a wrong one do.

${CHAIN_HEADER}
${rows.join("\n")}`);
if (wrongThatRuns > 0) process.exit(1);
