import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { setSink } from "../sys";
import { ActorCrashedError, ActorExistsError, ChildStartError } from "./errors";
import { type ActorRef, defineActor } from "./logic";
import { backoffDelay, type ChildInfo, type ChildSpec, type RestartType, type Strategy, supervisor, type SupervisorOptions } from "./supervisor";
import { createActorSystem } from "./system";

const logs: string[] = [];
const previousSink = setSink((l) => logs.push(l));
afterAll(() => setSink(previousSink));
beforeEach(() => {
  logs.length = 0;
});

async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const until = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > until) throw new Error("waitFor: condition not met");
    await Bun.sleep(1);
  }
}

/** A worker that counts its starts, crashes on "boom", exits normally on "bye", and logs its life to `events`. */
function worker(name: string, events: string[] = [], opts: { failStartAfter?: number } = {}) {
  let starts = 0;
  const logic = defineActor<string, { n: number }>({
    initial: () => {
      starts++;
      if (opts.failStartAfter !== undefined && starts > opts.failStartAfter) throw new Error(`${name} cannot start`);
      events.push(`start ${name}`);
      return { n: 0 };
    },
    receive: (s, m, ctx) => {
      if (m === "boom") throw new Error(`${name} exploded`);
      if (m === "bye") ctx.stop();
      ctx.reply(s.n + 1);
      return { n: s.n + 1 };
    },
    stopped: () => void events.push(`stop ${name}`),
  });
  return { logic, starts: () => starts };
}

async function tree(children: ChildSpec[], opts: Omit<SupervisorOptions, "children"> = {}) {
  const sys = createActorSystem();
  const root = await sys.start(supervisor({ intensity: 10, period: 5000, ...opts, children }), { id: "root" });
  const child = (id: string) => sys.get(`root/${id}`)!;
  return { sys, root, child };
}

describe("restart on crash", () => {
  test("a crashed permanent child comes back with fresh state, same id, restarts counted", async () => {
    const { root, child } = await tree([{ id: "w", start: worker("w").logic }]);
    const w = child("w");
    expect(await w.ask("inc")).toBe(1);
    expect(await w.ask("inc")).toBe(2);
    expect(await w.ask("boom").catch((e) => e)).toBeInstanceOf(ActorCrashedError);
    expect(w.status).toBe("failed");
    await waitFor(() => w.status === "running");
    expect(w.restarts).toBe(1);
    expect(child("w")).toBe(w);
    expect(await w.ask("inc")).toBe(1); // state from initial again
    expect(logs.some((l) => l.includes("supervisor root: w crashed: w exploded; restarting w in 10 ms"))).toBe(true);
    await root.stop();
  });

  test("messages sent while a child is restarting wait for it", async () => {
    const { root, child } = await tree([{ id: "w", start: worker("w").logic }]);
    const w = child("w");
    w.send("boom");
    await waitFor(() => w.status === "restarting");
    expect(await w.ask("inc")).toBe(1);
    await root.stop();
  });
});

describe("restart types", () => {
  const cases: Array<[RestartType, "bye" | "boom", boolean]> = [
    ["permanent", "bye", true],
    ["permanent", "boom", true],
    ["transient", "bye", false],
    ["transient", "boom", true],
    ["temporary", "bye", false],
    ["temporary", "boom", false],
  ];
  for (const [restart, how, restarted] of cases) {
    test(`${restart} child, ${how === "bye" ? "normal exit" : "crash"}: ${restarted ? "restarted" : "not restarted"}`, async () => {
      const w = worker("w");
      const { root, sys } = await tree([{ id: "w", start: w.logic, restart }]);
      const ref = sys.get("root/w")!;
      await ref.ask(how).catch(() => {});
      if (restarted) {
        await waitFor(() => ref.status === "running" && ref.restarts === 1);
        expect(w.starts()).toBe(2);
      } else {
        await Bun.sleep(40); // longer than the first backoff: a restart would have happened
        expect(w.starts()).toBe(1);
        expect(ref.restarts).toBe(0);
        const children = await root.ask<ChildInfo[]>({ type: "which_children" });
        // temporary children leave the supervisor and the registry; transient ones stay, stopped
        if (restart === "temporary") {
          expect(children).toEqual([]);
          expect(sys.get("root/w")).toBeUndefined();
        } else expect(children).toEqual([{ id: "w", status: "stopped", restarts: 0, restart: "transient" }]);
      }
      await root.stop();
    });
  }
});

