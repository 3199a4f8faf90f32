import { describe, expect, test } from "bun:test";
import { CancelledError, QueueFullError } from "./errors";
import { InferenceQueue, type Priority } from "./queue";

/** A job that runs until released, recording when it started. */
function gate() {
  let release!: () => void;
  const done = new Promise<void>((r) => (release = r));
  return { release, job: () => done };
}

describe("InferenceQueue", () => {
  test("runs operational before tactical before background, FIFO within a class", async () => {
    const q = new InferenceQueue({ limit: 10 });
    const g = gate();
    const order: string[] = [];
    const blocker = q.submit("background", "blocker", g.job);
    const jobs = (
      [["background", "b1"], ["tactical", "t1"], ["operational", "o1"], ["tactical", "t2"], ["operational", "o2"], ["background", "b2"]] as Array<[Priority, string]>
    ).map(([p, name]) => q.submit(p, name, async () => void order.push(name)));
    expect(q.stats().waiting).toEqual({ operational: 2, tactical: 2, background: 2 });
    g.release();
    await Promise.all([blocker, ...jobs]);
    expect(order).toEqual(["o1", "o2", "t1", "t2", "b1", "b2"]);
    expect(q.stats().completed).toBe(7);
  });

  test("a full queue refuses with QueueFullError and a Retry-After estimate", async () => {
    const q = new InferenceQueue({ limit: 2 });
    const g = gate();
    const running = q.submit("tactical", "running", g.job);
    const waiting = [q.submit("tactical", "w1", async () => 1), q.submit("tactical", "w2", async () => 2)];
    const refused = q.submit("tactical", "w3", async () => 3);
    const err = await refused.catch((e) => e);
    expect(err).toBeInstanceOf(QueueFullError);
    expect(err.code).toBe("queue_full");
    expect(err.retryAfterS).toBeGreaterThanOrEqual(1);
    expect(q.stats().refused).toBe(1);
    g.release();
    expect(await Promise.all([running, ...waiting])).toEqual([undefined, 1, 2]);
  });

  test("when full, a more urgent job takes the place of the newest least urgent one", async () => {
    const q = new InferenceQueue({ limit: 2 });
    const g = gate();
    const running = q.submit("tactical", "running", g.job);
    const b1 = q.submit("background", "b1", async () => "b1");
    const b2 = q.submit("background", "b2", async () => "b2");
    const o1 = q.submit("operational", "o1", async () => "o1");
    expect(await b2.catch((e) => e)).toBeInstanceOf(QueueFullError);
    // Equal urgency never displaces.
    expect(await q.submit("background", "b3", async () => "b3").catch((e) => e)).toBeInstanceOf(QueueFullError);
    g.release();
    expect(await Promise.all([running, o1, b1])).toEqual([undefined, "o1", "b1"]);
  });

  test("a job that can start at once is admitted even with limit 0", async () => {
    const q = new InferenceQueue({ limit: 0 });
    expect(await q.submit("tactical", "now", async () => 42)).toBe(42);
    const g = gate();
    const running = q.submit("tactical", "busy", g.job);
    expect(await q.submit("operational", "later", async () => 1).catch((e) => e)).toBeInstanceOf(QueueFullError);
    g.release();
    await running;
  });

  test("aborting a waiting job removes it at once; it never runs", async () => {
    const q = new InferenceQueue({ limit: 5 });
    const g = gate();
    const running = q.submit("tactical", "running", g.job);
    const ac = new AbortController();
    let ran = false;
    const waiting = q.submit("tactical", "waiting", async () => void (ran = true), ac.signal);
    expect(q.size).toBe(1);
    ac.abort();
    const err = await waiting.catch((e) => e);
    expect(err).toBeInstanceOf(CancelledError);
    expect(err.message).toBe("waiting: cancelled by the caller");
    expect(q.size).toBe(0);
    g.release();
    await running;
    expect(ran).toBe(false);
    expect(q.stats().cancelled).toBe(1);
  });

  test("a running job sees the caller's signal; its result is then a CancelledError", async () => {
    const q = new InferenceQueue({ limit: 5 });
    const ac = new AbortController();
    let steps = 0;
    const job = q.submit("tactical", "long", async (signal) => {
      while (!signal.aborted && steps < 1000) {
        steps++;
        await Bun.sleep(1);
      }
      return steps;
    }, ac.signal);
    await Bun.sleep(20);
    ac.abort();
    expect(await job.catch((e) => e)).toBeInstanceOf(CancelledError);
    expect(steps).toBeLessThan(1000);
    // The slot is free again.
    expect(await q.submit("tactical", "next", async () => "ok")).toBe("ok");
  });

  test("an already aborted signal is refused without queueing", async () => {
    const q = new InferenceQueue({ limit: 5 });
    expect(await q.submit("tactical", "x", async () => 1, AbortSignal.abort()).catch((e) => e)).toBeInstanceOf(CancelledError);
  });

  test("a failing job rejects with its own error and frees its slot", async () => {
    const q = new InferenceQueue({ limit: 5 });
    const err = await q.submit("tactical", "bad", async () => {
      throw new Error("boom");
    }).catch((e) => e);
    expect(err.message).toBe("boom");
    expect(q.stats().failed).toBe(1);
    expect(await q.submit("tactical", "good", async () => 2)).toBe(2);
  });

  test("concurrency runs that many jobs at once", async () => {
    const q = new InferenceQueue({ limit: 5, concurrency: 2 });
    const a = gate();
    const b = gate();
    const ja = q.submit("tactical", "a", a.job);
    const jb = q.submit("tactical", "b", b.job);
    expect(q.stats().running).toBe(2);
    a.release();
    b.release();
    await Promise.all([ja, jb]);
  });

  test("drain refuses every waiting job", async () => {
    const q = new InferenceQueue({ limit: 5 });
    const g = gate();
    const running = q.submit("tactical", "running", g.job);
    const waiting = q.submit("background", "w", async () => 1);
    q.drain("shutdown");
    expect((await waiting.catch((e) => e)).message).toBe("w (shutdown): cancelled by the caller");
    g.release();
    await running;
  });
});
