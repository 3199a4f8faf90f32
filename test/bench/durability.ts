/**
 * `make bench-durability`: what it costs that nothing is acknowledged before
 * it is on disk (issue 12), all measured in one run on one filesystem:
 *
 * - sequential fs.write through the full audited pipeline, durable (where a
 *   journal commit persists what was written before it, as on aios-data:
 *   staged file and ledger written out together, the rename, one flush of
 *   its directory; elsewhere staged file and ledger flushed in parallel,
 *   then the rename and its directory), against a bare durable write (temp
 *   file, fsync, rename, directory fsync: what any crash-safe writer pays)
 *   and against the same pipeline with every sync skipped (the unsynced
 *   path). Overhead = median minus the bare durable write's median (target
 *   ≤ 50 µs); the protocol's syscalls alone (protocol() below) separate the
 *   disk's part from the pipeline's;
 * - 64 concurrent callers, durable fs.write and a durable read (fs.stat: its
 *   result row only), through group commit (target ≥ 5,000 calls/s), against
 *   the same without syncs;
 * - the package installer on nginx's closure (out/build/repo, `make repo`):
 *   durable (syncfs before the renames and before recording) against the
 *   same unpack with syncfs skipped, which is what it wrote before.
 *
 * Where: what an fsync costs depends on the filesystem and how it is
 * mounted, so the calls are measured twice. First on ext4 made and mounted
 * as aios-data is (image.mk's mke2fs, with its journal; noatime), in an image
 * loop-mounted on the build disk (as root, with mke2fs; skipped otherwise):
 * the filesystem aiOS writes to, and the figures the targets are read from.
 * Then on the build tree's own filesystem, whatever it is (here ext4 mounted
 * with `discard`, where freeing a replaced file's blocks costs more).
 */
import { closeSync, constants, copyFileSync, existsSync, fdatasyncSync as fdatasync, mkdirSync, mkdtempSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_FS_ROOTS } from "../../src/config";
import { fdatasyncAsync, fsyncAsync, isSyncing, setSink, setSyncing, syncDir, writeFileDurable, writeOutAsync } from "../../src/sys";
import { commitKeepsWritten, fsyncKeepsNewName } from "../../src/sys/durable/fs-kind";
import type { ToolEnv } from "../../src/tools/define";
import { fsStat, fsWrite } from "../../src/tools/fs";
import { PkgManager, readProvided } from "../../src/tools/pkg/manager";
import { PackageStore } from "../../src/tools/pkg/store";
import { openToolSystem, type ToolSystem } from "../../src/tools/system";

const N = Number(process.env.CALLS ?? 2_000);
const CONCURRENT = 64;
const CONCURRENT_CALLS = Number(process.env.CONCURRENT_CALLS ?? 20_000);
const REPO = join(import.meta.dir, "../../out/build/repo");
const PROVIDED = join(import.meta.dir, "../../out/build/provided");

setSink(() => {});
// On a disk, not /tmp, which may be a tmpfs where fsync costs nothing.
const base = join(import.meta.dir, "../../out/bench");
mkdirSync(base, { recursive: true });
const buildDir = realpathSync(mkdtempSync(join(base, "durability-")));
const cleanups: Array<() => void> = [() => rmSync(buildDir, { recursive: true, force: true })];
process.on("exit", () => {
  for (const c of cleanups.reverse()) c();
});

/** The filesystem at `path`, as /proc/self/mounts has it: type, device, options. */
function mountOf(path: string): string {
  let best = { at: "", line: "" };
  for (const line of readFileSync("/proc/self/mounts", "utf8").split("\n")) {
    const [dev, at, type, opts] = line.split(" ");
    if (at && (path === at || path.startsWith(at === "/" ? "/" : `${at}/`)) && at.length >= best.at.length) best = { at, line: `${type} on ${dev} (${opts})` };
  }
  return best.line;
}

/**
 * A fresh ext4 made and mounted as aios-data is (build/image.mk's mke2fs, with its tables written at
 * once, so no lazy-init thread writes in the background of the figures; storage.ts's noatime), in a
 * loop-mounted image on the build disk; null where that cannot be done.
 */
