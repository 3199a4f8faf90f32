/**
 * /api/v1/goals over a real engine (memory, executor, agents in a sandbox):
 * submit → 202, the goal with plan, tasks and trace, bad bodies named, the
 * server-sent event stream until the outcome, cancel and its 409 after.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { fixedPlanner, openWorld, removeWorld, type World } from "../../orchestrator/testing";
import { setSink } from "../../sys";
import { createApi } from "../app";

setSink(() => {});
const TOKEN = "t";
let w: World;
let app: ReturnType<typeof createApi>;
const auth = { authorization: `Bearer ${TOKEN}` };
const post = (path: string, body: unknown) => app.request(path, { method: "POST", headers: auth, body: typeof body === "string" ? body : JSON.stringify(body) });
const get = (path: string) => app.request(path, { headers: auth });

const PLAN = {
  summary: "make a directory",
  tasks: [{ id: "mk", title: "make /srv/x", dependsOn: [], calls: [{ tool: "fs.mkdir", args: { path: "/srv/x", parents: true } }] }],
};

beforeAll(async () => {
  w = await openWorld({ planners: [fixedPlanner("script", (goal) => (goal.includes("directory") ? PLAN : "no"))], level: "supervised" });
  app = createApi({ token: () => TOKEN, system: () => ({}) as never, power: () => {}, goals: () => w.engine });
});
afterAll(async () => {
  await w.close();
  removeWorld(w);
});

describe("/api/v1/goals", () => {
  test("submit is a 202 with the id; the goal comes back with plan, tasks and trace", async () => {
    const res = await post("/api/v1/goals", { goal: "make a directory", priority: 5 });
    expect(res.status).toBe(202);
    const { id, state } = (await res.json()) as any;
    expect(state).toBe("pending");
    await w.until(id, ["done", "failed"]);
    const g = (await (await get(`/api/v1/goals/${id}`)).json()) as any;
    expect(g).toMatchObject({ id, state: "done", priority: 5, source: "api", plan: { planner: "script", summary: "make a directory" } });
    expect(g.tasks.map((t: any) => [t.title, t.agent, t.state])).toEqual([["make /srv/x", expect.any(String), "done"]]);
    expect(g.trace.map((e: any) => e.kind)).toEqual(expect.arrayContaining(["submitted", "planner", "plan", "route", "task", "call", "outcome"]));
    expect(g.transitions.map((t: any) => t.to)).toEqual(["planning", "running", "done"]);
    expect(g.answer).toBe("Created /srv, /srv/x");
    const list = (await (await get("/api/v1/goals")).json()) as any;
    expect(list.goals[0]).toMatchObject({ id, state: "done", goal: "make a directory" });
  });

  test("bad bodies and ids are 400s naming the field; unknown goals 404", async () => {
    for (const [body, field] of [["{", "body"], [{}, "goal"], [{ goal: "  " }, "goal"], [{ goal: "x", autonomy: "yolo" }, "autonomy"], [{ goal: "x", priority: 1.5 }, "priority"]] as const) {
      const res = await post("/api/v1/goals", body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as any).error.field).toBe(field);
    }
    expect((await get("/api/v1/goals/abc")).status).toBe(400);
    expect((await get("/api/v1/goals/99999")).status).toBe(404);
  });

  test("the event stream replays the trace, follows the goal live and ends with its state", async () => {
    const { id } = (await (await post("/api/v1/goals", { goal: "make a directory again", autonomy: "manual" })).json()) as any;
    const res = await get(`/api/v1/goals/${id}/events`);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body!.getReader();
    let text = "";
    const decoder = new TextDecoder();
    while (!text.includes("event: approval")) text += decoder.decode((await reader.read()).value);
    const [held] = w.tools.executor.approvals.pending();
    await w.tools.executor.approvals.approve(held!.approvalId, { by: "test" });
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events[0]).toBe("submitted");
    expect(events).toEqual(expect.arrayContaining(["plan", "approval", "call", "outcome"]));
    expect(events.at(-1)).toBe("end");
    const end = JSON.parse(/event: end\ndata: (.*)\n/.exec(text)![1]!);
    expect(end).toEqual({ id, state: "done", answer: "/srv/x already exists" });
  });

  test("a goal no planner understands ends at once: its answer says what was not understood", async () => {
    const { id } = (await (await post("/api/v1/goals", { goal: "make coffee" })).json()) as any;
    const text = await (await get(`/api/v1/goals/${id}/events`)).text();
    const end = JSON.parse(/event: end\ndata: (.*)\n/.exec(text)![1]!);
    expect(end).toEqual({ id, state: "failed", answer: "Not done: script: no" });
    expect(((await (await get(`/api/v1/goals/${id}`)).json()) as any).answer).toBe("Not done: script: no");
  });

  test("cancel a waiting goal, then 409 once it is final", async () => {
    const { id } = (await (await post("/api/v1/goals", { goal: "make a directory thrice", autonomy: "manual" })).json()) as any;
    await w.until(id, ["awaiting_approval"]);
    expect((await post(`/api/v1/goals/${id}/cancel`, {})).status).toBe(200);
    await w.until(id, ["cancelled"]);
    const again = await post(`/api/v1/goals/${id}/cancel`, {});
    expect(again.status).toBe(409);
    expect(((await again.json()) as any).error.message).toBe(`goal ${id}: already cancelled`);
  });
});
