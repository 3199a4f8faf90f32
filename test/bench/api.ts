/**
 * `bun test/bench/api.ts`: requests per second the management API answers
 * over loopback, against a bare Bun.serve giving the same bodies, measured in
 * the same run (issue 14: ≥ 0.8× for both routes).
 * - `GET /health`: no auth; every middleware still runs (request id,
 *   metrics, the role table, body limits).
 * - `GET /api/v1/agents` with the boot token: the real agents of a sandboxed
 *   world; the bare server checks the same bearer token and answers the
 *   same list.
 * The load comes from a Worker thread, alternating aiOS and bare rounds (the
 * order flips each round) so a busy machine hurts both alike; the ratio is of
 * the medians. On a shared machine req/s swings with everyone else's load, so
 * each round also reads the CPU time the serving thread (this main thread:
 * Bun.serve's I/O and the handlers) spent per request, from Linux's
 * schedstat: that hardly moves with other load, and its ratio shows the
 * overhead steadily. The target is on req/s.
 */
import { readFileSync } from "node:fs";
import { BOOT_TOKEN, startApiWorld } from "../../src/api/testing";
import { setSink } from "../../src/sys";

const SECONDS = Number(process.env.SECONDS_PER_ROUND ?? 2);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);

setSink(() => {});

interface Result {
  n: number;
  seconds: number;
  statuses: Record<number, number>;
}

/** Nanoseconds this process's main thread has run on a CPU; undefined where /proc does not say. */
function serverThreadNs(): number | undefined {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8").split(" ")[0]);
  } catch {
    return undefined;
  }
}

function load(url: string, headers: Record<string, string>): Promise<Result> {
  const worker = new Worker(new URL("./api-load.ts", import.meta.url).href);
  return new Promise((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<Result>) => (worker.terminate(), resolve(e.data));
    worker.onerror = (e) => (worker.terminate(), reject(new Error(e.message)));
    worker.postMessage({ url, headers, ms: SECONDS * 1000, concurrency: CONCURRENCY });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const api = await startApiWorld();
// Same bodies, same token check, nothing else: the least any server here can do.
const bare = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch(req) {
    const path = new URL(req.url).pathname;
    if (path === "/health") return Response.json({ status: "ok" });
    if (path === "/api/v1/agents") {
      if (req.headers.get("authorization") !== `Bearer ${BOOT_TOKEN}`) return Response.json({ error: "unauthorized" }, { status: 401 });
      return Response.json({ agents: api.world.agents.list() });
    }
    return new Response(null, { status: 404 });
  },
});
const bareUrl = `http://127.0.0.1:${bare.port}`;
const auth = { authorization: `Bearer ${BOOT_TOKEN}` };
const routes: Array<{ name: string; path: string; headers: Record<string, string> }> = [
  { name: "GET /health", path: "/health", headers: {} },
  { name: "GET /api/v1/agents (bearer)", path: "/api/v1/agents", headers: auth },
];

// The same body from both, or the comparison is void.
for (const r of routes) {
  const a = await (await fetch(api.url + r.path, { headers: r.headers })).json();
  const b = await (await fetch(bareUrl + r.path, { headers: r.headers })).json();
  if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${r.name}: the bare server's body differs from the API's`);
}

const rows: string[] = [];
let met = true;
for (const r of routes) {
  const rate = { ours: [] as number[], theirs: [] as number[] };
  const cpu = { ours: [] as number[], theirs: [] as number[] };
  for (let i = 0; i < ROUNDS; i++) {
    const sides = [[api.url, "ours"], [bareUrl, "theirs"]] as const;
    for (const [url, side] of i % 2 === 0 ? sides : [...sides].reverse()) {
      const ns0 = serverThreadNs();
      const res = await load(url + r.path, r.headers);
      const ns1 = serverThreadNs();
      const bad = Object.entries(res.statuses).filter(([s]) => s !== "200");
      if (bad.length) throw new Error(`${r.name} on ${url}: answers other than 200: ${JSON.stringify(res.statuses)}`);
      rate[side].push(res.n / res.seconds);
      if (ns0 !== undefined && ns1 !== undefined) cpu[side].push((ns1 - ns0) / 1000 / res.n);
    }
  }
  const ratio = median(rate.ours) / median(rate.theirs);
  met &&= ratio >= 0.8;
  const us = cpu.ours.length ? `${median(cpu.ours).toFixed(1)} µs vs ${median(cpu.theirs).toFixed(1)} µs (${(median(cpu.theirs) / median(cpu.ours)).toFixed(2)}×)` : "n/a";
  rows.push(`| ${r.name} | ${Math.round(median(rate.ours))} req/s | ${Math.round(median(rate.theirs))} req/s (bare Bun.serve) | ${ratio.toFixed(2)}× | ${us} |`);
}
bare.stop(true);
await api.close();

console.log(
  [
    `## API: ${ROUNDS} rounds of ${SECONDS} s, ${CONCURRENCY} requests in flight from a Worker (bun ${Bun.version}, ${process.arch})`,
    "",
    "| route | aiOS | baseline (same run) | ratio | serving thread's CPU per request, aiOS vs bare |",
    "|---|---|---|---|---|",
    ...rows,
    "",
    `target: ≥ 0.8× on both (${met ? "met" : "NOT met"})`,
  ].join("\n"),
);
