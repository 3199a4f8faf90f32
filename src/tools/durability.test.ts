/**
 * Nothing acknowledged before it is durable, seen from the kernel: a real
 * executor with a real ledger runs in a child under strace, and the system
 * calls between a call's start and its answer must show the whole protocol:
 * for fs.write the ledger's write-ahead log (the result, with its plan of
 * renames) and the staged file, content and name, fsynced before its rename,
 * and the target's directory fsynced after it, all before the answer; for a
 * read the log fdatasynced before the answer. (A power cut keeps only what
 * was synced: test/vm/powercut.test.ts cuts the power.)
 * Skipped where strace or ptrace is not available.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { commitKeepsWritten, fsyncKeepsNewName } from "../sys/durable/fs-kind";

const SRC = join(import.meta.dir, "..");
const dir = realpathSync(mkdtempSync(join(tmpdir(), "aios-durability-")));
/** Unmounts what loopExt4() mounted: before the directory it is in is removed. */
const unmount: Array<() => void> = [];
afterAll(() => {
  for (const u of unmount) u();
  if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
});

/**
 * A small loop-mounted ext4, with its journal (as aios-data is: one journal
 * commit persists what was written before it, fs-kind.ts commitKeepsWritten,
 * and the executor takes its one-flush protocol there) or without (the
 * two-phase protocol). Null where it cannot be made (not root, no mke2fs, no
 * loop devices).
 */
