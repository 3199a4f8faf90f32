/**
 * executePlan's handling of a held call whose run stops: the run fails with
 * the stop's reason, and the held call's later settlement (a denial, the
 * executor closing) is never an unhandled rejection.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { CallOutcome } from "../tools";
import { type AgentPort, type ExecutionHooks, executePlan } from "./execute";
import type { Plan } from "./plan";

const PLAN: Plan = { summary: "one held call", tasks: [{ id: "t", title: "write", dependsOn: [], calls: [{ tool: "fs.write", args: { path: "/srv/x", content: "x" } }] }] };
const hooks: ExecutionHooks = { taskStarted() {}, taskEnded() {}, callDone() {}, waiting() {}, resumed() {} };

let unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
beforeEach(() => {
  unhandled = [];
  process.on("unhandledRejection", onUnhandled);
});
afterEach(() => void process.off("unhandledRejection", onUnhandled));

/** An agent port whose one call is held; `before` runs just before the call answers (as a durable wait lets other work in). */
function heldCall(before: () => void): { agents: AgentPort; reject: (err: Error) => void } {
  let reject!: (err: Error) => void;
  const settled = new Promise<unknown>((_, rej) => (reject = rej));
  const agents: AgentPort = {
    async call() {
      await Bun.sleep(1);
      before();
      return { status: "queued", callId: "c1", approvalId: "a1", settled } satisfies CallOutcome;
    },
  };
  return { agents, reject };
}

describe("a held call whose run stops", () => {
  test("stopped while the call was being held: the run fails, the later rejection is handled", async () => {
    const stop = new AbortController();
    const { agents, reject } = heldCall(() => stop.abort(new Error("engine stopping")));
    const routes = new Map([["t", { taskId: "t", agent: "files", why: "test" }]]);
    const result = await executePlan(PLAN, { agents, routes, correlationId: "goal-1", signal: stop.signal, callTimeoutMs: () => 1_000, hooks });
    expect(result.ok).toBe(false);
    expect(result.failed?.error).toContain("engine stopping");
    reject(new Error("tools: the executor is closing"));
    await Bun.sleep(10);
    expect(unhandled).toEqual([]);
  });

  test("stopped while it waits for approval: the run fails, the later rejection is handled", async () => {
    const stop = new AbortController();
    const { agents, reject } = heldCall(() => {});
    const routes = new Map([["t", { taskId: "t", agent: "files", why: "test" }]]);
    const run = executePlan(PLAN, { agents, routes, correlationId: "goal-1", signal: stop.signal, callTimeoutMs: () => 1_000, hooks });
    await Bun.sleep(10);
    stop.abort(new Error("cancelled"));
    const result = await run;
    expect(result.failed?.error).toContain("cancelled while waiting for approval");
    reject(new Error("denied"));
    await Bun.sleep(10);
    expect(unhandled).toEqual([]);
  });
});
