/**
 * The load generator of test/bench/api.ts, in a Worker so that it does not
 * share the server's event loop: `concurrency` requests kept in flight for
 * `ms`, counting answers by status.
 */
declare const self: Worker;

interface Job {
  url: string;
  headers: Record<string, string>;
  ms: number;
  concurrency: number;
}

self.onmessage = async (e: MessageEvent<Job>) => {
  const { url, headers, ms, concurrency } = e.data;
  const end = performance.now() + ms;
  const statuses: Record<number, number> = {};
  let n = 0;
  const loop = async () => {
    while (performance.now() < end) {
      const r = await fetch(url, { headers });
      await r.arrayBuffer();
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      n++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  self.postMessage({ n, seconds: (performance.now() - t0) / 1000, statuses });
};
