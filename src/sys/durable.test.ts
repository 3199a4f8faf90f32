import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { noteFlush } from "./durable/group";
import { join } from "node:path";
import {
  appendFileDurable,
  clearSpool,
  copyFileDurable,
  GroupCommit,
  mayBlock,
  mkdirDurable,
  pendingAt,
  redoStaged,
  removeDurable,
  renameDurable,
  SlotFile,
  Staging,
  symlinkDurable,
  syncDir,
  syncTree,
  tempNameFor,
  writeOutAsync,
  writeFileDurable,
} from "./durable";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "durable-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("writeFileDurable", () => {
  test("creates a file with the content and mode asked, leaving no temporary file", () => {
    const p = join(dir, "a.conf");
    writeFileDurable(p, "hello\n", { mode: 0o600 });
    expect(readFileSync(p, "utf8")).toBe("hello\n");
    expect(statSync(p).mode & 0o7777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["a.conf"]);
  });

  test("replacing keeps the old file's mode unless told otherwise", () => {
    const p = join(dir, "b");
    writeFileSync(p, "old");
    chmodSync(p, 0o640);
    writeFileDurable(p, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(p)]).toEqual([1, 2, 3]);
    expect(statSync(p).mode & 0o7777).toBe(0o640);
  });

  test("a failure leaves the target as it was and removes the temporary file", () => {
    const p = join(dir, "missing-dir", "c");
    expect(() => writeFileDurable(p, "x")).toThrow();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("the other durable operations", () => {
  test("append creates, then appends", () => {
    const p = join(dir, "log");
    appendFileDurable(p, "one\n");
    appendFileDurable(p, "two\n");
    expect(readFileSync(p, "utf8")).toBe("one\ntwo\n");
  });

  test("mkdir -p, rename and remove", () => {
    const d = join(dir, "x", "y", "z");
    mkdirDurable(d);
    mkdirDurable(d); // already there
    writeFileDurable(join(d, "f"), "1");
    renameDurable(join(d, "f"), join(dir, "g"));
    expect(readFileSync(join(dir, "g"), "utf8")).toBe("1");
    removeDurable(join(dir, "x"));
    expect(readdirSync(dir)).toEqual(["g"]);
  });
});

describe("temporary names", () => {
  test("a leftover temporary file of an earlier boot never blocks a write (names are random, not pid and counter)", () => {
    const p = join(dir, "conf");
    const names = new Set(Array.from({ length: 100 }, () => tempNameFor(p)));
    expect(names.size).toBe(100);
    for (const n of names) writeFileSync(n, "left by a crash");
    writeFileDurable(p, "fresh");
    expect(readFileSync(p, "utf8")).toBe("fresh");
  });
});

describe("copies, links and trees", () => {
  test("copyFileDurable, symlinkDurable (replacing atomically) and syncTree", () => {
    writeFileSync(join(dir, "a"), "A");
    copyFileDurable(join(dir, "a"), join(dir, "b"), 0o600);
    expect(readFileSync(join(dir, "b"), "utf8")).toBe("A");
    expect(statSync(join(dir, "b")).mode & 0o777).toBe(0o600);
    symlinkDurable("a", join(dir, "l"));
    symlinkDurable("b", join(dir, "l"));
    expect(readlinkSync(join(dir, "l"))).toBe("b");
    mkdirSync(join(dir, "t/u"), { recursive: true });
    writeFileSync(join(dir, "t/u/f"), "x");
    symlinkSync("f", join(dir, "t/u/dangling-is-fine"));
    syncTree(join(dir, "t"));
    expect(readdirSync(dir).sort()).toEqual(["a", "b", "l", "t"]);
  });
});

describe("GroupCommit", () => {
  test("concurrent waiters share flushes; one that arrives during a flush waits for the next", async () => {
    let flushes = 0;
    let release!: () => void;
    const g = new GroupCommit(async () => {
      flushes++;
      await new Promise<void>((r) => (release = r));
    });
    const first = g.wait();
    expect(flushes).toBe(1); // started by the first waiter, at once
    let lateDone = false;
    const late = Array.from({ length: 63 }, () => g.wait());
    void Promise.all(late).then(() => (lateDone = true));
    release();
    await first;
    await Bun.sleep(1);
    expect(lateDone).toBe(false); // the first flush began before they came: it does not answer them
    expect(flushes).toBe(2);
    release();
    await Promise.all(late);
    expect(flushes).toBe(2);
  });

  test("a failed flush rejects its waiters; the next flush is tried again", async () => {
    let n = 0;
    const g = new GroupCommit(async () => {
      if (n++ === 0) throw new Error("EIO");
    });
    await expect(g.wait()).rejects.toThrow("EIO");
    await g.wait();
  });

  test("syncDir: sixty-four callers on one directory", async () => {
    await Promise.all(Array.from({ length: 64 }, () => syncDir(dir)));
  });

  test("what a flush resolves with is every waiter's", async () => {
    let n = 0;
    const g = new GroupCommit(async () => {
      await Bun.sleep(1);
      return ++n;
    });
    // The first starts a flush at once; the two arriving during it share the next.
    expect(await Promise.all([g.wait(), g.wait(), g.wait()])).toEqual([1, 2, 2]);
  });

  test("mayBlock: a lone caller may wait on its own thread only while the last flush was quick", () => {
    noteFlush(0.4);
    expect(mayBlock()).toBe(true);
    noteFlush(25); // a slow disk: everyone to the pool
    expect(mayBlock()).toBe(false);
    noteFlush(0.7); // quick again
    expect(mayBlock()).toBe(true);
  });
});

describe("SlotFile", () => {
  test("keeps the newest write across reopening; a torn newest slot falls back to the older one", async () => {
    const p = join(dir, "anchor");
    const f = SlotFile.open(p);
    expect(f.read()).toBeNull();
    await f.write("one");
    await f.write("two");
    f.writeSync("three");
    await f.close();
    expect(statSync(p).size).toBe(1024);
    expect(SlotFile.open(p).read()).toBe("three");
    // A power cut in the middle of the next write: that slot is garbage.
    const g = SlotFile.open(p);
    g.closeSync();
    const buf = readFileSync(p);
    const newest = buf.indexOf("three") < 512 ? 0 : 512;
    buf.fill(0x41, newest + 10, newest + 40);
    writeFileSync(p, buf);
    expect(SlotFile.open(p).read()).toBe("two");
  });

  test("refuses a payload that is not one short line", () => {
    const f = SlotFile.open(join(dir, "s"));
    expect(() => f.writeSync("a\nb")).toThrow("one line");
    expect(() => f.writeSync("x".repeat(600))).toThrow("must fit");
    f.closeSync();
  });
});

describe("Staging", () => {
  test.each([false, true])("files are staged in the spool, in place at commit, pending until their directory is flushed; nothing left behind (flushed with the whole filesystem: %p)", async (shared) => {
    const spool = join(dir, "spool");
    const target = join(dir, `app${shared ? 2 : 1}.conf`);
    writeFileSync(target, "old");
    chmodSync(target, 0o640);
    const s = new Staging(`c7${shared}`, spool);
    s.write(target, "new");
    expect(s.plan).toEqual([{ tmp: join(spool, `c7${shared}.0`), target, sha256: new Bun.CryptoHasher("sha256").update("new").digest("hex") }]);
    expect(readFileSync(target, "utf8")).toBe("old"); // not in place before commit
    const waiting = pendingAt(dir);
    expect(waiting).toBeDefined();
    expect(pendingAt(join(dir, "elsewhere"))).toBeUndefined();
    await s.prepare(shared);
    s.commit();
    expect(readFileSync(target, "utf8")).toBe("new"); // in place at commit
    expect(pendingAt(target)).toBeDefined(); // until its directory is flushed
    await s.settle(shared);
    await waiting;
    expect(statSync(target).mode & 0o777).toBe(0o640);
    expect(readdirSync(spool)).toEqual([]);
    expect(pendingAt(target)).toBeUndefined();
  });

  test.skipIf(process.getuid?.() !== 0).each([false, true])("a staged file keeps the target's owner, set-id bits and a given mtime (flushed with the whole filesystem: %p)", async (shared) => {
    const target = join(dir, `owned${shared ? 2 : 1}`);
    writeFileSync(target, "old");
    chownSync(target, 4321, 4322);
    chmodSync(target, 0o2750);
    const s = new Staging(`c12${shared}`, join(dir, "spool"));
    s.write(target, "new", { mtimeMs: 1_000_000_000_000 });
    await s.prepare(shared);
    s.commit();
    await s.settle(shared);
    const st = statSync(target);
    expect([st.uid, st.gid, st.mode & 0o7777, st.mtimeMs, readFileSync(target, "utf8")]).toEqual([4321, 4322, 0o2750, 1_000_000_000_000, "new"]);
  });

  test("pendingAt: a staged target is pending at itself, under it and above it, not beside it", () => {
    const target = join(dir, "etc", "app.conf");
    mkdirSync(join(dir, "etc"), { recursive: true });
    const s = new Staging("c9", join(dir, "spool"));
    s.write(target, "x");
    expect(pendingAt(target)).toBeDefined();
    expect(pendingAt(join(dir, "etc"))).toBeDefined();
    expect(pendingAt(dir)).toBeDefined();
    expect(pendingAt(join(target, "inside"))).toBeDefined();
    expect(pendingAt(join(dir, "etc", "app.conf2"))).toBeUndefined();
    expect(pendingAt(join(dir, "et"))).toBeUndefined();
    expect(pendingAt(join(dir, "other"), target)).toBeDefined();
    s.abort();
    expect(pendingAt(target)).toBeUndefined();
    expect(pendingAt(dir)).toBeUndefined();
  });

  test("a lone call's staged file is written at once; with another staging, by prepare(); a plan whose file never was is found changed by redo", async () => {
    const spool = join(dir, "spool");
    const target = join(dir, "late.conf");
    writeFileSync(target, "old");
    const first = new Staging("c11", spool);
    first.write(join(dir, "first.conf"), "first");
    expect(readFileSync(first.plan[0]!.tmp, "utf8")).toBe("first"); // alone: written (and its flush begun) at once
    const s = new Staging("c12", spool);
    s.write(target, "new");
    expect(existsSync(s.plan[0]!.tmp)).toBe(false); // another is staging: left for prepare(), to share a flush
    expect(redoStaged(s.plan).map((o) => o.outcome)).toEqual(["changed"]); // the power went before it was written
    await s.prepare(true);
    expect(readFileSync(s.plan[0]!.tmp, "utf8")).toBe("new");
    s.abort();
    first.abort();
    expect(readFileSync(target, "utf8")).toBe("old");
    expect(existsSync(first.plan[0]!.tmp)).toBe(false);
  });

  test("on the record's filesystem (one-flush protocol): written at once and never flushed alone; written() gives the files to write out, then commit and settle put them in place", async () => {
    const spool = join(dir, "spool");
    const dev = statSync(dir).dev;
    const target = join(dir, "ordered.conf");
    writeFileSync(target, "old");
    const s = new Staging("c15", spool, dev);
    s.write(target, "new");
    expect(s.ordered).toBe(true);
    expect(readFileSync(s.plan[0]!.tmp, "utf8")).toBe("new"); // alone: written at once, into the page cache
    const fds = s.written();
    expect(fds).toHaveLength(1);
    expect(readFileSync(`/proc/self/fd/${fds[0]}`, "utf8")).toBe("new");
    await writeOutAsync(fds, "test");
    s.commit();
    await s.settle();
    expect(readFileSync(target, "utf8")).toBe("new");
    expect(readdirSync(spool)).toEqual([]);
  });

  test("a call with a file off the record's filesystem flushes all of its files, the one written at once on the record's too", async () => {
    const spool = join(dir, "spool");
    const s = new Staging("c16", spool, statSync(dir).dev + 1); // the record lies elsewhere: nothing here is ordered
    s.write(join(dir, "m1"), "1");
    expect(s.ordered).toBe(false);
    const onShm = existsSync("/dev/shm") && statSync("/dev/shm").dev !== statSync(dir).dev;
    const mixed = new Staging("c17", spool, statSync(dir).dev);
    mixed.write(join(dir, "m2"), "2"); // on the record's filesystem: written at once, its flush left for later
    if (onShm) mixed.write(join("/dev/shm", `aios-m3-${process.pid}`), "3");
    expect(mixed.ordered).toBe(!onShm);
    await s.prepare();
    if (onShm) await mixed.prepare(); // flushes m2 as well
    else await writeOutAsync(mixed.written(), "test");
    for (const x of [s, mixed]) x.commit();
    await Promise.all([s.settle(), mixed.settle()]);
    expect(["m1", "m2"].map((n) => readFileSync(join(dir, n), "utf8"))).toEqual(["1", "2"]);
    if (onShm) rmSync(join("/dev/shm", `aios-m3-${process.pid}`));
  });

  test("nothing is staged once the call has ended (a tool still running after its timeout)", () => {
    const s = new Staging("c13", join(dir, "spool"));
    s.abort();
    expect(() => s.write(join(dir, "late"), "x")).toThrow("the call has ended");
    expect(existsSync(join(dir, "late"))).toBe(false);
    // And a lone call after it still stages at once: the ended one is not counted as in progress.
    const next = new Staging("c14", join(dir, "spool"));
    next.write(join(dir, "next"), "y");
    expect(existsSync(next.plan[0]!.tmp)).toBe(true);
    next.abort();
  });

  test("abort removes what was staged and leaves the target", () => {
    const target = join(dir, "x");
    const s = new Staging("c8", join(dir, "spool"));
    s.write(target, "never");
    s.abort();
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(join(dir, "spool"))).toEqual([]);
  });

  test("redoStaged finishes a plan after a crash, idempotently, and refuses a damaged staged file", async () => {
    const spool = join(dir, "spool");
    const s = new Staging("c9", spool);
    const [a, b, c] = ["a", "b", "c"].map((n) => join(dir, n)) as [string, string, string];
    writeFileSync(c, "c-old");
    s.write(a, "A");
    s.write(b, "B");
    s.write(c, "C");
    await s.prepare();
    const plan = s.plan;
    // The power went after the result (with the plan) reached the disk: b was renamed, a and c were not; c's staged copy is torn.
    renameSync(plan[1]!.tmp, b);
    writeFileSync(plan[2]!.tmp, "\0");
    expect(redoStaged(plan).map((o) => o.outcome)).toEqual(["redone", "applied", "damaged"]);
    expect([readFileSync(a, "utf8"), readFileSync(b, "utf8"), readFileSync(c, "utf8")]).toEqual(["A", "B", "c-old"]);
    expect(redoStaged(plan).map((o) => o.outcome)).toEqual(["applied", "applied", "changed"]);
    s.abort();
  });

  test("clearSpool removes what no pending stage claims", async () => {
    const spool = join(dir, "spool");
    const live = new Staging("c10", spool);
    live.write(join(dir, "live"), "1");
    await live.prepare();
    writeFileSync(join(spool, "c3.0"), "from a call whose record never reached the disk");
    expect(clearSpool(spool)).toBe(1);
    expect(readdirSync(spool)).toEqual(["c10.0"]);
    live.abort();
  });
});