describe("strategies", () => {
  const expected: Record<Strategy, string[]> = {
    one_for_one: ["b"],
    one_for_all: ["a", "b", "c"],
    rest_for_one: ["b", "c"],
  };
  for (const strategy of ["one_for_one", "one_for_all", "rest_for_one"] as const) {
    test(`${strategy}: b crashes, ${expected[strategy].join(" ")} restart`, async () => {
      const events: string[] = [];
      const specs = ["a", "b", "c"].map((id) => ({ id, start: worker(id, events).logic }));
      const { root, child } = await tree(specs, { strategy });
      events.length = 0;
      child("b").send("boom");
      await waitFor(() => ["a", "b", "c"].every((id) => child(id).status === "running") && child("b").restarts === 1);
      const restarted = ["a", "b", "c"].filter((id) => child(id).restarts === 1);
      expect(restarted).toEqual(expected[strategy]);
      // siblings are stopped in reverse order, then everyone in the group starts in order
      const siblings = expected[strategy].filter((id) => id !== "b");
      expect(events).toEqual([
        ...[...siblings].reverse().map((id) => `stop ${id}`),
        ...expected[strategy].map((id) => `start ${id}`),
      ]);
      await root.stop();
    });
  }

  test("one_for_all: a temporary sibling is stopped and removed, not restarted", async () => {
    const { root, sys, child } = await tree(
      [
        { id: "a", start: worker("a").logic },
        { id: "t", start: worker("t").logic, restart: "temporary" },
      ],
      { strategy: "one_for_all" },
    );
    child("a").send("boom");
    await waitFor(() => child("a").restarts === 1 && child("a").status === "running");
    expect(sys.get("root/t")).toBeUndefined();
    expect((await root.ask<ChildInfo[]>({ type: "which_children" })).map((c) => c.id)).toEqual(["a"]);
    await root.stop();
  });
});

describe("order", () => {
  test("children start in order and stop in reverse", async () => {
    const events: string[] = [];
    const { root } = await tree(["a", "b", "c"].map((id) => ({ id, start: worker(id, events).logic })));
    expect(events).toEqual(["start a", "start b", "start c"]);
    await root.stop();
    expect(events).toEqual(["start a", "start b", "start c", "stop c", "stop b", "stop a"]);
    expect(root.status).toBe("stopped");
  });

  test("a child that fails to start stops the ones before it in reverse and fails the supervisor", async () => {
    const events: string[] = [];
    const sys = createActorSystem();
    const specs = [
      { id: "a", start: worker("a", events).logic },
      { id: "b", start: worker("b", events).logic },
      { id: "c", start: worker("c", events, { failStartAfter: 0 }).logic },
      { id: "d", start: worker("d", events).logic },
    ];
    const err = await sys.start(supervisor({ children: specs }), { id: "root" }).catch((e) => e);
    expect(err).toBeInstanceOf(ChildStartError);
    expect(err.message).toBe("supervisor root: child c failed to start: c cannot start");
    await waitFor(() => events.length === 4);
    expect(events).toEqual(["start a", "start b", "stop b", "stop a"]);
    expect(sys.list()).toEqual([]);
  });

  test("start_child adds a child at run time, a duplicate id is refused; terminate_child removes it", async () => {
    const { root, child } = await tree([{ id: "a", start: worker("a").logic }]);
    const b = await root.ask<ActorRef>({ type: "start_child", spec: { id: "b", start: worker("b").logic } });
    expect(b).toBe(child("b"));
    expect(await b.ask("x")).toBe(1);
    const dup = await root.ask({ type: "start_child", spec: { id: "b", start: worker("b").logic } }).catch((e) => e);
    expect(dup).toBeInstanceOf(ActorExistsError);
    expect(root.status).toBe("running");
    expect(await root.ask({ type: "terminate_child", id: "b" })).toBe(true);
    expect(b.status).toBe("stopped");
    expect(child("b")).toBeUndefined();
    expect(await root.ask({ type: "terminate_child", id: "b" })).toBe(false);
    await Bun.sleep(20);
    expect(b.restarts).toBe(0); // terminated on purpose: not restarted
    await root.stop();
  });
});