function aiosDataFs(): string | null {
  if (process.getuid?.() !== 0) return null;
  const img = join(base, "aios-data-bench.img");
  const at = join(base, "aios-data-bench");
  const run = (cmd: string[]) => Bun.spawnSync(cmd, { env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` }, stderr: "pipe" }).exitCode === 0;
  run(["umount", at]); // one a killed run left behind
  rmSync(img, { force: true });
  mkdirSync(at, { recursive: true });
  if (!run(["truncate", "-s", "4G", img]) || !run(["mke2fs", "-q", "-t", "ext4", "-E", "lazy_itable_init=0,lazy_journal_init=0", "-F", img]) || !run(["mount", "-o", "loop,noatime", img, at])) {
    rmSync(img, { force: true });
    return null;
  }
  cleanups.push(() => {
    // Lazily if something still holds it, so no mount outlives the run; then the empty mount point.
    if (run(["umount", at]) || run(["umount", "-l", at])) rmSync(at, { recursive: true, force: true });
    rmSync(img, { force: true });
  });
  return realpathSync(at);
}

async function system(dir: string, name: string): Promise<{ sys: ToolSystem; host: (g: string) => string }> {
  const root = join(dir, name, "sandbox");
  for (const r of DEFAULT_FS_ROOTS) mkdirSync(join(root, r), { recursive: true });
  const paths = { data: join(dir, name, "data"), log: join(dir, name, "log"), run: join(dir, name, "run"), secrets: join(dir, name, "data/secrets") };
  for (const p of Object.values(paths)) mkdirSync(p, { recursive: true });
  mkdirSync(join(root, "srv/bench"), { recursive: true });
  const env: ToolEnv = { mode: "dev", root, fsRoots: [...DEFAULT_FS_ROOTS], paths };
  const sys = await openToolSystem({ ledgerPath: join(paths.data, "ledger/audit.db"), env, level: "full", tools: [fsWrite, fsStat], providers: [] });
  sys.capabilities.declare("bench", ["fs.write", "fs.stat"]);
  return { sys, host: (g) => join(root, g) };
}

interface Stats {
  perSec: number;
  median: number;
  p99: number;
}

function stats(samples: number[], totalMs: number): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 1000;
  return { perSec: (samples.length / totalMs) * 1000, median: at(0.5), p99: at(0.99) };
}

/**
 * Each case's calls, in rounds taken in turn (a, b, c, a, b, c, ...), so a
 * machine whose load changes during the run weighs on every case alike.
 */
async function interleaved(cases: Array<{ fn: (i: number) => unknown; unsynced?: boolean }>, n: number, rounds = 10): Promise<Stats[]> {
  const samples = cases.map(() => [] as number[]);
  const totals = cases.map(() => 0);
  for (const c of cases) for (let i = 0; i < Math.min(200, n); i++) await run(c, i); // warm-up
  const per = Math.ceil(n / rounds);
  for (let r = 0; r < rounds; r++) {
    for (const [ci, c] of cases.entries()) {
      const start = performance.now();
      for (let i = r * per; i < Math.min(n, (r + 1) * per); i++) {
        const t0 = performance.now();
        await run(c, i);
        samples[ci]!.push(performance.now() - t0);
      }
      totals[ci]! += performance.now() - start;
    }
  }
  return samples.map((s, i) => stats(s, totals[i]!));
}

async function run(c: { fn: (i: number) => unknown; unsynced?: boolean }, i: number): Promise<void> {
  if (!c.unsynced) return void (await c.fn(i));
  setSyncing(false);
  try {
    await c.fn(i);
  } finally {
    setSyncing(true);
  }
}

/** `total` calls from CONCURRENT callers at once, in rounds taken in turn as above. */
async function concurrent(cases: Array<{ fn: (i: number) => Promise<unknown>; unsynced?: boolean }>, total: number, rounds = 5): Promise<Stats[]> {
  const samples = cases.map(() => [] as number[]);
  const totals = cases.map(() => 0);
  const burst = async (c: (typeof cases)[number], from: number, to: number, into?: number[]) => {
    let next = from;
    setSyncing(!c.unsynced);
    try {
      await Promise.all(
        Array.from({ length: CONCURRENT }, async () => {
          while (next < to) {
            const i = next++;
            const t0 = performance.now();
            await c.fn(i);
            into?.push(performance.now() - t0);
          }
        }),
      );
    } finally {
      setSyncing(true);
    }
  };
  for (const c of cases) await burst(c, 0, CONCURRENT * 4); // warm-up
  const per = Math.ceil(total / rounds);
  for (let r = 0; r < rounds; r++) {
    for (const [ci, c] of cases.entries()) {
      const start = performance.now();
      await burst(c, r * per, Math.min(total, (r + 1) * per), samples[ci]);
      totals[ci]! += performance.now() - start;
    }
  }
  return samples.map((s, i) => stats(s, totals[i]!));
}

/** Runs `fn` with syncs skipped: the same code as before durability, for the baseline. */
async function unsynced<T>(fn: () => Promise<T>): Promise<T> {
  setSyncing(false);
  try {
    return await fn();
  } finally {
    setSyncing(true);
  }
}

const CONTENT = "server {\n  listen 80;\n  location / { proxy_pass http://127.0.0.1:9090; }\n}\n";
const write = (sys: ToolSystem, i: number, files: number) => sys.executor.call({ tool: "fs.write", args: { path: `/srv/bench/f${i % files}.conf`, content: CONTENT }, agent: "bench" });
const stat = (sys: ToolSystem) => sys.executor.call({ tool: "fs.stat", args: { path: "/srv/bench" }, agent: "bench" });

/**
 * The durable write's disk protocol alone, with none of the pipeline's work:
 * a log append the size of one call's (four 4 KiB pages and their frame
 * headers, into a log grown once and then overwritten from its start, as
 * SQLite's WAL after a checkpoint) and a staged file, then the rename and its
 * directory's flush. Where one journal commit persists what was written
 * before it (fs-kind.ts commitKeepsWritten), as the executor does there: log
 * and staged file written out to the disk (no flush), the rename, one flush.
 * Elsewhere: the log flushed beside the staged file (and its spool
 * directory, where an fsync does not keep a new name), then the rename and
 * its directory. What is left between this and the audited write is the
 * pipeline's cost.
 */
function protocol(dir: string): { call: (i: number) => Promise<void>; close: () => void; ordered: boolean } {
  const spool = join(dir, "spool");
  const target = join(dir, "target");
  mkdirSync(spool);
  mkdirSync(target);
  const LOG = 4 << 20;
  const frames = Buffer.alloc(4 * (4096 + 24), 1);
  const log = openSync(join(dir, "log"), "w+");
  writeSync(log, Buffer.alloc(LOG + frames.length), 0, LOG + frames.length, 0);
  fdatasync(log);
  let at = 0;
  const dev = statSync(dir).dev;
  const keepsName = fsyncKeepsNewName(dev);
  const ordered = commitKeepsWritten(dev);
  const call = async (i: number) => {
    writeSync(log, frames, 0, frames.length, at);
    at = (at + frames.length) % LOG;
    const tmp = join(spool, `p${i}`);
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
    try {
      writeSync(fd, CONTENT);
      if (ordered) await writeOutAsync([log, fd], "protocol");
      else await Promise.all([fdatasyncAsync(log), fsyncAsync(fd), keepsName ? null : syncDir(spool)]);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(target, `f${i % 100}.conf`));
    await syncDir(target);
  };
  return { call, close: () => closeSync(log), ordered };
}

// ---- sequential, then 64 concurrent callers ------------------------------------------
interface Figures {
  where: string;
  /** The one-flush protocol (fs-kind.ts commitKeepsWritten) applies here. */
  ordered: boolean;
  bare: Stats;
  seqProtocol: Stats;
  seqUnsynced: Stats;
  seqDurable: Stats;
  seqReadDurable: Stats;
  conUnsynced: Stats;
  conDurable: Stats;
  conReadUnsynced: Stats;
  conReadDurable: Stats;
}

async function measure(dir: string): Promise<Figures> {
  const bareDir = join(dir, "bare");
  mkdirSync(bareDir);
  mkdirSync(join(dir, "protocol"));
  const protocolCall = protocol(join(dir, "protocol"));
  const off = await system(dir, "unsynced");
  const on = await system(dir, "durable");
  const [bare, seqProtocol, seqUnsynced, seqDurable, seqReadDurable] = (await interleaved(
    [
      { fn: (i) => writeFileDurable(join(bareDir, `f${i % 100}.conf`), CONTENT) },
      { fn: protocolCall.call },
      { fn: (i) => write(off.sys, i, 100), unsynced: true },
      { fn: (i) => write(on.sys, i, 100) },
      { fn: () => stat(on.sys) },
    ],
    N,
  )) as [Stats, Stats, Stats, Stats, Stats];
  protocolCall.close(); // nothing left open on the filesystem, which is unmounted at exit
  const [conUnsynced, conDurable, conReadUnsynced, conReadDurable] = (await concurrent(
    [
      { fn: (i) => write(off.sys, i, 1000), unsynced: true },
      { fn: (i) => write(on.sys, i, 1000) },
      { fn: () => stat(off.sys), unsynced: true },
      { fn: () => stat(on.sys) },
    ],
    CONCURRENT_CALLS,
  )) as [Stats, Stats, Stats, Stats];

  for (const s of [on, off]) {
    const v = s.sys.ledger.verify();
    if (!v.ok) throw new Error(`ledger chain broken after the benchmark: ${JSON.stringify(v)}`);
  }
  const last = await on.sys.executor.call({ tool: "fs.write", args: { path: "/srv/bench/check", content: "last" }, agent: "bench" });
  if (readFileSync(on.host("/srv/bench/check"), "utf8") !== "last" || last.status !== "done") throw new Error("the durable write did not land");
  await on.sys.close();
  await off.sys.close();
  if (!isSyncing()) throw new Error("syncs left off");
  return { where: mountOf(dir), ordered: protocolCall.ordered, bare, seqProtocol, seqUnsynced, seqDurable, seqReadDurable, conUnsynced, conDurable, conReadUnsynced, conReadDurable };
}

const dataFs = aiosDataFs();
const onData = dataFs ? await measure(realpathSync(mkdtempSync(join(dataFs, "durability-")))) : null;
const onBuild = await measure(buildDir);

// ---- the installer on nginx's closure ----------------------------------------------
async function installNginx(sync: boolean): Promise<{ ms: number; files: number; packages: number }> {
  const d = join(dataFs ?? buildDir, `nginx-${sync ? "durable" : "unsynced"}`);
  const root = join(d, "root");
  for (const p of ["usr/bin", "usr/sbin", "usr/lib/x86_64-linux-gnu", "usr/lib64", "etc/aios/pkg", "var/log", "run", "tmp"]) mkdirSync(join(root, p), { recursive: true });
  for (const [link, to] of [["bin", "usr/bin"], ["sbin", "usr/sbin"], ["lib", "usr/lib"], ["lib64", "usr/lib64"]]) symlinkSync(to!, join(root, link!));
  for (const f of ["passwd", "group"]) copyFileSync(join(import.meta.dir, "../../rootfs/etc", f), join(root, "etc", f));
  const store = PackageStore.open(join(d, "working.db"));
  const pkg = new PkgManager(store, {
    repositories: [{ url: `file://${REPO}`, suite: "bookworm", components: ["main"] }],
    architecture: "amd64",
    cacheDir: join(d, "cache"),
    timeoutMs: 60_000,
    provided: readProvided(PROVIDED),
  });
  // The .debs fetched and verified into the cache first: the figure is the unpack.
  await pkg.install(["nginx"], { root, callId: "warm", lenientOwners: process.getuid?.() !== 0 }, { dryRun: true });
  const t0 = performance.now();
  const r = sync
    ? await pkg.install(["nginx"], { root, callId: "bench", lenientOwners: process.getuid?.() !== 0 })
    : await unsynced(() => pkg.install(["nginx"], { root, callId: "bench", lenientOwners: process.getuid?.() !== 0 }));
  const ms = performance.now() - t0;
  store.close();
  return { ms, files: r.installed.reduce((n, p) => n + (p.files ?? 0), 0), packages: r.installed.length };
}
const haveRepo = existsSync(REPO) && existsSync(PROVIDED);
const nginxUnsynced = haveRepo ? await installNginx(false) : null;
const nginxDurable = haveRepo ? await installNginx(true) : null;

