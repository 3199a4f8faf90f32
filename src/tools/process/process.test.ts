import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { spawn } from "../../sys";
import { call, makeCtx, makeEnv, type TestEnv, undo } from "../fs/testing";
import { FsPathError } from "../fs/errors";
import { ProcessError } from "./errors";
import { processInfo, processKill, processList, processSignal, processSpawn } from "./index";
import { isKernelThread, pids, readCmdline, readStat, stillRunning } from "./procfs";

let t: TestEnv;
const ctx = () => makeCtx(t.env);
beforeEach(() => {
  t = makeEnv();
});
afterEach(() => t.cleanup());

describe("process.list / process.info", () => {
  test("list finds this process with its command line; filter narrows", async () => {
    const all = await call(processList, {}, ctx());
    const me = all.processes.find((p) => p.pid === process.pid);
    expect(me?.cmdline.length).toBeGreaterThan(0);
    expect(me?.rssBytes).toBeGreaterThan(0);
    const child = spawn(["sleep", "5"]);
    try {
      const some = await call(processList, { filter: "sleep 5" }, ctx());
      expect(some.processes.map((p) => p.pid)).toContain(child.pid);
      expect(some.total).toBeLessThan(all.total);
    } finally {
      child.kill("SIGKILL");
    }
  });

  test("info gives exe, cwd and open descriptors; a missing pid is ESRCH", async () => {
    const me = await call(processInfo, { pid: process.pid }, ctx());
    expect(me.exe).toBe(process.execPath);
    expect(me.cwd).toBe(process.cwd());
    expect(me.fds).toBeGreaterThan(2);
    expect(me.status.Name).toBeDefined();
    const gone = spawn(["true"]);
    await gone.exited;
    await expect(call(processInfo, { pid: gone.pid }, ctx())).rejects.toThrow(`process.info ${gone.pid}: ESRCH`);
    await expect(call(processInfo, { pid: 0 }, ctx())).rejects.toThrow("must be at least 1");
  });
});

