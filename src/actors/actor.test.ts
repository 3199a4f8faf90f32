import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { setSink } from "../sys";
import { ActorCrashedError, ActorExistsError, ActorStoppedError, AskTimeoutError } from "./errors";
import { type ActorRef, type ChildExit, defineActor } from "./logic";
import { createActorSystem } from "./system";

const logs: string[] = [];
const previousSink = setSink((l) => logs.push(l));
afterAll(() => setSink(previousSink));
beforeEach(() => {
  logs.length = 0;
});

async function waitFor(cond: () => boolean, ms = 2000): Promise<void> {
  const until = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > until) throw new Error("waitFor: condition not met");
    await Bun.sleep(2);
  }
}

type Msg = { type: "add"; n: number } | { type: "get" } | { type: "slow"; ms: number; tag: string } | { type: "boom" } | { type: "fail" } | { type: "quiet" };

/** A counter that also records what it saw, for ordering checks. */
function counter(seen: string[] = []) {
  let active = 0;
  let maxActive = 0;
  const logic = defineActor<Msg, { total: number }>({
    initial: () => ({ total: 0 }),
    async receive(state, msg, ctx) {
      active++;
      maxActive = Math.max(maxActive, active);
      try {
        switch (msg.type) {
          case "add":
            seen.push(`add${msg.n}`);
            return { total: state.total + msg.n };
          case "get":
            ctx.reply(state.total);
            return state;
          case "slow":
            await Bun.sleep(msg.ms);
            seen.push(msg.tag);
            ctx.reply(msg.tag);
            return state;
          case "boom":
            throw new Error("boom");
          case "fail":
            ctx.replyError(new RangeError("expected failure"));
            return state;
          case "quiet":
            return state;
        }
      } finally {
        active--;
      }
    },
  });
  return { logic, maxActive: () => maxActive };
}

describe("mailbox", () => {
  test("messages are handled in the order sent, one at a time, even when handlers await", async () => {
    const seen: string[] = [];
    const { logic, maxActive } = counter(seen);
    const sys = createActorSystem();
    const ref = sys.spawn(logic, { id: "c" });
    const replies = [ref.ask({ type: "slow", ms: 15, tag: "s1" }), ref.ask({ type: "slow", ms: 1, tag: "s2" })];
    for (let i = 1; i <= 50; i++) ref.send({ type: "add", n: i });
    replies.push(ref.ask({ type: "slow", ms: 5, tag: "s3" }));
    expect(ref.mailboxDepth).toBeGreaterThan(40);
    expect(await Promise.all(replies)).toEqual(["s1", "s2", "s3"]);
    expect(await ref.ask({ type: "get" })).toBe(1275);
    expect(seen).toEqual(["s1", "s2", ...Array.from({ length: 50 }, (_, i) => `add${i + 1}`), "s3"]);
    expect(maxActive()).toBe(1);
    expect(ref.mailboxDepth).toBe(0);
    await ref.stop();
  });

  test("synchronous handlers: thousands of messages keep their order", async () => {
    const seen: number[] = [];
    const sys = createActorSystem();
    const ref = sys.spawn(
      defineActor<number, null>({
        initial: () => null,
        receive: (s, n) => (seen.push(n), s),
      }),
      { id: "sync" },
    );
    for (let i = 0; i < 5000; i++) ref.send(i);
    await ref.ask(-1);
    expect(seen.length).toBe(5001);
    expect(seen.slice(0, 5000).every((n, i) => n === i)).toBe(true);
    // a mailbox that never drains while senders keep adding (compaction keeps the order)
    seen.length = 0;
    let next = 0;
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 3000; i++) ref.send(next++);
      await Promise.resolve();
    }
    await ref.ask(-1);
    expect(seen.length).toBe(next + 1);
    expect(seen.slice(0, next).every((n, i) => n === i)).toBe(true);
    await ref.stop();
  });
});

