/**
 * For the API's tests: the whole API over real loopback HTTP on a real world
 * (memory, tool system, agents and goal engine in a sandbox, orchestrator
 * testing.ts), with a token store in a real file.
 */
import { join } from "node:path";
import { fixedPlanner, openWorld, removeWorld, type World } from "../orchestrator/testing";
import type { Plan } from "../orchestrator/plan";
import { systemInfo } from "../sys";
import type { AutonomyLevel } from "../tools";
import { createApi } from "./app";
import type { Role } from "./roles";
import { startServer } from "./server";
import { TokenStore } from "./tokens";
import type { ApiDeps } from "./types";

export const BOOT_TOKEN = "boot-token-for-tests";

export interface ApiWorld {
  url: string;
  world: World;
  tokens: TokenStore;
  /** A new token of this role (through the store, as POST /tokens makes them). */
  token(role: Role, name?: string): string;
  fetch(path: string, init?: RequestInit & { token?: string | null }): Promise<Response>;
  close(): Promise<void>;
}

/** Plans by keyword: each goal text that contains a key gets its plan; anything else is not understood. */
export async function startApiWorld(opts: { level?: AutonomyLevel; plans?: Record<string, Plan>; deps?: Partial<ApiDeps>; idleTimeoutS?: number } = {}): Promise<ApiWorld> {
  const plans = opts.plans ?? {};
  const world = await openWorld({
    planners: [fixedPlanner("script", (goal) => Object.entries(plans).find(([k]) => goal.includes(k))?.[1] ?? "not a goal these tests know")],
    level: opts.level ?? "supervised",
  });
  const tokens = new TokenStore(join(world.env.paths.secrets, "api-tokens.json"));
  const app = createApi({
    token: () => BOOT_TOKEN,
    tokens,
    system: () => systemInfo({ readyMs: 1234, phases: [{ name: "early", status: "ok", ms: 12 }, { name: "services", status: "ok", ms: 345 }] }),
    power: () => {},
    agents: () => world.agents.list(),
    killAgent: (name, by) => world.agents.kill(name, by),
    memory: () => world.memory,
    goals: () => world.engine,
    tools: { registry: world.tools.registry, executor: world.tools.executor, ledger: world.tools.ledger, route: (tool) => world.agents.route(tool) },
    ...opts.deps,
  });
  const server = startServer(app, { hostname: "127.0.0.1", port: 0, idleTimeoutS: opts.idleTimeoutS });
  let n = 0;
  return {
    url: server.url,
    world,
    tokens,
    token: (role, name) => tokens.create(name ?? `${role}-${++n}`, role).token,
    fetch: (path, init = {}) => {
      const headers = new Headers(init.headers);
      const token = init.token === undefined ? BOOT_TOKEN : init.token;
      if (token !== null && !headers.has("authorization")) headers.set("authorization", `Bearer ${token}`);
      if (typeof init.body === "string" && !headers.has("content-type")) headers.set("content-type", "application/json");
      return fetch(`${server.url}${path}`, { ...init, headers });
    },
    close: async () => {
      await server.stop();
      await world.close();
      removeWorld(world);
    },
  };
}
