/**
 * The orchestrator step of the core services (seed 003 phase 3): the goal
 * engine over working and long-term memory, the tool executor and, once
 * they run, the agents; its planners in the order [orchestrator] planners
 * names, with the heuristic catalogue reading every goal first as the guard
 * of model plans. It takes goals only when the autonomy phase starts it.
 */
import { durationMs } from "../../config";
import { errorMessage } from "../../sys";
import type { InferenceRuntime } from "../../inference";
import type { ToolRegistry } from "../../tools";
import {
  type AnyPlanner,
  catalogue,
  catalogueGuard,
  gatewayPhraser,
  gatewayPlanner,
  GoalEngine,
  type LocalGenerator,
  localPhraser,
  localPlanner,
  memoryPlanner,
  guardedCatalogue,
  type Guard,
  memoryStores,
  toolPorts,
} from "../../orchestrator";
import type { BootContext } from "../context";
import { AGENTS, API_URL, ENGINE, GATEWAY, GATEWAY_OFF, GOAL_STORES, INFERENCE, MEMORY, TOOLS } from "../products";
import { defineStep } from "../step";

function localGenerator(rt: InferenceRuntime): LocalGenerator {
  return {
    tactical() {
      try {
        const { manifest } = rt.resolve("tactical");
        return { name: manifest.name, task: manifest.task };
      } catch (err) {
        return { none: errorMessage(err) };
      }
    },
    generate: (name, req, opts) => rt.generate(name, req, opts),
  };
}

/** The local tier model, when the ai-runtime phase started one. */
function local(ctx: BootContext): () => LocalGenerator | undefined {
  return () => {
    const rt = ctx.products.find(INFERENCE);
    return rt ? localGenerator(rt) : undefined;
  };
}

function planners(ctx: BootContext, registry: ToolRegistry, guard: Guard): AnyPlanner[] {
  const p = ctx.products;
  const byName: Record<string, () => AnyPlanner> = {
    gateway: () => gatewayPlanner({ gateway: () => p.find(GATEWAY), whyNone: () => p.find(GATEWAY_OFF) ?? GATEWAY_OFF.absent, registry }),
    memory: () => memoryPlanner(),
    local: () => localPlanner({ runtime: local(ctx), registry }),
    // The guard's reading is the catalogue's plan: the goal is read once.
    heuristic: () => guardedCatalogue(guard),
  };
  return ctx.config.orchestrator.planners.map((name) => byName[name]!());
}

/** The API's port as seen inside the system (a reverse proxy points here). */
function apiPort(ctx: BootContext): number {
  const url = ctx.products.find(API_URL); // the API step comes later: read when a goal is planned
  const port = url ? Number(new URL(url).port) : Number.NaN;
  return Number.isFinite(port) && port > 0 ? port : ctx.config.network.management_port;
}

export const orchestratorStep = defineStep({
  name: "orchestrator",
  required: false,
  needs: { memory: MEMORY, goalStores: GOAL_STORES, tools: TOOLS },
  provides: [ENGINE],
  describe: (ctx) => `aios-orchestrator --planners ${ctx.config.orchestrator.planners.join(",")}`,
  run: (ctx, { memory, goalStores, tools }) => {
    const o = ctx.config.orchestrator;
    const guard = catalogueGuard();
    const engine = new GoalEngine({
      stores: memoryStores(memory, goalStores),
      tools: toolPorts(tools),
      agents: () => ctx.products.find(AGENTS), // the agents phase runs after this one
      planners: planners(ctx, tools.registry, guard),
      guard,
      limits: { maxSteps: o.max_steps, maxTokens: o.max_tokens, maxMs: durationMs(o.max_time), maxReplans: o.max_replans, maxRetries: o.max_retries },
      facts: () => ({ apiPort: apiPort(ctx), hostname: ctx.config.system.hostname, mode: ctx.mode }),
      rollbackOnFailure: o.rollback_on_failure,
      maxConcurrentGoals: o.max_concurrent_goals,
      // A configured model may word the answers; a wording with a figure the tools did not report is dropped.
      phrasers: [gatewayPhraser(() => ctx.products.find(GATEWAY)), localPhraser(local(ctx))],
    });
    ctx.products.provide(ENGINE, engine);
    // The catalogue is not needed for ready (planners/catalogue.ts): loaded just after it, so the first goal does not wait for it.
    ctx.afterReady.push(() => void setTimeout(() => catalogue(), 0));
    return `planners ${o.planners.join(" → ")}; rollback on failure ${o.rollback_on_failure ? "on" : "off"}`;
  },
});
