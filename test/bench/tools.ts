/**
 * `make bench-tools`: `fs.stat` through the full executor pipeline (validate,
 * capability, gate, audit request, execute, check output, audit result with a
 * real on-disk ledger) against a bare `fs.statSync` of the same file and the
 * tool's own `execute` called directly, all in the same run. The pipeline's
 * own overhead is measured with syncs skipped (its median minus the direct
 * call's); the durable pipeline, whose result row is on disk before the
 * answer (one fdatasync per call for one caller, shared by concurrent
 * callers: see bench-durability), is shown beside it.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_FS_ROOTS } from "../../src/config";
import { setSink, setSyncing } from "../../src/sys";
import type { ToolContext, ToolEnv } from "../../src/tools/define";
import { fsStat as tool } from "../../src/tools/fs";
import { openToolSystem } from "../../src/tools/system";

const N = Number(process.env.CALLS ?? 20_000);
const WARMUP = Math.min(3_000, N);

setSink(() => {});
const dir = realpathSync(mkdtempSync(join(tmpdir(), "aios-bench-tools-")));
const root = join(dir, "sandbox");
for (const r of DEFAULT_FS_ROOTS) mkdirSync(join(root, r), { recursive: true });
const paths = { data: join(dir, "data"), log: join(dir, "log"), run: join(dir, "run"), secrets: join(dir, "data/secrets") };
for (const p of Object.values(paths)) mkdirSync(p, { recursive: true });
const env: ToolEnv = { mode: "dev", root, fsRoots: [...DEFAULT_FS_ROOTS], paths };
const GUEST = "/srv/bench.txt";
const HOST = join(root, GUEST);
writeFileSync(HOST, "aiOS benchmark file\n");

const sys = await openToolSystem({ ledgerPath: join(dir, "ledger/audit.db"), env, level: "full", tools: [tool], providers: [] });
sys.capabilities.declare("bench", [tool.name]);

function stats(samples: number[], totalMs: number) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 1000;
  return { perSec: (samples.length / totalMs) * 1000, median: at(0.5), p99: at(0.99) };
}

async function measure(fn: () => unknown): Promise<ReturnType<typeof stats>> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const samples = new Array<number>(N);
  const start = performance.now();
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    await fn();
    samples[i] = performance.now() - t0;
  }
  return stats(samples, performance.now() - start);
}

const ctx: ToolContext = { callId: "bench", agent: "bench", signal: new AbortController().signal, env, host: sys.executor.host, saveUndo: () => {} };
const args = { path: GUEST };

const bare = await measure(() => statSync(HOST));
const direct = await measure(() => tool.execute({ path: GUEST, follow: false }, ctx));
const before = sys.ledger.count();
setSyncing(false);
const pipeline = await measure(() => sys.executor.call({ tool: tool.name, args, agent: "bench" }));
setSyncing(true);
const durable = await measure(() => sys.executor.call({ tool: tool.name, args, agent: "bench" }));
const audited = sys.ledger.count() - before;
const verify = sys.ledger.verify();
await sys.close();
rmSync(dir, { recursive: true, force: true });

if (audited !== 4 * (N + WARMUP)) throw new Error(`expected ${4 * (N + WARMUP)} audit rows, found ${audited}`);
if (!verify.ok) throw new Error(`ledger chain broken after the benchmark: ${JSON.stringify(verify)}`);

const us = (x: number) => x.toFixed(1);
const row = (name: string, r: ReturnType<typeof stats>) => `| ${name} | ${Math.round(r.perSec).toLocaleString("en-US")} | ${us(r.median)} | ${us(r.p99)} | ${(r.median / bare.median).toFixed(1)}× |`;
console.log(`## Tool pipeline: \`${tool.name}\`, ${N.toLocaleString("en-US")} sequential calls after ${WARMUP.toLocaleString("en-US")} warm-up

| path | calls/s | median µs | p99 µs | vs bare statSync |
|---|---:|---:|---:|---:|
${row("bare `fs.statSync`", bare)}
${row(`\`${tool.name}\` execute, no executor`, direct)}
${row("full pipeline, audited (2 ledger rows/call), syncs skipped", pipeline)}
${row("full pipeline, audited, durable (result row on disk before the answer)", durable)}

Pipeline overhead (syncs skipped): **${us(pipeline.median - direct.median)} µs** median per audited call (target ≤ 50 µs), ${us(pipeline.p99 - direct.p99)} µs at p99; **${Math.round(pipeline.perSec).toLocaleString("en-US")} audited calls/s** (target ≥ 5,000). Ledger: ${audited.toLocaleString("en-US")} rows written, chain verified.`);
