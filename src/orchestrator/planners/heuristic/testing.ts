/**
 * Test support for the heuristic planner: a PlanningContext over the real
 * tool catalogue whose probes answer with recorded results (what pkg.info,
 * service.list... returned on a system in a given state). The probes are the
 * planner's input; like the real probe, this one refuses tools that are not
 * read-only and checks each call's arguments against the tool's schema.
 */
import * as v from "valibot";
import { AGENTS } from "../../../agents/builtin";
import { Capabilities, CATALOG, ToolRegistry } from "../../../tools";
import { parseArgs } from "../../../tools/schema";
import { PlanSchema } from "../../plan";
import { type Route, routeTask } from "../../router";
import type { PlanningContext, PlanningFacts } from "../../types";

export type ProbeAnswer = (args: Record<string, unknown>) => unknown;

export const REGISTRY = new ToolRegistry(CATALOG);
const TOOLS = REGISTRY.describeAll();

export const FACTS: PlanningFacts = { apiPort: 8080, hostname: "aios", mode: "pid1" };

/** A tool error as the executor passes it on: a wrapper whose cause has the tool's code. */
export function toolError(code: string, message: string): Error {
  const cause = Object.assign(new Error(message), { code });
  return Object.assign(new Error(message, { cause }), { code: "failed" });
}

export interface FakeContext extends PlanningContext {
  probes: Array<{ tool: string; args: Record<string, unknown> }>;
}

export function planningContext(goal: string, answers: Record<string, ProbeAnswer> = {}, facts: Partial<PlanningFacts> = {}): FakeContext {
  const defaults: Record<string, ProbeAnswer> = {
    "service.list": () => ({ services: [] }),
    "monitor.watchlist": () => ({ watches: [] }),
    "user.list": () => ({ users: [{ name: "root" }] }),
    "pkg.info": (a) => unknownInfo(String(a.name)),
  };
  const probes: FakeContext["probes"] = [];
  const ctx: FakeContext = {
    goal,
    goalId: 1,
    tools: TOOLS,
    facts: { ...FACTS, ...facts },
    procedures: [],
    signal: new AbortController().signal,
    probes,
    async probe(tool, args) {
      const t = REGISTRY.require(tool);
      if (!t.readOnly) throw new Error(`probe ${tool}: not a read-only tool`);
      parseArgs(t, args);
      probes.push({ tool, args });
      const answer = answers[tool] ?? defaults[tool];
      if (!answer) throw new Error(`no recorded answer for ${tool} ${JSON.stringify(args)}`);
      return answer(args);
    },
  };
  return ctx;
}

/** pkg.info of an installed package, as the package manager answers it. */
export function installedInfo(name: string, opts: { auto?: boolean; depends?: string; files?: Array<{ path: string; conffile?: boolean }>; directories?: Array<{ path: string; created: boolean }> } = {}) {
  const files = (opts.files ?? []).map((f) => ({ path: f.path, type: "file", mode: "0644", size: 1, sha256: null, target: null, conffile: f.conffile ?? false, replaced: false }));
  return {
    name,
    virtual: false,
    providers: [],
    available: { version: "1.0", versions: ["1.0"], architecture: "amd64", section: "", priority: "", summary: name, description: name, depends: opts.depends ?? "", preDepends: "", provides: "", conflicts: "", breaks: "", size: 1, installedSize: 1, filename: `${name}.deb`, sha256: "0".repeat(64), repository: "file:///mnt/repo" },
    installed: { version: "1.0", auto: opts.auto ?? false, installedAt: new Date(0).toISOString(), callId: null, scriptsSkipped: [], filesTotal: files.length, files, directories: opts.directories ?? [], accounts: [] },
    provided: null,
    repositoryError: null,
  };
}

/** pkg.info of a package neither installed nor in any repository (an answer, not an error). */
export function unknownInfo(name: string, repositoryError: string | null = null) {
  return { name, virtual: false, providers: [] as string[], available: null, installed: null, provided: null, repositoryError };
}

/** pkg.info of a package the repository has but that is not installed. */
export function availableInfo(name: string) {
  return { ...installedInfo(name), installed: null };
}

/**
 * Holds a plan to what the engine will require: PlanSchema, every call's
 * arguments valid for that tool's own input schema, and every task routable
 * to one of the real agents (their declared capabilities). Returns the routes.
 */
export function checkPlan(plan: unknown): Route[] {
  const p = v.parse(PlanSchema, plan);
  for (const t of p.tasks) for (const c of t.calls) parseArgs(REGISTRY.require(c.tool), c.args);
  const caps = new Capabilities();
  for (const a of AGENTS) caps.declare(a.name, a.capabilities);
  const agents = AGENTS.map((a) => ({ name: a.name, capabilities: caps.list(a.name) }));
  return p.tasks.map((t) => routeTask(t, agents, (agent, tool) => caps.allows(agent, tool)));
}
