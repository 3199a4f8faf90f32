import { describe, expect, test } from "bun:test";
import type { ProcStat } from "./proc";
import { reapOrphans, reapOrphansSliced } from "./reaper";
import { isOwnChild, run, spawn } from "./spawn";

const me = process.pid;

describe("reapOrphans", () => {
  test("waits only for zombies whose parent is us, and reports what it reaped", () => {
    const list: ProcStat[] = [
      { pid: 101, comm: "orphan one", state: "Z", ppid: me },
      { pid: 102, comm: "running", state: "S", ppid: me },
      { pid: 103, comm: "someone else's", state: "Z", ppid: me + 1 },
      { pid: 104, comm: "orphan two", state: "Z", ppid: me },
      { pid: 105, comm: "kthread", state: "I", ppid: 2 },
    ];
    const waited: number[] = [];
    const reaped = reapOrphans(() => list, (pid) => {
      waited.push(pid);
      return { status: pid === 101 ? 0 : 256 };
    });
    expect(waited).toEqual([101, 104]);
    expect(reaped).toEqual([
      { pid: 101, comm: "orphan one", status: 0 },
      { pid: 104, comm: "orphan two", status: 256 },
    ]);
  });

  test("a wait that returns null or throws (ECHILD) is not reported, and the scan goes on", () => {
    const list: ProcStat[] = [
      { pid: 201, comm: "a", state: "Z", ppid: me },
      { pid: 202, comm: "b", state: "Z", ppid: me },
      { pid: 203, comm: "c", state: "Z", ppid: me },
    ];
    const waited: number[] = [];
    const reaped = reapOrphans(() => list, (pid) => {
      waited.push(pid);
      if (pid === 201) throw Object.assign(new Error("waitpid 201: ECHILD"), { code: "ECHILD" });
      if (pid === 202) return null;
      return { status: 9 };
    });
    expect(waited).toEqual([201, 202, 203]);
    expect(reaped).toEqual([{ pid: 203, comm: "c", status: 9 }]);
  });

  test("an empty list reaps nothing", () => {
    let calls = 0;
    expect(reapOrphans(() => [], () => (calls++, { status: 0 }))).toEqual([]);
    expect(calls).toBe(0);
  });

  test("never waits for a child started through spawn(), running or exited", async () => {
    const child = spawn(["cat"], { stdin: "pipe", stdout: "ignore", stderr: "ignore" });
    const pid = child.pid;
    expect(isOwnChild(pid)).toBe(true);
    const waited: number[] = [];
    const wait = (p: number) => (waited.push(p), { status: 0 });
    // Even if /proc shows our own child as a zombie (the window before Bun reaps it), leave it to Bun.
    const zombieView = (): ProcStat[] => [{ pid, comm: "cat", state: "Z", ppid: me }];
    expect(reapOrphans(zombieView, wait)).toEqual([]);
    expect(waited).toEqual([]);

    (child.stdin as import("bun").FileSink).end();
    expect(await child.exited).toBe(0);
    expect(isOwnChild(pid)).toBe(false);
    // Bun has reaped it: the real /proc no longer lists it, so the real scan never waits for it.
    reapOrphans(undefined, wait);
    expect(waited).not.toContain(pid);
  });

  test("run() captures output and exit code and forgets the child afterwards", async () => {
    const r = await run(["sh", "-c", "echo out; echo err >&2; exit 3"]);
    expect(r).toEqual({ exitCode: 3, stdout: "out\n", stderr: "err\n" });
  });
});

describe("reapOrphansSliced", () => {
  test("reaps the same zombies as one scan, giving the event loop a turn between slices", async () => {
    const me = process.pid;
    const table = new Map<number, ProcStat>(Array.from({ length: 300 }, (_, i) => [1000 + i, { pid: 1000 + i, comm: `p${i}`, state: i % 3 === 0 ? "Z" : "S", ppid: me }]));
    let pauses = 0;
    const pause = () => ((pauses++), Bun.sleep(0));
    const reaped = await reapOrphansSliced({ pids: () => [...table.keys()], stat: (pid) => table.get(pid) ?? null, wait: () => ({ status: 0 }), slice: 50, pause });
    expect(reaped.map((r) => r.pid)).toEqual([...table.values()].filter((p) => p.state === "Z").map((p) => p.pid));
    expect(pauses).toBe(5); // 300 processes in slices of 50: a turn of the event loop between each two
  });
});
