/**
 * `bun test/bench/actors.ts`: the actor runtime's costs against baselines
 * measured in the same run.
 * - ask round trip (send, handle, reply, await) vs a bare Promise resolved
 *   from queueMicrotask, which is the least any asynchronous hop costs;
 * - supervised restart (crash → running again) vs a bare setTimeout of the
 *   first backoff delay, which the restart waits for by design; and with a
 *   zero backoff, the runtime's own part.
 */
import { createActorSystem, defineActor, supervisor } from "../../src/actors";
import { setSink } from "../../src/sys";

const ASKS = Number(process.env.ASKS ?? 200_000);
const RESTARTS = Number(process.env.RESTARTS ?? 50);
const WARMUP = 10_000;

setSink(() => {}); // the supervisor's restart warnings would swamp the table

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

/**
 * Per-operation time of `n` operations, measured in batches of BATCH: one
 * ask takes ~0.2 µs, below what a single performance.now() pair resolves,
 * so timing operations one at a time would measure mostly the timer. Each
 * returned figure is one batch's mean, in ms.
 */
const BATCH = 1000;
async function timeEach(n: number, op: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let done = 0; done < n; done += BATCH) {
    const k = Math.min(BATCH, n - done);
    const t0 = performance.now();
    for (let i = 0; i < k; i++) await op();
    out.push((performance.now() - t0) / k);
  }
  return out;
}

async function askRoundTrip() {
  const sys = createActorSystem();
  const echo = sys.spawn(
    defineActor<number, null>({
      initial: () => null,
      receive: (s, n, ctx) => (ctx.reply(n), s),
    }),
    { id: "echo" },
  );
  const bare = () => new Promise<number>((resolve) => queueMicrotask(() => resolve(1)));
  const ask = () => echo.ask<number>(1, 5000);
  await timeEach(WARMUP, bare);
  await timeEach(WARMUP, ask);
  // Interleaved halves, so drift in the machine's load hits both alike.
  const b1 = await timeEach(ASKS / 2, bare);
  const a1 = await timeEach(ASKS / 2, ask);
  const b2 = await timeEach(ASKS / 2, bare);
  const a2 = await timeEach(ASKS / 2, ask);
  await echo.stop();
  return { ask: [...a1, ...a2], bare: [...b1, ...b2] };
}

async function restartOnce(initialMs: number): Promise<number> {
  const sys = createActorSystem();
  const worker = defineActor<string, null>({
    initial: () => null,
    receive: () => {
      throw new Error("crash");
    },
  });
  const root = await sys.start(supervisor({ backoff: { initialMs }, children: [{ id: "w", start: worker }] }), { id: "root" });
  const w = sys.get("root/w")!;
  const t0 = performance.now();
  w.send("boom");
  while (!(w.status === "running" && w.restarts === 1)) await new Promise((r) => setImmediate(r));
  const ms = performance.now() - t0;
  await root.stop();
  return ms;
}

async function restarts() {
  const timer: number[] = [];
  const withBackoff: number[] = [];
  const noBackoff: number[] = [];
  for (let i = 0; i < RESTARTS; i++) {
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 10));
    timer.push(performance.now() - t0);
    withBackoff.push(await restartOnce(10));
    noBackoff.push(await restartOnce(0));
  }
  return { timer, withBackoff, noBackoff };
}

const a = await askRoundTrip();
const r = await restarts();

const us = (ms: number) => (ms * 1000).toFixed(2);
const msf = (ms: number) => ms.toFixed(2);
const askMed = quantile(a.ask, 0.5);
const bareMed = quantile(a.bare, 0.5);
const lines = [
  `## Actors: ${ASKS} asks, ${RESTARTS} restarts (bun ${Bun.version}, ${process.arch})`,
  "",
  "| measure | aiOS | baseline (same run) | ratio |",
  "|---|---|---|---|",
  `| ask round trip, median of batch means (${BATCH} asks a batch) | ${us(askMed)} µs | ${us(bareMed)} µs (queueMicrotask + Promise) | ${(askMed / bareMed).toFixed(1)}× |`,
  `| ask round trip, p99 of batch means | ${us(quantile(a.ask, 0.99))} µs | ${us(quantile(a.bare, 0.99))} µs | ${(quantile(a.ask, 0.99) / quantile(a.bare, 0.99)).toFixed(1)}× |`,
  `| supervised restart, crash → running, median (10 ms first backoff) | ${msf(quantile(r.withBackoff, 0.5))} ms | ${msf(quantile(r.timer, 0.5))} ms (setTimeout 10 ms) | ${(quantile(r.withBackoff, 0.5) / quantile(r.timer, 0.5)).toFixed(2)}× |`,
  `| supervised restart, max (10 ms first backoff) | ${msf(Math.max(...r.withBackoff))} ms | ${msf(Math.max(...r.timer))} ms | |`,
  `| supervised restart, median (backoff 0: runtime only) | ${msf(quantile(r.noBackoff, 0.5))} ms | | |`,
  "",
  `targets: ask ≤ 10 µs (${askMed * 1000 <= 10 ? "met" : "NOT met"}), restart ≤ 1 s (${Math.max(...r.withBackoff) <= 1000 ? "met" : "NOT met"})`,
];
console.log(lines.join("\n"));
