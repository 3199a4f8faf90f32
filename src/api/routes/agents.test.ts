import { afterAll, describe, expect, test } from "bun:test";
import { createActorSystem } from "../../actors";
import { AGENTS, startAgents } from "../../agents";
import type { SystemInfo } from "../../sys";
import { Capabilities, ToolNotFoundError } from "../../tools";
import { createApi } from "../app";
import type { ApiDeps } from "../types";

const TOKEN = "t0k3n";
const auth = { authorization: `Bearer ${TOKEN}` };
const SYSTEM = {} as SystemInfo;

// The real runtime: eight supervised agents; no tool is ever called here, so the registry is empty.
const capabilities = new Capabilities();
const runtime = await startAgents({
  agents: AGENTS,
  caller: { call: async (req) => Promise.reject(new ToolNotFoundError(req.tool)) },
  capabilities,
  actors: createActorSystem(),
});
afterAll(() => runtime.stop());

function app(deps: Partial<ApiDeps> = {}) {
  return createApi({ token: () => TOKEN, system: () => SYSTEM, power: () => {}, agents: () => runtime.list(), ...deps });
}

describe("GET /api/v1/agents", () => {
  test("401 without the token", async () => {
    expect((await app().request("/api/v1/agents")).status).toBe(401);
  });

  test("the eight agents with status, restarts, mailbox depth and capabilities in force", async () => {
    capabilities.grant("dev", "net.http_request");
    const res = await app().request("/api/v1/agents", { headers: auth });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { agents: Array<Record<string, unknown>> };
    expect(body.agents.map((a) => a.name)).toEqual(["system", "network", "security", "monitor", "package", "storage", "task", "dev"]);
    expect(body.agents[7]).toEqual({
      name: "dev",
      description: AGENTS[7]!.description,
      capabilities: ["fs", "net.http_request", "process"],
      revoked: [],
      status: "running",
      restarts: 0,
      mailboxDepth: 0,
    });
  });

  test("after sec.revoke * the agent lists no capabilities, and the revoke (issue 11)", async () => {
    capabilities.revoke("storage", "*");
    const one = (await (await app().request("/api/v1/agents/storage", { headers: auth })).json()) as { capabilities: string[]; revoked: string[] };
    expect([one.capabilities, one.revoked]).toEqual([[], ["*"]]);
    capabilities.reset("storage", "*");
  });

  test("an empty list while no agents run", async () => {
    const res = await app({ agents: undefined }).request("/api/v1/agents", { headers: auth });
    expect(await res.json()).toEqual({ agents: [] });
  });

  test("one agent by name; 404 naming an unknown one", async () => {
    const one = await app().request("/api/v1/agents/monitor", { headers: auth });
    expect(one.status).toBe(200);
    expect(((await one.json()) as { capabilities: string[] }).capabilities).toContain("monitor");
    const none = await app().request("/api/v1/agents/nobody", { headers: auth });
    expect(none.status).toBe(404);
    expect(await none.json()).toEqual({ error: { code: "unknown_agent", message: "agent nobody: no such agent", field: "name" } });
  });
});

describe("POST /api/v1/agents/{name}/kill", () => {
  test("crashes the agent on purpose; its supervisor restarts it; unknown agents are 404", async () => {
    const { setSink } = await import("../../sys");
    const previous = setSink(() => {});
    try {
      const a = app({ killAgent: (n, by) => runtime.kill(n, by) });
      const before = runtime.get("network")!.restarts;
      const res = await a.request("/api/v1/agents/network/kill", { method: "POST", headers: auth });
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ status: "accepted", agent: "network" });
      for (let i = 0; i < 100 && runtime.get("network")!.restarts === before; i++) await Bun.sleep(10);
      expect(runtime.get("network")).toMatchObject({ restarts: before + 1 });
      for (let i = 0; i < 100 && runtime.get("network")!.status !== "running"; i++) await Bun.sleep(10);
      expect(runtime.get("network")!.status).toBe("running");
      expect((await a.request("/api/v1/agents/nobody/kill", { method: "POST", headers: auth })).status).toBe(404);
    } finally {
      setSink(previous);
    }
  });
});
