import { describe, expect, test } from "bun:test";
import { ACTOR_STATUSES, accepts, canTransition, TRANSITIONS, type ActorStatus } from "./status";

describe("actor status transitions", () => {
  test("every status is reachable from starting and every status can reach stopped or failed", () => {
    const reach = (from: ActorStatus) => {
      const seen = new Set<ActorStatus>([from]);
      const todo = [from];
      while (todo.length) for (const next of TRANSITIONS[todo.pop()!]) if (!seen.has(next)) (seen.add(next), todo.push(next));
      return seen;
    };
    expect([...reach("starting")].sort()).toEqual([...ACTOR_STATUSES].sort());
    for (const s of ACTOR_STATUSES) {
      const r = reach(s);
      expect(r.has("stopped") || r.has("failed")).toBe(true);
    }
  });

  test("the paths the runtime relies on, and some it must never take", () => {
    expect(canTransition("starting", "running")).toBe(true);
    expect(canTransition("running", "failed")).toBe(true);
    expect(canTransition("failed", "restarting")).toBe(true);
    expect(canTransition("restarting", "starting")).toBe(true);
    expect(canTransition("restarting", "stopping")).toBe(true);
    expect(canTransition("stopped", "running")).toBe(false);
    expect(canTransition("failed", "running")).toBe(false);
    expect(canTransition("stopping", "running")).toBe(false);
    expect(canTransition("running", "starting")).toBe(false);
  });

  test("messages are queued only while the actor is or will be running", () => {
    expect(ACTOR_STATUSES.filter(accepts)).toEqual(["starting", "running", "restarting"]);
  });
});