describe("ask", () => {
  test("reply, no reply (undefined), and replyError (an expected failure, not a crash)", async () => {
    const sys = createActorSystem();
    const ref = sys.spawn(counter().logic, { id: "c" });
    ref.send({ type: "add", n: 2 });
    expect(await ref.ask({ type: "get" })).toBe(2);
    expect(await ref.ask({ type: "quiet" })).toBeUndefined();
    const err = await ref.ask({ type: "fail" }).catch((e) => e);
    expect(err).toBeInstanceOf(RangeError);
    expect(ref.status).toBe("running");
    expect(ref.restarts).toBe(0);
    await ref.stop();
  });

  test("timeout rejects with AskTimeoutError naming the actor; the actor goes on", async () => {
    const sys = createActorSystem();
    const ref = sys.spawn(counter().logic, { id: "slowpoke" });
    const err = await ref.ask<any>({ type: "slow", ms: 100, tag: "late" }, 20).catch((e) => e);
    expect(err).toBeInstanceOf(AskTimeoutError); // the reply ("late") would have won otherwise
    expect(err.code).toBe("ask_timeout");
    expect(err.message).toBe("actor slowpoke: no reply within 20 ms");
    expect(await ref.ask({ type: "slow", ms: 1, tag: "next" })).toBe("next");
    await ref.stop();
  });

  test("an infinite time limit waits as long as it takes (a timer would fire after 1 ms)", async () => {
    const sys = createActorSystem();
    const ref = sys.spawn(counter().logic, { id: "patient" });
    expect(await ref.ask({ type: "slow", ms: 20, tag: "done" }, Number.POSITIVE_INFINITY)).toBe("done");
    await ref.stop();
  });

  test("a crash rejects the ask in hand and the queued asks with ActorCrashedError; the cause is kept", async () => {
    const sys = createActorSystem();
    const ref = sys.spawn(counter().logic, { id: "fragile" });
    const crashing = ref.ask<any>({ type: "boom" }).catch((e) => e);
    const queued = ref.ask({ type: "get" }).catch((e) => e);
    const e1 = await crashing;
    expect(e1).toBeInstanceOf(ActorCrashedError);
    expect(e1.message).toBe("actor fragile: crashed: boom");
    expect((e1.cause as Error).message).toBe("boom");
    expect(await queued).toBeInstanceOf(ActorCrashedError);
    expect(ref.status).toBe("failed");
    // No supervisor: logged, removed from the registry, later asks refused.
    await waitFor(() => logs.some((l) => l.includes("actor fragile: crashed with no supervisor")));
    expect(sys.get("fragile")).toBeUndefined();
    expect(await ref.ask({ type: "get" }).catch((e) => e)).toBeInstanceOf(ActorStoppedError);
  });

  test("one actor asking another that crashes gets a rejection and keeps running", async () => {
    const sys = createActorSystem();
    const callee = sys.spawn(counter().logic, { id: "callee" });
    const caller = sys.spawn(
      defineActor<"go", null>({
        initial: () => null,
        async receive(s, _m, ctx) {
          const r = await callee.ask({ type: "boom" }).catch((e: Error) => `caught ${e.constructor.name}`);
          ctx.reply(r);
          return s;
        },
      }),
      { id: "caller" },
    );
    expect(await caller.ask("go")).toBe("caught ActorCrashedError");
    expect(caller.status).toBe("running");
    await caller.stop();
  });
});

