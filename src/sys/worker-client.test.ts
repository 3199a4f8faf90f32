import { expect, test } from "bun:test";
import { WorkerClient, workerUrl } from "./worker-client";

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
