import { describe, expect, test } from "bun:test";
import { apiSubject, requestLine } from "./bridge";
import { checkSelector } from "./goals";
import { newGoalId } from "./subjects";
import { type FleetGoalRecord, matches, resultOf, targetsOf } from "./types";

const live = [
  { node: "web1", labels: { role: "web", zone: "a" } },
  { node: "web2", labels: { role: "web", zone: "b" } },
  { node: "db1", labels: { role: "db", zone: "a" } },
];

describe("selectors", () => {
  test("labels select live nodes that have all of them", () => {
    expect(targetsOf({ labels: { role: "web" } }, live)).toEqual(["web1", "web2"]);
    expect(targetsOf({ labels: { role: "web", zone: "a" } }, live)).toEqual(["web1"]);
    expect(targetsOf({ labels: { role: "cache" } }, live)).toEqual([]);
  });
  test("named nodes are targets even when down: their durable consumer keeps the goal", () => {
    expect(targetsOf({ nodes: ["db1", "web9"] }, live)).toEqual(["db1", "web9"]);
  });
  test("all means every live node; an empty selector selects nothing", () => {
    expect(targetsOf({ all: true }, live)).toEqual(["db1", "web1", "web2"]);
    expect(targetsOf({}, live)).toEqual([]);
    expect(matches({ labels: {} }, "web1", {})).toBe(false);
  });
  test("a node re-checks the selector when the goal reaches it", () => {
    expect(matches({ nodes: ["web1"], labels: { role: "db" } }, "web1", { role: "web" })).toBe(false);
    expect(matches({ nodes: ["web1"] }, "web1", {})).toBe(true);
  });
  test("checkSelector refuses an implied whole fleet and bad names", () => {
    expect(checkSelector({})).toContain("never implied");
    expect(checkSelector({ all: true, nodes: ["a"] })).toContain("all:");
    expect(checkSelector({ nodes: ["a.b"] })).toContain("nodes:");
    expect(checkSelector({ labels: { role: "web*" } })).toContain("labels:");
    expect(checkSelector({ labels: { role: "web" } })).toBeUndefined();
  });
});

describe("resultOf", () => {
  const record: FleetGoalRecord = { id: "fg1", goal: "check disk", selector: { all: true }, targets: ["a", "b", "c"], createdAt: 0, deadlineAt: 10, expiresAt: 20, from: "client" };
  test("the latest answer per node counts; who has not answered is named", () => {
    const r = resultOf(record, [
      { id: "fg1", node: "a", state: "accepted", goalId: 3, at: 1 },
      { id: "fg1", node: "a", state: "done", goalId: 3, answer: "ok", at: 2 },
      { id: "fg1", node: "b", state: "awaiting_approval", goalId: 7, at: 2 },
      { id: "fg1", node: "c", state: "accepted", goalId: 1, at: 1 },
    ]);
    expect(r.missing).toEqual(["c"]);
    expect(r.summary).toEqual({ targets: 3, answered: 2, done: 1, awaiting_approval: 1, accepted: 1 });
    expect(r.complete).toBe(false);
    expect(r.answers.find((a) => a.node === "a")?.answer).toBe("ok");
  });
});

describe("API subjects", () => {
  test("a path becomes one token per segment, dots and wildcards escaped, and back", () => {
    const { subject, query } = apiSubject("web1", "POST", "/api/v1/tools/fs.stat?x=1&y=*");
    expect(subject).toBe("aios.node.web1.api.post.tools.fs%2Estat");
    expect(query).toBe("x=1&y=*");
    expect(requestLine("web1", subject)).toEqual({ method: "POST", path: "/api/v1/tools/fs.stat" });
    expect(apiSubject("web1", "get", "system").subject).toBe("aios.node.web1.api.get.system");
    expect(apiSubject("n", "get", "/api/v1/goals/a*b>c").subject).toBe("aios.node.n.api.get.goals.a%2Ab%3Ec");
  });
  test("a subject that is not a call says why", () => {
    expect(requestLine("web1", "aios.node.web1.api.fetch.system")).toMatchObject({ error: expect.stringContaining("method") });
    expect(requestLine("web1", "aios.node.web2.api.get.system")).toMatchObject({ error: expect.stringContaining("not an API subject") });
    expect(requestLine("web1", "aios.node.web1.api.get.%zz")).toMatchObject({ error: expect.stringContaining("percent") });
  });
  test("goal ids are single subject tokens and sort by time", () => {
    const a = newGoalId(1_000);
    const b = newGoalId(2_000_000);
    expect(a).toMatch(/^[a-z0-9]+$/);
    expect(a < b).toBe(true);
  });
});
