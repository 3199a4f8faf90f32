import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { setSink } from "../../sys";
import { makeEnv, type TestEnv } from "../fs/testing";
import { stillRunning } from "../process/procfs";
import type { ServiceDefinitionInput } from "./definition";
import { ServiceManager } from "./manager";
import { ServiceStore } from "./store";

let t: TestEnv;
let store: ServiceStore;
let managers: ServiceManager[];
let restoreSink: ReturnType<typeof setSink>;

beforeEach(() => {
  t = makeEnv();
  store = ServiceStore.open(join(t.env.paths.data, "memory/working.db"));
  managers = [];
  restoreSink = setSink(() => {});
});
afterEach(async () => {
  for (const m of managers) await m.stopAll();
  store.close();
  setSink(restoreSink);
  t.cleanup();
});

function manager(opts: { logMaxBytes?: number } = {}): ServiceManager {
  const m = new ServiceManager({ env: t.env, store, ...opts });
  managers.push(m);
  return m;
}

/** A shell service: `script` runs with `/srv` (in the sandbox) as its working directory. */
function sh(name: string, script: string, more: Partial<ServiceDefinitionInput> = {}): ServiceDefinitionInput {
  return { name, argv: ["sh", "-c", script], cwd: "/srv", ...more };
}

const srv = (f: string) => join(t.root, "srv", f);
const lines = (f: string) => (existsSync(srv(f)) ? readFileSync(srv(f), "utf8").trim().split("\n") : []);

async function until(what: string, ok: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(5);
  }
}

/** A service that notes its start and its stop (on SIGTERM) in /srv/events. */
const noted = (name: string, after: string[] = []) =>
  sh(name, `trap 'echo stop-${name} >> events; exit 0' TERM; echo start-${name} >> events; while :; do sleep 0.02; done`, { after, readyDelayMs: 20 });

describe("dependencies (seed 002's graph)", () => {
  test("start brings up dependencies first; stop takes dependents down first", async () => {
    const m = manager();
    m.define(noted("opnix-secrets"));
    m.define(noted("postgresql"));
    m.define(noted("tailscale", ["opnix-secrets"]));
    m.define(noted("opencode", ["postgresql", "opnix-secrets"]));
    expect(await m.start("opencode")).toEqual(["postgresql", "opnix-secrets", "opencode"]);
    expect(await m.start("tailscale")).toEqual(["tailscale"]);
    expect(m.status("opencode")).toMatchObject({ state: "running", enabled: true });
    expect(m.status("postgresql")).toMatchObject({ state: "running", enabled: false });
    const since = ["postgresql", "opnix-secrets", "opencode", "tailscale"].map((n) => Date.parse(m.status(n).since as string));
    expect(since).toEqual([...since].sort((a, b) => a - b));
    // Each has its TERM trap in place once its start line is out.
    await until("start lines", () => lines("events").length === 4);
    expect(lines("events").sort()).toEqual(["start-opencode", "start-opnix-secrets", "start-postgresql", "start-tailscale"]);
    const stopped = await m.stop("opnix-secrets");
    expect(stopped).toEqual(["opencode", "tailscale", "opnix-secrets"]);
    expect(lines("events").slice(4)).toEqual(["stop-opencode", "stop-tailscale", "stop-opnix-secrets"]);
    expect(m.status("postgresql").state).toBe("running");
    expect(m.status("opencode")).toMatchObject({ state: "stopped", lastExit: { code: 0, signal: null } });
  });

  test("missing dependencies and cycles are refused with the path", async () => {
    const m = manager();
    m.define(sh("a", "sleep 1", { after: ["b"] }));
    await expect(m.start("a")).rejects.toThrow("service a: depends on b, which is not defined");
    m.define(sh("c", "sleep 1", { after: ["a"] }));
    expect(() => m.define(sh("b", "sleep 1", { after: ["c"] }))).toThrow("service b: dependency cycle a -> b -> c -> a");
    expect(() => m.define(sh("d", "sleep 1", { after: ["d"] }))).toThrow("depends on itself");
    await expect(m.start("nope")).rejects.toThrow("service nope: no such service");
    expect(() => m.define({ name: "Bad/Name", argv: ["x"] })).toThrow("name: must be 1-64");
  });
});