describe("backoff and intensity", () => {
  test("backoffDelay doubles from the initial delay and is capped", () => {
    const b = { initialMs: 10, maxMs: 1000 };
    expect([1, 2, 3, 4, 7, 8, 20].map((n) => backoffDelay(n, b))).toEqual([10, 20, 40, 80, 640, 1000, 1000]);
  });

  test("each restart within the period waits longer", async () => {
    const { root, child } = await tree([{ id: "w", start: worker("w").logic }]);
    const w = child("w");
    const gaps: number[] = [];
    for (let i = 0; i < 4; i++) {
      const crashedAt = performance.now();
      w.send("boom");
      await waitFor(() => w.restarts === i + 1 && w.status === "running");
      gaps.push(performance.now() - crashedAt);
    }
    for (const [i, min] of [10, 20, 40, 80].entries()) expect(gaps[i]!).toBeGreaterThanOrEqual(min - 1);
    expect(gaps[3]!).toBeLessThan(500);
    await root.stop();
  });

  test("intensity exceeded: the supervisor stops its children in reverse and escalates; its parent restarts it", async () => {
    const events: string[] = [];
    const sys = createActorSystem();
    const mid = supervisor({
      intensity: 2,
      period: 5000,
      children: ["a", "b"].map((id) => ({ id, start: worker(id, events).logic })),
    });
    const root = await sys.start(supervisor({ intensity: 5, children: [{ id: "mid", start: mid }] }), { id: "root" });
    const midRef = sys.get("root/mid")!;
    const firstB = sys.get("root/mid/b")!;
    for (let i = 0; i < 3; i++) {
      events.length = 0;
      firstB.send("boom");
      if (i < 2) await waitFor(() => firstB.restarts === i + 1 && firstB.status === "running");
    }
    await waitFor(() => midRef.restarts === 1 && midRef.status === "running");
    // the third crash: a stopped in reverse order (b had crashed), then mid restarted: a, b started anew
    expect(events).toEqual(["stop a", "start a", "start b"]);
    const newB = sys.get("root/mid/b")!;
    expect(newB).not.toBe(firstB);
    expect(newB.restarts).toBe(0);
    expect(await newB.ask("x")).toBe(1);
    expect(logs.some((l) => l.includes("supervisor root/mid: b crashed: b exploded; more than 2 restarts in 5000 ms, giving up"))).toBe(true);
    expect(logs.some((l) => l.includes("supervisor root: mid crashed: supervisor root/mid: more than 2 restarts"))).toBe(true);
    await root.stop();
  });

  test("a child that keeps failing to restart counts against intensity too", async () => {
    const sys = createActorSystem();
    const w = worker("w", [], { failStartAfter: 1 });
    const root = await sys.start(supervisor({ intensity: 3, children: [{ id: "w", start: w.logic }] }), { id: "root" });
    sys.get("root/w")!.send("boom");
    await waitFor(() => root.status === "failed");
    expect(w.starts()).toBe(4); // the first start, then 3 failed restarts; the 4th crash exceeds intensity
    expect(logs.some((l) => l.includes("actor root: crashed with no supervisor above it"))).toBe(true);
  });
});

describe("PID 1 survives", () => {
  test("a crash loop up to and past the root never exits the process or leaks a rejection", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => void unhandled.push(e);
    process.on("unhandledRejection", onUnhandled);
    const realExit = process.exit;
    const exits: unknown[] = [];
    process.exit = ((code?: number) => void exits.push(code)) as typeof process.exit;
    try {
      const sys = createActorSystem();
      const crasher = defineActor<string, null>({
        initial: () => null,
        async receive() {
          await Bun.sleep(0);
          throw new Error("always");
        },
      });
      const agents = supervisor({ intensity: 4, period: 10_000, backoff: { initialMs: 1, maxMs: 4 }, children: [{ id: "c", start: crasher }] });
      const root = await sys.start(supervisor({ intensity: 2, period: 10_000, backoff: { initialMs: 1, maxMs: 4 }, children: [{ id: "agents", start: agents }] }), { id: "root" });
      // Hammer whichever incarnation is current with sends and asks until the whole tree gives up.
      const until = performance.now() + 3000;
      while (root.status !== "failed" && performance.now() < until) {
        const c = sys.get("root/agents/c");
        c?.send("x");
        c?.ask("y", 50).catch(() => {});
        await Bun.sleep(1);
      }
      expect(root.status).toBe("failed");
      await Bun.sleep(20);
      expect(logs.some((l) => l.includes("actor root: crashed with no supervisor above it; it stays down"))).toBe(true);
      expect(sys.list()).toEqual([]);
    } finally {
      process.exit = realExit;
      process.off("unhandledRejection", onUnhandled);
    }
    expect(exits).toEqual([]);
    expect(unhandled).toEqual([]);
  });
});
