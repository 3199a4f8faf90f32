/**
 * `make bench-du`: fs.du's walk against coreutils `du -s -x -B1` over the same
 * generated tree (directories of small files, some hard links), both warm in
 * the page cache, in the same run. fs.du yields to the event loop every 512
 * entries and checks its signal, so PID 1 stays responsive while it walks:
 * the ratio says what that costs against a C walker.
 */
import { linkSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ToolEnv } from "../../src/tools/define";
import { diskUsage } from "../../src/tools/fs/du";

const DIRS = Number(process.env.DIRS ?? 200);
const FILES = Number(process.env.FILES ?? 100);
const RUNS = Number(process.env.RUNS ?? 7);

const dir = realpathSync(mkdtempSync(join(tmpdir(), "aios-bench-du-")));
const root = join(dir, "sandbox");
const tree = join(root, "srv/tree");
for (let d = 0; d < DIRS; d++) {
  const sub = join(tree, `d${d}`, "inner");
  mkdirSync(sub, { recursive: true });
  for (let f = 0; f < FILES; f++) writeFileSync(join(sub, `f${f}`), "x".repeat((f * 37) % 5000));
  linkSync(join(sub, "f1"), join(tree, `d${d}`, "link")); // counted once by both
}
const paths = { data: join(dir, "data"), log: join(dir, "log"), run: join(dir, "run"), secrets: join(dir, "data/secrets") };
const env: ToolEnv = { mode: "dev", root, fsRoots: ["/srv"], paths };
const args = { path: "/srv/tree", depth: 2, limit: 10, oneFilesystem: true };
const signal = new AbortController().signal;

function du(): number {
  const r = Bun.spawnSync(["du", "-s", "-x", "-B1", tree]);
  return Number(r.stdout.toString().split("\t")[0]);
}

async function median(fn: () => unknown): Promise<number> {
  await fn(); // warm the page cache and the JIT
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)]!;
}

const expected = du();
const got = (await diskUsage(env, args, signal)).totalBytes;
if (got !== expected) throw new Error(`fs.du counted ${got} bytes, du ${expected}`);
const base = await median(du);
const ours = await median(() => diskUsage(env, args, signal));
rmSync(dir, { recursive: true, force: true });

const entries = DIRS * (FILES + 2) + DIRS + 1;
console.log(`## fs.du walk: ${entries.toLocaleString("en-US")} entries (${DIRS} directories of ${FILES} files, warm cache), median of ${RUNS}

| walker | median ms | entries/s | vs du |
|---|---:|---:|---:|
| coreutils \`du -s -x -B1\` (spawned) | ${base.toFixed(1)} | ${Math.round((entries / base) * 1000).toLocaleString("en-US")} | 1.0× |
| \`fs.du\` depth 2 (in process, yielding every 512) | ${ours.toFixed(1)} | ${Math.round((entries / ours) * 1000).toLocaleString("en-US")} | ${(ours / base).toFixed(1)}× |

Both count ${expected.toLocaleString("en-US")} allocated bytes.`);