describe("restart policy", () => {
  test("on-failure restarts with doubling backoff, then gives up after the intensity", async () => {
    const m = manager();
    m.define(sh("crashy", "echo boom; exit 3", { restart: "on-failure", maxRestarts: 2, withinMs: 10_000, backoffMs: 30 }));
    await m.start("crashy");
    await until("failed", () => m.status("crashy").state === "failed");
    const s = m.status("crashy");
    expect(s).toMatchObject({ restarts: 2, pid: null, lastExit: { code: 3, signal: null } });
    expect(s.reason).toContain("gave up: 2 restarts within 10000 ms");
    const log = readFileSync(s.log, "utf8");
    expect(log.match(/^boom$/gm)).toHaveLength(3);
    expect(log).toContain("restarting in 30 ms");
    expect(log).toContain("restarting in 60 ms");
    const starts = [...log.matchAll(/^-- aios: (\S+) started/gm)].map((x) => Date.parse(x[1] as string));
    expect(starts).toHaveLength(3);
    expect((starts[1] as number) - (starts[0] as number)).toBeGreaterThanOrEqual(30);
    expect((starts[2] as number) - (starts[1] as number)).toBeGreaterThanOrEqual(60);
    expect(store.get("crashy")).toMatchObject({ state: "failed", restarts: 2, lastExitCode: 3 });
  });

  test("always restarts clean exits; never and on-failure leave them", async () => {
    const m = manager();
    m.define(sh("always", "echo tick >> ticks", { restart: "always", backoffMs: 5, maxRestarts: 3 }));
    m.define(sh("never", "exit 1", { restart: "never" }));
    m.define(sh("clean", "exit 0", { restart: "on-failure" }));
    await m.start("always");
    await m.start("never");
    await m.start("clean");
    await until("always to give up", () => m.status("always").state === "failed");
    expect(lines("ticks")).toHaveLength(4);
    await until("never and clean", () => m.status("never").state === "failed" && m.status("clean").state === "stopped");
    expect(m.status("never").reason).toContain("restart policy never");
    expect(m.status("clean").restarts).toBe(0);
  });

  test("a process that dies within its ready delay fails the start", async () => {
    const m = manager();
    m.define(sh("early", "exit 7", { restart: "never", readyDelayMs: 200 }));
    await expect(m.start("early")).rejects.toThrow("service early: exited within its ready delay (code 7)");
    m.define(sh("badcwd", "true", { cwd: "/usr" }));
    await expect(m.start("badcwd")).rejects.toThrow("outside the allowed roots");
    expect(m.status("badcwd").state).toBe("failed");
    m.define({ name: "missing", argv: ["/nonexistent/aios-daemon"] });
    await expect(m.start("missing")).rejects.toThrow("service missing:");
  });
});

describe("stopping", () => {
  test("a process ignoring stopSignal gets SIGKILL after stopTimeoutMs, with its whole group", async () => {
    const m = manager();
    m.define(sh("stubborn", "trap '' TERM; sleep 30 & echo $! > child.pid; wait", { stopTimeoutMs: 100 }));
    await m.start("stubborn");
    await until("child pid", () => lines("child.pid").length === 1);
    const grandchild = Number(lines("child.pid")[0]);
    const pid = m.status("stubborn").pid as number;
    const started = Date.now();
    expect(await m.stop("stubborn")).toEqual(["stubborn"]);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(m.status("stubborn")).toMatchObject({ state: "stopped", lastExit: { signal: "SIGKILL" } });
    expect(readFileSync(m.status("stubborn").log, "utf8")).toContain("sending SIGKILL");
    await until("grandchild gone", () => !existsSync(`/proc/${grandchild}`) || readFileSync(`/proc/${grandchild}/stat`, "utf8").includes(") Z "));
    expect(existsSync(`/proc/${pid}/cmdline`) && readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("stubborn")).toBe(false);
  });

  test("stopping during backoff cancels the restart", async () => {
    const m = manager();
    m.define(sh("flap", "exit 1", { backoffMs: 10_000 }));
    await m.start("flap");
    await until("backoff", () => m.status("flap").state === "backoff");
    expect(await m.stop("flap")).toEqual(["flap"]);
    expect(m.status("flap").state).toBe("stopped");
  });
});