// ---- report ----------------------------------------------------------------------------
const us = (x: number) => x.toFixed(1);
const k = (x: number) => Math.round(x).toLocaleString("en-US");
const row = (name: string, r: Stats, ref: Stats) => `| ${name} | ${k(r.perSec)} | ${us(r.median)} | ${us(r.p99)} | ${(r.median / ref.median).toFixed(2)}× |`;
const tables = (f: Figures) => `### Sequential, ${N.toLocaleString("en-US")} calls each (one caller)

| path | calls/s | median µs | p99 µs | vs bare durable write |
|---|---:|---:|---:|---:|
${row("bare durable write (temp file, fsync, rename, directory fsync)", f.bare, f.bare)}
${row(f.ordered ? "the durable write's disk protocol alone (a log append and the staged file written out, the rename, one flush of the directory; no pipeline)" : "the durable write's disk protocol alone (a log append flushed beside the staged file, then the rename and its directory; no pipeline)", f.seqProtocol, f.bare)}
${row("audited \`fs.write\`, syncs skipped (the unsynced path)", f.seqUnsynced, f.bare)}
${row("audited \`fs.write\`, durable (request, undo and result rows + file + rename on disk before the answer)", f.seqDurable, f.bare)}
${row("audited \`fs.stat\`, durable (its result row on disk before the answer)", f.seqReadDurable, f.bare)}

Durable audited \`fs.write\` over the bare durable write: **${us(f.seqDurable.median - f.bare.median)} µs** median (target ≤ 50 µs). The protocol alone is ${us(f.seqProtocol.median - f.bare.median)} µs over it (${f.ordered ? "one flush where the bare write pays two: here a journal commit persists what was written before it" : "the log's flush beside the file's: this filesystem has no journal whose commit would persist both"}), the rest is the pipeline's work; durability costs ${(f.seqDurable.median / f.seqUnsynced.median).toFixed(1)}× the unsynced path's median.

### ${CONCURRENT} concurrent callers, ${CONCURRENT_CALLS.toLocaleString("en-US")} calls each (group commit)

| path | calls/s | median µs | p99 µs | vs unsynced |
|---|---:|---:|---:|---:|
| audited \`fs.write\`, syncs skipped | ${k(f.conUnsynced.perSec)} | ${us(f.conUnsynced.median)} | ${us(f.conUnsynced.p99)} | 1.00× |
| audited \`fs.write\`, durable | ${k(f.conDurable.perSec)} | ${us(f.conDurable.median)} | ${us(f.conDurable.p99)} | ${(f.conDurable.perSec / f.conUnsynced.perSec).toFixed(2)}× |
| audited \`fs.stat\`, syncs skipped | ${k(f.conReadUnsynced.perSec)} | ${us(f.conReadUnsynced.median)} | ${us(f.conReadUnsynced.p99)} | 1.00× |
| audited \`fs.stat\`, durable | ${k(f.conReadDurable.perSec)} | ${us(f.conReadDurable.median)} | ${us(f.conReadDurable.p99)} | ${(f.conReadDurable.perSec / f.conReadUnsynced.perSec).toFixed(2)}× |

Durable audited \`fs.write\` with ${CONCURRENT} callers: **${k(f.conDurable.perSec)} calls/s** (target ≥ 5,000); durable reads: **${k(f.conReadDurable.perSec)} calls/s**.`;

console.log(`## Durability: nothing acknowledged before it is on disk

${
  onData
    ? `On ext4 made and mounted as aios-data is (build/image.mk's mke2fs, journal, noatime), a loop-mounted image on the build disk: ${onData.where}. The targets are read here.

${tables(onData)}

## Durability, on the build tree's own filesystem

${onBuild.where}. The same calls; figures only, for comparison.

${tables(onBuild)}`
    : `_No aios-data-like filesystem (needs root and mke2fs): on the build tree's filesystem, ${onBuild.where}._

${tables(onBuild)}`
}

### Package installer, nginx's closure

${
  nginxDurable && nginxUnsynced
    ? `| unpack | ms | vs unsynced |
|---|---:|---:|
| syncfs skipped (what it wrote before) | ${Math.round(nginxUnsynced.ms)} | 1.00× |
| durable (staged, syncfs, renames, syncfs, recorded) | ${Math.round(nginxDurable.ms)} | ${(nginxDurable.ms / nginxUnsynced.ms).toFixed(2)}× |

${nginxDurable.packages} packages, ${nginxDurable.files} files, .debs already in the cache; on the first filesystem above.`
    : "_skipped: no out/build/repo (run \`make repo\`)_"
}`);