function loopExt4(journal: boolean): string | null {
  if (process.getuid?.() !== 0) return null;
  const name = journal ? "ext4" : "ext4-nojournal";
  const img = join(dir, `${name}.img`);
  const at = join(dir, name);
  const run = (cmd: string[]) => {
    try {
      return Bun.spawnSync(cmd, { env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` }, stderr: "pipe", stdout: "pipe" }).exitCode === 0;
    } catch {
      return false;
    }
  };
  mkdirSync(at);
  const format = ["mke2fs", "-q", "-t", "ext4", ...(journal ? [] : ["-O", "^has_journal"]), "-F", img];
  if (!run(["truncate", "-s", "64M", img]) || !run(format) || !run(["mount", "-o", "loop,noatime", img, at])) return null;
  unmount.push(() => void (run(["umount", at]) || run(["umount", "-l", at])));
  return at;
}

const canTrace = (() => {
  try {
    return Bun.spawnSync(["strace", "-f", "-o", "/dev/null", "true"]).exitCode === 0;
  } catch {
    return false;
  }
})();

const SCRIPT = `
import { mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { setSink } from ${JSON.stringify(join(SRC, "sys"))};
import { fsStat, fsWrite } from ${JSON.stringify(join(SRC, "tools/fs"))};
import { openToolSystem } from ${JSON.stringify(join(SRC, "tools/system"))};
setSink(() => {});
const dir = process.argv[2];
const root = join(dir, "sandbox");
mkdirSync(join(root, "srv"), { recursive: true });
const paths = { data: join(dir, "data"), log: join(dir, "log"), run: join(dir, "run"), secrets: join(dir, "data/secrets") };
for (const p of Object.values(paths)) mkdirSync(p, { recursive: true });
const env = { mode: "dev", root, fsRoots: ["/srv"], paths };
const sys = await openToolSystem({ ledgerPath: join(dir, "data/ledger/audit.db"), env, level: "full", tools: [fsWrite, fsStat], providers: [] });
sys.capabilities.declare("t", ["fs.write", "fs.stat"]);
const marks = openSync(join(dir, "marks"), "w"); // a plain write(2) strace shows in place
await sys.executor.call({ tool: "fs.stat", args: { path: "/srv" }, agent: "t" }); // warm: the log exists
await sys.executor.call({ tool: "fs.write", args: { path: "/srv/warm.conf", content: "warm" }, agent: "t" }); // and the staging spool
for (const [mark, tool, args] of [["WRITE", "fs.write", { path: "/srv/x.conf", content: "durable" }], ["READ", "fs.stat", { path: "/srv/x.conf" }]]) {
  writeSync(marks, mark + "-BEGIN\\n");
  await sys.executor.call({ tool, args, agent: "t" });
  writeSync(marks, mark + "-ACK\\n");
}
// Calls in flight together: results in one commit, staged files made durable by shared flushes.
writeSync(marks, "BURST-BEGIN\\n");
await Promise.all(Array.from({ length: 8 }, (_, i) => sys.executor.call({ tool: "fs.write", args: { path: "/srv/b" + i + ".conf", content: "burst " + i }, agent: "t" })));
writeSync(marks, "BURST-ACK\\n");
await sys.close();
`;

interface Sys {
  name: string;
  args: string;
  /** Line index of the call's completion. */
  at: number;
  /** Line index of its start (the same line unless strace split it). */
  start: number;
  ret: string;
  /** The path behind the fd argument, at the time of the call. */
  path?: string;
}

/** Parses `strace -f` output into completed calls in completion order, resolving fds to paths. */
function parse(text: string): Sys[] {
  const fds = new Map<string, string>();
  const open = new Map<string, { name: string; args: string; start: number }>(); // pid → unfinished call
  const out: Sys[] = [];
  text.split("\n").forEach((line, i) => {
    let m = /^(\d+) +(\w+)\((.*) <unfinished \.\.\.>$/.exec(line);
    if (m) return void open.set(m[1]!, { name: m[2]!, args: m[3]!, start: i });
    let name: string;
    let args: string;
    let ret: string;
    let start = i;
    m = /^(\d+) +<\.\.\. (\w+) resumed>(.*)\) += (.*)$/.exec(line);
    if (m) {
      const begun = open.get(m[1]!);
      open.delete(m[1]!);
      name = m[2]!;
      args = (begun?.args ?? "") + m[3]!;
      ret = m[4]!;
      start = begun?.start ?? i;
    } else {
      m = /^(\d+) +(\w+)\((.*)\) += (.*)$/.exec(line);
      if (!m) return;
      [name, args, ret] = [m[2]!, m[3]!, m[4]!];
    }
    const fd = /^(\d+)/.exec(args)?.[1];
    const call: Sys = { name, args, at: i, start, ret, path: fd ? fds.get(fd) : undefined };
    if (name === "openat" && /^\d+/.test(ret)) fds.set(/^\d+/.exec(ret)![0], /"([^"]*)"/.exec(args)?.[1] ?? "?");
    if (name === "close" && fd) fds.delete(fd);
    out.push(call);
  });
  return out;
}

/** Where SCRIPT wrote a mark; the calls between two of them. */
const mark = (calls: Sys[], text: string) => calls.findIndex((c) => c.name === "write" && c.args.includes(`"${text}\\n"`));
const between = (calls: Sys[], from: string, to: string) => calls.slice(mark(calls, from) + 1, mark(calls, to));

/** In the burst's span, each of its eight files: its rename, its temporary name, and the last write to that name before the rename. */
function burst(span: Sys[], srv: string): Array<{ rename: number; tmp: string; written: number }> {
  return Array.from({ length: 8 }, (_, i) => {
    const rename = span.findIndex((c) => c.name.startsWith("rename") && c.args.includes(`"${join(srv, `b${i}.conf`)}"`));
    expect(rename).toBeGreaterThanOrEqual(0);
    const tmp = /"([^"]+)"/.exec(span[rename]!.args)![1]!;
    const written = span.findLastIndex((c, k) => k < rename && c.name === "write" && c.path === tmp);
    expect(written).toBeGreaterThanOrEqual(0);
    return { rename, tmp, written };
  });
}

/** Runs SCRIPT under strace with its state in `base`, and parses what it did. */
function traced(base: string): { run: { exitCode: number; stderr: Buffer }; calls: Sys[] } {
  const script = join(base, "run.ts");
  writeFileSync(script, SCRIPT);
  const trace = join(base, "trace.txt");
  const run = Bun.spawnSync(["strace", "-f", "-qq", "-e", "trace=openat,close,fsync,fdatasync,syncfs,sync_file_range,rename,renameat,renameat2,write", "-o", trace, process.execPath, script, join(base, "state")], { stderr: "pipe", stdout: "pipe" });
  return { run: { exitCode: run.exitCode, stderr: run.stderr ?? Buffer.alloc(0) }, calls: run.exitCode === 0 ? parse(readFileSync(trace, "utf8")) : [] };
}

// The two-phase protocol: in this host's temporary directory, or where a journal's commit there would
// give the one-flush protocol instead, on an ext4 without one.
const twoPhase = !canTrace ? null : !commitKeepsWritten(statSync(dir).dev) ? dir : loopExt4(false);

// Skipped where strace is not available, or where the temporary directory keeps written pages at a commit and no ext4 without a journal can be mounted.
describe.skipIf(twoPhase === null)("nothing is answered before it is on disk (strace)", () => {
  const base = twoPhase as string;
  const { run, calls } = traced(base);
  const synced = (c: Sys) => (c.name === "fsync" || c.name === "fdatasync" || c.name === "syncfs") && c.ret === "0";
  /** A flush of `path` itself, or of its whole filesystem (syncfs: the sandbox is on one), begun after line `after` and done before line `before`. */
  const flushed = (span: Sys[], path: string, after: number, before: number) =>
    span.some((c) => synced(c) && (c.path === path || c.name === "syncfs") && c.start > after && c.at < before);

  test("the child ran", () => {
    expect(run.stderr.toString()).toBe("");
    expect(run.exitCode).toBe(0);
    expect(mark(calls, "WRITE-ACK")).toBeGreaterThan(mark(calls, "WRITE-BEGIN"));
  });

  test("fs.write: ledger and staged file synced, renamed into place, directory synced, then the answer", () => {
    const span = between(calls, "WRITE-BEGIN", "WRITE-ACK");
    const target = join(base, "state/sandbox/srv/x.conf");
    const rename = span.findIndex((c) => c.name.startsWith("rename") && c.args.includes(`"${target}"`));
    expect(rename).toBeGreaterThanOrEqual(0);
    const tmp = /"([^"]+)"/.exec(span[rename]!.args)![1]!;
    expect(span.slice(0, rename).some((c) => synced(c) && c.path === tmp)).toBe(true); // content on disk before the rename
    // Its name too: its directory flushed, or a filesystem whose fsync of a new file keeps its name (fs-kind.ts).
    const nameKept = fsyncKeepsNewName(statSync(base).dev) || span.slice(0, rename).some((c) => synced(c) && c.path === dirname(tmp));
    expect(nameKept).toBe(true);
    const wal = span.findIndex((c) => synced(c) && c.path?.endsWith("audit.db-wal"));
    expect(wal).toBeGreaterThanOrEqual(0);
    expect(wal).toBeLessThan(rename); // the result row (and the plan) is durable before the file is put in place
    expect(span.slice(rename).some((c) => synced(c) && c.path === join(base, "state/sandbox/srv"))).toBe(true); // the rename on disk before the answer
  });

  test("calls in flight together: each staged file synced after it was written and before its rename, the ledger synced before any, the directory after all, then the answers", () => {
    const span = between(calls, "BURST-BEGIN", "BURST-ACK");
    const files = burst(span, join(base, "state/sandbox/srv"));
    for (const { rename: r, tmp, written } of files) {
      expect(flushed(span, tmp, span[written]!.at, span[r]!.start)).toBe(true);
      expect(span.slice(0, r).some((c) => synced(c) && c.path?.endsWith("audit.db-wal"))).toBe(true);
    }
    const last = Math.max(...files.map((f) => span[f.rename]!.at));
    expect(flushed(span, join(base, "state/sandbox/srv"), last, Number.POSITIVE_INFINITY)).toBe(true);
    // Shared: the eight files and their renames waited on fewer filesystem flushes than there are files.
    const flushes = span.filter((c) => c.name === "syncfs" && synced(c)).length;
    expect(flushes).toBeGreaterThan(0);
    expect(flushes).toBeLessThan(8);
  });

  test("a read: its result row synced before the answer", () => {
    expect(between(calls, "READ-BEGIN", "READ-ACK").some((c) => synced(c) && c.path?.endsWith("audit.db-wal"))).toBe(true);
  });
});

const ext4 = canTrace ? loopExt4(true) : null;

// Skipped where strace, or a loop-mounted ext4 (root, mke2fs, a loop device), is not available.
describe.skipIf(ext4 === null)("on ext4 with its journal: one flush, a journal commit after the renames, before the answer (strace)", () => {
  const base = ext4 as string;
  const { run, calls } = traced(base);
  const flush = (c: Sys) => (c.name === "fsync" || c.name === "fdatasync" || c.name === "syncfs") && c.ret === "0";
  /** sync_file_range(fd, 0, 0, WAIT_BEFORE|WRITE|WAIT_AFTER): the file's pages written to the disk and waited for. */
  const writtenOut = (c: Sys) => c.name === "sync_file_range" && /SYNC_FILE_RANGE_WAIT_BEFORE\|SYNC_FILE_RANGE_WRITE\|SYNC_FILE_RANGE_WAIT_AFTER|, 7\)?$/.test(c.args) && c.ret === "0";
  const srv = join(base, "state/sandbox/srv");

  test("the child ran, on a filesystem whose journal commit keeps what was written before it", () => {
    expect(run.stderr.toString()).toBe("");
    expect(run.exitCode).toBe(0);
    expect(commitKeepsWritten(statSync(base).dev)).toBe(true);
  });

  test("fs.write: the result and the staged file written out, then the rename, then one flush (the directory's), then the answer", () => {
    const span = between(calls, "WRITE-BEGIN", "WRITE-ACK");
    const rename = span.findIndex((c) => c.name.startsWith("rename") && c.args.includes(`"${join(srv, "x.conf")}"`));
    expect(rename).toBeGreaterThanOrEqual(0);
    const tmp = /"([^"]+)"/.exec(span[rename]!.args)![1]!;
    const before = span.slice(0, rename);
    const written = before.findLastIndex((c) => c.name === "write" && c.path === tmp);
    expect(written).toBeGreaterThanOrEqual(0);
    expect(before.slice(written).some((c) => writtenOut(c) && c.path === tmp)).toBe(true);
    expect(before.some((c) => writtenOut(c) && c.path?.endsWith("audit.db-wal"))).toBe(true);
    // The anchor of the ledger's head is written in the background (memory/anchor.ts), on no call's path.
    const onPath = (c: Sys) => flush(c) && !c.path?.endsWith("audit.anchor");
    expect(before.filter(onPath)).toEqual([]); // no flush before the rename
    const after = span.slice(rename + 1);
    expect(after.filter(onPath).map((c) => c.path)).toEqual([srv]); // one: the journal commit that carries the rename and what was written before it
  });

  test("calls in flight together: every staged file and the result written out before its rename, the directory flushed after all, then the answers", () => {
    const span = between(calls, "BURST-BEGIN", "BURST-ACK");
    const files = burst(span, srv);
    for (const { rename: r, tmp, written } of files) {
      expect(span.some((c) => writtenOut(c) && c.path === tmp && c.start > span[written]!.at && c.at < span[r]!.start)).toBe(true);
      expect(span.slice(0, r).some((c) => writtenOut(c) && c.path?.endsWith("audit.db-wal"))).toBe(true);
    }
    const last = Math.max(...files.map((f) => span[f.rename]!.at));
    expect(span.some((c) => flush(c) && c.path === srv && c.start > last)).toBe(true);
  });

  test("a read: its result row flushed before the answer", () => {
    expect(between(calls, "READ-BEGIN", "READ-ACK").some((c) => flush(c) && c.path?.endsWith("audit.db-wal"))).toBe(true);
  });
});
