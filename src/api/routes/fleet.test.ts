/**
 * /api/v1/fleet's own rules: bad bodies named by field, fleet mode off said
 * as such, the port's errors as HTTP statuses. The fleet itself, on a real
 * nats-server with real nodes, is src/fleet/fleet.test.ts.
 */
import { describe, expect, test } from "bun:test";
import { FleetError } from "../../fleet/settings";
import type { FleetGoalRequest, FleetPort } from "../../fleet/types";
import { createApi } from "../app";

const TOKEN = "t";
const requests: FleetGoalRequest[] = [];
const port: FleetPort = {
  node: "web1",
  connected: () => true,
  nodes: async () => [],
  submitGoal: async (req) => {
    requests.push(req);
    if (req.selector.labels?.role === "none") throw new FleetError("no_node", "no live node matches the selector");
    return { id: "fg1", goal: req.goal, selector: req.selector, targets: ["web1"], answers: [], missing: ["web1"], summary: { targets: 1, answered: 0 }, complete: false, createdAt: 0, deadlineAt: 0 };
  },
  goal: async (id) => (id === "fg1" ? null : null),
};
const app = (fleet?: FleetPort) => createApi({ token: () => TOKEN, system: () => ({}) as never, power: () => {}, fleet: () => fleet });
const post = (a: ReturnType<typeof app>, body: unknown) =>
  a.request("/api/v1/fleet/goals", { method: "POST", headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });

describe("/api/v1/fleet", () => {
  test("fleet mode off is a 503 that says so; no token is a 401 as everywhere", async () => {
    const res = await app().request("/api/v1/fleet/nodes", { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(503);
    expect(((await res.json()) as any).error.code).toBe("fleet_off");
    expect((await app(port).request("/api/v1/fleet/nodes")).status).toBe(401);
  });

  test("a bad body names the field; nothing reaches the fleet", async () => {
    const a = app(port);
    for (const [body, field] of [
      [{ goal: "", all: true }, "goal"],
      [{ goal: "x", nodes: ["web.1"] }, "nodes.0"],
      [{ goal: "x", labels: { role: "web server" } }, "labels.role"],
      [{ goal: "x", all: true, deadline: "forever" }, "deadline"],
      [{ goal: "x", all: true, deadline: "1h" }, "deadline"],
      [{ goal: "x", all: true, extra: 1 }, "extra"],
    ] as const) {
      const res = await post(a, body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as any).error.field).toBe(field);
    }
    expect(requests).toEqual([]);
  });

  test("a goal goes to the port with its selector and deadline; the port's errors become statuses", async () => {
    const a = app(port);
    const res = await post(a, { goal: "check disk", labels: { role: "web" }, deadline: "30s", wait: false });
    expect(res.status).toBe(202);
    expect(requests.at(-1)).toEqual({ goal: "check disk", selector: { labels: { role: "web" } }, deadlineMs: 30_000, wait: false });
    expect((await post(a, { goal: "check disk", labels: { role: "none" } })).status).toBe(404);
    expect((await a.request("/api/v1/fleet/goals/fg2", { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
  });
});
