/**
 * A whole orchestration stack on temporary files for tests: real working and
 * long-term memory, the real tool system (catalog, executor, ledger) in a
 * sandbox, the eight agents under supervision, and a goal engine over them.
 * Only the planners are chosen by the test.
 */
import { afterEach } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createActorSystem } from "../actors";
import { AGENTS, startAgents, type AgentRuntime } from "../agents";
import { DEFAULT_FS_ROOTS, defaultConfig } from "../config";
import { type Memory, openMemory } from "../memory";
import type { ToolEnv } from "../tools";
import type { AutonomyLevel } from "../tools/gate";
import { openToolSystem, type ToolSystem } from "../tools/system";
import { memoryStores, toolPorts } from "./adapters";
import { GoalEngine } from "./engine";
import type { AgentPort } from "./execute";
import type { EngineStores } from "./ports";
import type { Guard } from "./guard";
import type { AnswerPhraser } from "./phrase";
import type { Plan } from "./plan";
import type { RunLimits } from "./run";
import type { AnyPlanner, Planner } from "./types";

export interface World {
  dir: string;
  env: ToolEnv;
  memory: Memory;
  /** The engine's stores over that memory (goals, tasks, trace, kv). */
  stores: EngineStores;
  tools: ToolSystem;
  agents: AgentRuntime;
  engine: GoalEngine;
  /** Host path of a guest path in the sandbox. */
  host(guest: string): string;
  /** Waits until the goal is in one of these states (or fails the test after `ms`). */
  until(goalId: number, states: string[], ms?: number): Promise<string>;
  close(): Promise<void>;
}

export interface WorldOptions {
  planners: AnyPlanner[];
  level?: AutonomyLevel;
  rollbackOnFailure?: boolean;
  /** Reuse the state of an earlier world (a "reboot"). */
  dir?: string;
  start?: boolean;
  /** Models that may word the answers (the gateway against the fake model server). */
  phrasers?: AnswerPhraser[];
  /** The catalogue guard of model plans (boot always has one; engine tests of fixed plans do not). */
  guard?: Guard;
  limits?: Partial<RunLimits>;
  /** Fault injection around the real agents (a call that times out once). */
  wrapAgents?: (call: AgentPort["call"]) => AgentPort["call"];
}

/** A planner that always returns the same plan: the input of engine tests, not a stand-in for a part. */
export function fixedPlanner(name: string, plan: Plan | string | ((goal: string) => Plan | string)): Planner {
  return {
    name,
    async plan(ctx) {
      const p = typeof plan === "function" ? plan(ctx.goal) : plan;
      return typeof p === "string" ? { pass: p } : { plan: structuredClone(p), why: `${name} knows this one` };
    },
  };
}

export async function openWorld(opts: WorldOptions): Promise<World> {
  const dir = opts.dir ?? realpathSync(mkdtempSync(join(tmpdir(), "aios-orch-")));
  const paths = { data: join(dir, "data"), log: join(dir, "log"), run: join(dir, "run"), secrets: join(dir, "data/secrets") };
  for (const p of Object.values(paths)) mkdirSync(p, { recursive: true });
  const env: ToolEnv = { mode: "dev", root: join(dir, "sandbox"), fsRoots: [...DEFAULT_FS_ROOTS], paths };
  mkdirSync(env.root, { recursive: true });
  const config = defaultConfig();
  const memory = openMemory({ working: join(paths.data, "memory/working.db"), longterm: join(paths.data, "memory/longterm.db") }, config.memory);
  const tools = await openToolSystem({ ledgerPath: join(paths.data, "ledger/audit.db"), env, level: opts.level ?? "full", host: { knowledge: memory.longterm } });
  const actors = createActorSystem();
  const agents = await startAgents({ agents: AGENTS, caller: tools.executor, capabilities: tools.capabilities, actors });
  const stores = memoryStores(memory);
  const engine = new GoalEngine({
    stores,
    tools: toolPorts(tools),
    agents: () => (opts.wrapAgents ? { list: () => agents.list(), call: opts.wrapAgents((req, ms) => agents.call(req, ms)) } : agents),
    planners: opts.planners,
    guard: opts.guard,
    limits: opts.limits,
    facts: () => ({ apiPort: 9090, hostname: "test", mode: "dev" }),
    rollbackOnFailure: opts.rollbackOnFailure ?? true,
    maxConcurrentGoals: 2,
    phrasers: opts.phrasers,
  });
  if (opts.start !== false) {
    await engine.recover();
    engine.start();
  }
  return {
    dir,
    env,
    memory,
    stores,
    tools,
    agents,
    engine,
    host: (guest) => join(env.root, guest),
    async until(goalId, states, ms = 10_000) {
      const end = Date.now() + ms;
      for (;;) {
        const g = engine.get(goalId);
        if (g && states.includes(g.state)) return g.state;
        if (Date.now() > end) throw new Error(`goal ${goalId} is ${g?.state}, not ${states.join("|")}, after ${ms} ms; trace:\n${engine.trace(goalId).map((e) => e.message).join("\n")}`);
        await Bun.sleep(5);
      }
    },
    async close() {
      engine.stop();
      await agents.stop();
      await tools.close();
      memory.close();
    },
  };
}

export function removeWorld(w: World): void {
  rmSync(w.dir, { recursive: true, force: true });
}

/** `world(opts)` for a test file: each world it opens is closed and removed after the test. */
export function worldPerTest(): (opts: WorldOptions) => Promise<World> {
  const open: World[] = [];
  afterEach(async () => {
    for (const w of open.splice(0)) {
      await w.close().catch(() => {});
      removeWorld(w);
    }
  });
  return async (opts) => {
    const w = await openWorld(opts);
    open.push(w);
    return w;
  };
}