describe("process.spawn", () => {
  test("arguments are a vector, never a shell string: ; and $() stay literal", async () => {
    const r = await call(processSpawn, { argv: ["echo", "a; touch pwned", "$(touch pwned2)"], cwd: "/srv" }, ctx());
    expect(r).toMatchObject({ exitCode: 0, signal: null, stdout: "a; touch pwned $(touch pwned2)\n", timedOut: false, detached: false });
    expect(readdirSync(join(t.root, "srv"))).toEqual([]);
  });

  test("exit status, stderr, stdin, cwd inside the sandbox and a clean environment", async () => {
    process.env.AIOS_TEST_SECRET = "leak";
    try {
      const r = await call(processSpawn, { argv: ["sh", "-c", 'cat; echo "$FOO" >&2; pwd; echo "[$AIOS_TEST_SECRET]"; exit 3'], env: { FOO: "bar" }, stdin: "in\n", cwd: "/etc" }, ctx());
      expect(r).toMatchObject({ exitCode: 3, stdout: `in\n${join(t.root, "etc")}\n[]\n`, stderr: "bar\n" });
    } finally {
      delete process.env.AIOS_TEST_SECRET;
    }
  });

  test("output beyond the cap is dropped but drained", async () => {
    const r = await call(processSpawn, { argv: ["head", "-c", "300000", "/dev/zero"], maxOutputBytes: 1000 }, ctx());
    expect(r).toMatchObject({ exitCode: 0, stdoutTruncated: true, stderrTruncated: false });
    expect(r.stdout).toHaveLength(1000);
  });

  test("a timeout kills the child", async () => {
    const r = await call(processSpawn, { argv: ["sleep", "10"], timeoutMs: 100 }, ctx());
    expect(r).toMatchObject({ timedOut: true, signal: "SIGTERM", exitCode: null });
    expect(r.durationMs).toBeLessThan(2000);
    expect(readStat(r.pid)).toBeNull();
  });

  test("cancelling the call kills the child", async () => {
    const c = ctx();
    setTimeout(() => c.controller.abort(new Error("cancelled")), 50);
    const started = Date.now();
    await expect(call(processSpawn, { argv: ["sleep", "10"] }, c)).rejects.toThrow("cancelled");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test("a missing program and a cwd outside the roots are refused", async () => {
    await expect(call(processSpawn, { argv: ["no-such-program-aios"] }, ctx())).rejects.toBeInstanceOf(ProcessError);
    await expect(call(processSpawn, { argv: ["pwd"], cwd: "/usr" }, ctx())).rejects.toBeInstanceOf(FsPathError);
    await expect(call(processSpawn, { argv: [] }, ctx())).rejects.toThrow("must name a program");
    await expect(call(processSpawn, { argv: "ls -l" }, ctx())).rejects.toThrow("must be an array of strings");
  });

  test("detached: keeps running with output in a log; undo stops it", async () => {
    const c = ctx();
    const r = await call(processSpawn, { argv: ["sh", "-c", "echo started; exec sleep 30"], detach: true }, c);
    expect(r.detached).toBe(true);
    const stat = readStat(r.pid);
    expect(stat && stillRunning(r.pid, stat.startTicks)).toBe(true);
    expect(c.record).toEqual({ pid: r.pid, startTicks: stat?.startTicks });
    for (let i = 0; i < 100 && !readFileSync(r.log as string, "utf8").includes("started"); i++) await Bun.sleep(10);
    expect(readFileSync(r.log as string, "utf8")).toBe("started\n");
    await undo(processSpawn, c);
    expect(stillRunning(r.pid, stat?.startTicks ?? 0)).toBe(false);
    await undo(processSpawn, c); // a second undo finds nothing to stop
  });
});

describe("process.kill / process.signal", () => {
  test("pid 1, aios-init itself, pid ≤ 0 and kernel threads are refused", async () => {
    await expect(call(processKill, { pid: 1 }, ctx())).rejects.toThrow("process.kill 1: is init");
    await expect(call(processSignal, { pid: process.pid, signal: "SIGHUP" }, ctx())).rejects.toThrow("is aios-init itself");
    await expect(call(processKill, { pid: 0 }, ctx())).rejects.toThrow("must be at least 1");
    await expect(call(processKill, { pid: -1 }, ctx())).rejects.toThrow("must be at least 1");
    const kthread = pids().find((pid) => {
      const s = readStat(pid);
      return s !== null && isKernelThread(s);
    });
    if (kthread !== undefined) await expect(call(processKill, { pid: kthread }, { ...ctx(), env: { ...t.env, mode: "pid1" } })).rejects.toThrow("is a kernel thread");
  });

  test("dev mode refuses processes aios-init did not start", async () => {
    const foreign = Bun.spawn(["sleep", "5"]);
    try {
      await expect(call(processKill, { pid: foreign.pid }, ctx())).rejects.toThrow("dev mode signals only its own children");
      await expect(call(processKill, { pid: process.ppid }, ctx())).rejects.toThrow(ProcessError);
    } finally {
      foreign.kill("SIGKILL");
    }
  });

  test("kill terminates its own child, escalating to SIGKILL when TERM is ignored", async () => {
    const child = spawn(["sleep", "30"]);
    expect(await call(processKill, { pid: child.pid }, ctx())).toEqual({ pid: child.pid, signal: "SIGTERM", exited: true, escalated: false });
    const stubborn = spawn(["sh", "-c", "trap '' TERM; exec sleep 30"]);
    await Bun.sleep(50);
    expect(await call(processKill, { pid: stubborn.pid, waitMs: 100 }, ctx())).toEqual({ pid: stubborn.pid, signal: "SIGTERM", exited: true, escalated: true });
    expect(await stubborn.exited).not.toBe(0);
  });

  test("signal stops and continues a child", async () => {
    const child = spawn(["sleep", "30"]);
    try {
      await call(processSignal, { pid: child.pid, signal: "SIGSTOP" }, ctx());
      for (let i = 0; i < 100 && readStat(child.pid)?.state !== "T"; i++) await Bun.sleep(5);
      expect(readStat(child.pid)?.state).toBe("T");
      await call(processSignal, { pid: child.pid, signal: "SIGCONT" }, ctx());
      await expect(call(processSignal, { pid: child.pid, signal: "SIGNOPE" }, ctx())).rejects.toThrow("must be a signal name");
    } finally {
      child.kill("SIGKILL");
    }
  });
});

test("nothing was written outside the sandbox", () => {
  expect(existsSync("pwned")).toBe(false);
});

test("secret-looking flags are hidden in command lines", async () => {
  const { redact } = await import("./procfs");
  expect(redact(["aios-init", "--dev", "--token", "T0K", "--api-key=abc", "--tokens-file", "f", "-p", "x"])).toEqual(["aios-init", "--dev", "--token", "***", "--api-key=***", "--tokens-file", "***", "-p", "x"]);
  const child = spawn(["sh", "-c", "sleep 5; :", "sh", "--password", "hunter2"]);
  try {
    for (let i = 0; i < 200 && readCmdline(child.pid)[0] !== "sh"; i++) await Bun.sleep(5); // until it has exec'd
    const r = await call(processInfo, { pid: child.pid }, makeCtx(t.env));
    expect(r.cmdline).toEqual(["sh", "-c", "sleep 5; :", "sh", "--password", "***"]);
  } finally {
    child.kill("SIGKILL");
  }
});