describe("stop", () => {
  test("waits for the message in hand, rejects the queued ones, runs stopped(), aborts the signal", async () => {
    const events: string[] = [];
    let signal: AbortSignal | undefined;
    const sys = createActorSystem();
    const ref = sys.spawn(
      defineActor<number, null>({
        initial: (ctx) => ((signal = ctx.signal), null),
        async receive(s, ms, ctx) {
          await Bun.sleep(ms);
          events.push(`handled ${ms}`);
          ctx.reply(ms);
          return s;
        },
        stopped: () => void events.push("stopped()"),
      }),
      { id: "s" },
    );
    const inHand = ref.ask(30);
    const queued = ref.ask(1).catch((e) => e);
    await Bun.sleep(5);
    const stopping = ref.stop();
    expect(ref.status).toBe("stopping");
    expect(signal!.aborted).toBe(true);
    expect(await ref.ask(1).catch((e) => e)).toBeInstanceOf(ActorStoppedError);
    await stopping;
    expect(await inHand).toBe(30);
    expect(await queued).toBeInstanceOf(ActorStoppedError);
    expect(events).toEqual(["handled 30", "stopped()"]);
    expect(ref.status).toBe("stopped");
    expect(sys.get("s")).toBeUndefined();
    ref.send(5); // dropped, no throw
  });

  test("abandons a handler that outlives the shutdown time", async () => {
    const sys = createActorSystem();
    const ref = sys.spawn(counter().logic, { id: "stuck", shutdownMs: 20 });
    const inHand = ref.ask({ type: "slow", ms: 3000, tag: "never" }, 5000).catch((e) => e);
    await Bun.sleep(2);
    const t0 = performance.now();
    await ref.stop();
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(await inHand).toBeInstanceOf(ActorStoppedError);
  });

  test("ctx.stop() ends the actor after the current message", async () => {
    const sys = createActorSystem();
    const ref = sys.spawn(
      defineActor<string, null>({
        initial: () => null,
        receive: (s, m, ctx) => {
          if (m === "bye") ctx.stop();
          ctx.reply(m);
          return s;
        },
      }),
      { id: "polite" },
    );
    expect(await ref.ask("bye")).toBe("bye");
    await waitFor(() => ref.status === "stopped");
  });
});

describe("registry and children", () => {
  test("get, list, duplicate ids refused", async () => {
    const sys = createActorSystem();
    const a = sys.spawn(counter().logic, { id: "a" });
    const b = sys.spawn(counter().logic, { id: "b" });
    expect(sys.get("a")).toBe(a);
    expect(sys.list().map((r) => r.id)).toEqual(["a", "b"]);
    expect(() => sys.spawn(counter().logic, { id: "a" })).toThrow(ActorExistsError);
    await a.stop();
    expect(sys.list().map((r) => r.id)).toEqual(["b"]);
    await b.stop();
  });

  test("a child's crash arrives at its parent as a child_exit message; children stop in reverse", async () => {
    const exits: ChildExit[] = [];
    const stops: string[] = [];
    const kids: ActorRef[] = [];
    const sys = createActorSystem();
    const kid = (name: string) =>
      defineActor<string, null>({
        initial: () => null,
        receive: (s, m) => {
          if (m === "boom") throw new Error(`${name} exploded`);
          return s;
        },
        stopped: () => void stops.push(name),
      });
    const parent = sys.spawn(
      defineActor<ChildExit | "spawn", null>({
        initial: () => null,
        receive: (s, m, ctx) => {
          if (m === "spawn") for (const n of ["k1", "k2", "k3"]) kids.push(ctx.spawn(kid(n), { id: n }));
          else exits.push(m);
          return s;
        },
      }),
      { id: "p" },
    );
    await parent.ask("spawn");
    expect(sys.get("p/k2")).toBe(kids[1]!);
    kids[1]!.send("boom");
    await waitFor(() => exits.length === 1);
    expect(exits[0]!.id).toBe("k2");
    expect(exits[0]!.reason.kind).toBe("crash");
    expect(sys.get("p/k2")).toBeUndefined();
    expect(parent.status).toBe("running");
    await parent.stop();
    expect(stops).toEqual(["k3", "k1"]);
    expect(sys.list()).toEqual([]);
  });

  test("async initial: messages sent while starting wait for it", async () => {
    const sys = createActorSystem();
    const ref = sys.spawn(
      defineActor<string, string>({
        initial: async () => (await Bun.sleep(10), "ready"),
        receive: (s, _m, ctx) => (ctx.reply(s), s),
      }),
      { id: "late" },
    );
    expect(ref.status).toBe("starting");
    expect(await ref.ask("state?")).toBe("ready");
    await ref.stop();
  });
});
