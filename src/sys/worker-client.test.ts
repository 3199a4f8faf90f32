import { describe, expect, test } from "bun:test";
import { WorkerClient, workerUrl, type WireError } from "./worker-client";

/** A worker from source text: echoes `x`, fails on `fail` with a code, exits on `exit`. */
function url(): string {
  const src = `self.onmessage = (e) => {
    const { id, x, fail, exit } = e.data;
    if (exit) process.exit(0);
    if (fail) self.postMessage({ id, error: { message: "it failed", code: "EIO" } });
    else self.postMessage({ id, value: x * 2 });
  };`;
  return URL.createObjectURL(new Blob([src], { type: "application/javascript" }));
}

test("answers each request by its id, values and errors (with their code) alike", async () => {
  const w = new WorkerClient(url(), "test");
  const [a, b] = await Promise.all([w.request<number>({ x: 2 }), w.request<number>({ x: 5 })]);
  expect([a, b]).toEqual([4, 10]);
  const err = (await w.request({ fail: true }).catch((e) => e)) as Error & { code?: string };
  expect([err.message, err.code]).toEqual(["it failed", "EIO"]);
});

test("a worker that exits fails what is in flight, tells its owner once, and refuses what follows", async () => {
  let told = 0;
  const w = new WorkerClient(url(), "test", () => told++);
  await w.request({ x: 1 });
  const lost = w.request({ exit: true });
  await expect(lost).rejects.toThrow("test worker exited");
  expect(w.dead).toBe(true);
  await expect(w.request({ x: 1 })).rejects.toThrow("test worker exited");
  expect(told).toBe(1);
});

test("workerUrl: beside the caller from source, under root in the compiled program", () => {
  expect(workerUrl("file:///src/a/b.ts", "./w.ts", "a/w.ts")).toBe("file:///src/a/w.ts");
  expect(workerUrl("file:///$bunfs/root/main.js", "./w.ts", "a/w.ts")).toBe("file:///$bunfs/root/a/w.ts");
});

/** A worker that streams `n` events 10 ms apart unless aborted, then answers; `fail` fails with a code and a field. */
function streamingUrl(): string {
  const src = `const aborted = new Set();
  self.onmessage = async (e) => {
    const m = e.data;
    if (m.op === "abort") { aborted.add(m.of); return; }
    if (m.fail) { self.postMessage({ id: m.id, error: { message: "x: too long", code: "over_limit", field: "messages" } }); return; }
    for (let i = 0; i < m.n; i++) {
      if (aborted.has(m.id)) { self.postMessage({ id: m.id, value: "stopped at " + i }); return; }
      self.postMessage({ id: m.id, event: i });
      await new Promise((r) => setTimeout(r, 10));
    }
    self.postMessage({ id: m.id, value: "done" });
  };`;
  return URL.createObjectURL(new Blob([src], { type: "application/javascript" }));
}

class FieldError extends Error {
  constructor(message: string, readonly field: string) {
    super(message);
  }
}

describe("streams, aborts and typed errors", () => {
  const w = new WorkerClient(streamingUrl(), "test");

  test("events arrive in order before the answer", async () => {
    const events: unknown[] = [];
    expect(await w.request({ n: 3 }, { onEvent: (e) => events.push(e) })).toBe("done");
    expect(events).toEqual([0, 1, 2]);
  });

  test("the caller's abort rejects at once with its reason and tells the worker, which stops", async () => {
    const ac = new AbortController();
    const events: unknown[] = [];
    const onEvent = (e: unknown) => {
      events.push(e);
      if (events.length === 2) ac.abort(new Error("caller left"));
    };
    await expect(w.request({ n: 1000 }, { signal: ac.signal, onEvent })).rejects.toThrow("caller left");
    const seen = events.length;
    await Bun.sleep(60);
    expect(events.length).toBe(seen); // nothing more is delivered for it
    expect(await w.request({ n: 1 })).toBe("done"); // and the worker answers the next
    await expect(w.request({ n: 1 }, { signal: AbortSignal.abort(new Error("already gone")) })).rejects.toThrow("already gone");
  });

  test("a worker's error becomes the caller's typed one, or an Error with its code", async () => {
    const typed = (e: WireError) => new FieldError(e.message, e.field!);
    const err = await w.request({ fail: true }, { error: typed }).catch((e) => e);
    expect(err).toBeInstanceOf(FieldError);
    expect(err).toMatchObject({ message: "x: too long", field: "messages" });
    expect(await w.request({ fail: true }).catch((e) => e)).toMatchObject({ message: "x: too long", code: "over_limit" });
  });

  test("terminate ends the worker at once: what is in flight fails, and so does what follows", async () => {
    const t = new WorkerClient(streamingUrl(), "test");
    const running = t.request({ n: 1000 });
    t.terminate();
    await expect(running).rejects.toThrow("test worker stopped");
    expect(t.dead).toBe(true);
    await expect(t.request({ n: 1 })).rejects.toThrow("test worker exited");
  });
});