describe("logs", () => {
  test("stdout and stderr go to the service's log file and the in-memory tail, line by line", async () => {
    const m = manager();
    m.define(sh("talk", "echo out; echo err >&2; printf partial; exit 0", { restart: "never" }));
    await m.start("talk");
    await until("output", () => m.tail("talk").includes("partial"));
    expect(m.status("talk").log).toBe(join(t.env.paths.log, "services/talk.log"));
    const text = readFileSync(m.status("talk").log, "utf8");
    for (const s of ["\nout\n", "\nerr\n", "\npartial\n"]) expect(text).toContain(s);
    expect(m.tail("talk", 10)).toEqual(expect.arrayContaining(["out", "err", "partial"]));
  });

  test("the log file is capped and rotated", async () => {
    const m = manager({ logMaxBytes: 2000 });
    m.define(sh("chatty", "i=0; while [ $i -lt 200 ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); done; exec sleep 30"));
    await m.start("chatty");
    await until("last line", () => m.tail("chatty", 1)[0]?.startsWith("line-199") ?? false);
    const path = m.status("chatty").log;
    expect(statSync(path).size).toBeLessThanOrEqual(2000);
    expect(statSync(`${path}.1`).size).toBeLessThanOrEqual(2000);
    expect(readFileSync(path, "utf8")).toContain("line-199-");
  });
});

describe("persistence", () => {
  test("definitions and enabled flags are reloaded; startEnabled brings back what ran, dependencies first", async () => {
    const first = manager();
    first.define(noted("db"));
    first.define(noted("web", ["db"]));
    first.define(noted("idle"));
    await first.start("web");
    await first.stopAll();
    expect(store.get("web")).toMatchObject({ enabled: true, state: "stopped" });
    const second = manager();
    expect(second.list().map((s) => [s.name, s.state, s.enabled])).toEqual([["db", "stopped", false], ["idle", "stopped", false], ["web", "stopped", true]]);
    expect(second.definition("web")?.after).toEqual(["db"]);
    expect(await second.startEnabled()).toEqual(["db", "web"]);
    expect(second.status("web").state).toBe("running");
    expect(second.status("idle").state).toBe("stopped");
  });

  test("a process left running by a crashed instance is ended before the new one starts", async () => {
    const first = manager();
    first.define(sh("left", "exec sleep 30", { restart: "never" }));
    await first.start("left");
    const old = first.status("left").pid as number;
    const ticks = store.get("left")?.startTicks as number;
    expect(stillRunning(old, ticks)).toBe(true);
    const second = manager();
    await second.startEnabled();
    await until("old process gone", () => !stillRunning(old, ticks));
    expect(second.status("left")).toMatchObject({ state: "running" });
    expect(second.status("left").pid).not.toBe(old);
  });

  test("forget refuses a running service and removes a stopped one from the store", async () => {
    const m = manager();
    m.define(sh("tmp", "exec sleep 30"));
    await m.start("tmp");
    expect(() => m.forget("tmp")).toThrow("service tmp: is running; stop it first");
    await m.stop("tmp");
    m.forget("tmp");
    expect(store.get("tmp")).toBeNull();
    expect(m.has("tmp")).toBe(false);
  });
});
