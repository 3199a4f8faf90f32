import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { setSink } from "../../sys";
import { call, makeCtx, makeEnv, type TestEnv, undo } from "../fs/testing";
import { checkOutput } from "../schema";
import { ServiceManager } from "./manager";
import { serviceList, serviceRestart, serviceSetRestart, serviceStart, serviceStatus, serviceStop } from "./index";
import { ServiceStore } from "./store";

let t: TestEnv;
let store: ServiceStore;
let services: ServiceManager;
let restoreSink: ReturnType<typeof setSink>;
const ctx = () => makeCtx(t.env, { services });
const loop = (tag: string) => ({ argv: ["sh", "-c", `echo ${tag}; exec sleep 30`] });

beforeEach(() => {
  restoreSink = setSink(() => {});
  t = makeEnv();
  store = ServiceStore.open(join(t.env.paths.data, "memory/working.db"));
  services = new ServiceManager({ env: t.env, store });
});
afterEach(async () => {
  await services.stopAll();
  store.close();
  t.cleanup();
  setSink(restoreSink);
});

/** What undo must put back: the service table (definitions, enabled flags, states). */
const table = () => store.list().map((s) => ({ name: s.name, definition: s.definition, enabled: s.enabled, state: s.state }));

describe("service.start", () => {
  test("defines and starts; undo stops it and forgets the definition", async () => {
    const c = ctx();
    const r = await call(serviceStart, { name: "web", definition: loop("web") }, c);
    expect(r.started).toEqual(["web"]);
    expect(r.status).toMatchObject({ name: "web", state: "running", enabled: true });
    await undo(serviceStart, c);
    expect(services.has("web")).toBe(false);
    expect(table()).toEqual([]);
  });

  test("starting a known service pulls in its dependencies; undo stops them all and restores the table", async () => {
    services.define({ name: "db", ...loop("db") });
    services.define({ name: "web", after: ["db"], ...loop("web") });
    const before = table();
    const c = ctx();
    expect((await call(serviceStart, { name: "web" }, c)).started).toEqual(["db", "web"]);
    expect(c.record).toEqual({ name: "web", before: services.definition("web"), enabledBefore: false, started: ["db", "web"] });
    await undo(serviceStart, c);
    expect(table()).toEqual(before);
  });

  test("redefining keeps the old definition for undo", async () => {
    services.define({ name: "web", ...loop("v1") });
    const before = table();
    const c = ctx();
    await call(serviceStart, { name: "web", definition: { ...loop("v2"), restart: "always" } }, c);
    expect(services.definition("web")?.restart).toBe("always");
    await undo(serviceStart, c);
    expect(table()).toEqual(before);
  });

  test("an unknown service without a definition, and a cycle, are refused", async () => {
    await expect(call(serviceStart, { name: "ghost" }, ctx())).rejects.toThrow("service ghost: no such service; give a definition to add it");
    services.define({ name: "a", after: ["b"], ...loop("a") });
    await expect(call(serviceStart, { name: "b", definition: { ...loop("b"), after: ["a"] } }, ctx())).rejects.toThrow("dependency cycle");
    await expect(call(serviceStart, { name: "../x", definition: loop("x") }, ctx())).rejects.toThrow("must be 1-64");
  });
});

describe("service.stop / restart / status / list", () => {
  test("stop takes dependents down; undo starts them again and restores the enabled flags", async () => {
    services.define({ name: "db", ...loop("db") });
    services.define({ name: "web", after: ["db"], ...loop("web") });
    await services.start("web");
    await services.start("db");
    const before = table();
    const c = ctx();
    const r = await call(serviceStop, { name: "db" }, c);
    expect(r.stopped).toEqual(["web", "db"]);
    expect(r.status).toMatchObject({ state: "stopped", enabled: false });
    await undo(serviceStop, c);
    expect(table()).toEqual(before);
    expect(services.status("web").state).toBe("running");
  });

  test("restart gives a new process; status shows the tail; list shows all", async () => {
    await services.start((services.define({ name: "web", ...loop("hello") }), "web"));
    const pid = services.status("web").pid;
    for (let i = 0; i < 400 && !services.tail("web").includes("hello"); i++) await Bun.sleep(5);
    const r = await call(serviceRestart, { name: "web" }, ctx());
    expect(r.state).toBe("running");
    expect(r.pid).not.toBe(pid);
    for (let i = 0; i < 400 && services.tail("web").filter((l) => l === "hello").length < 2; i++) await Bun.sleep(5);
    const s = await call(serviceStatus, { name: "web", lines: 50 }, ctx());
    expect(s.tail.filter((l) => l === "hello")).toHaveLength(2);
    expect(s.definition).toMatchObject({ name: "web", restart: "on-failure" });
    expect((await call(serviceList, {}, ctx())).services.map((x) => [x.name, x.state])).toEqual([["web", "running"]]);
    await expect(call(serviceStatus, { name: "nope" }, ctx())).rejects.toThrow("service nope: no such service");
  });
});

async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}

describe("service.set_restart", () => {
  test("a running service's next exit follows the new policy", async () => {
    // Fails after a moment; under "never" that is the end of it.
    services.define({ name: "flaky", argv: ["sh", "-c", "sleep 0.3; exit 3"], restart: "never", backoffMs: 10 });
    await services.start("flaky");
    const r = await call(serviceSetRestart, { name: "flaky", restart: "on-failure", maxRestarts: 2, withinMs: 60_000 }, ctx());
    expect(r).toEqual({ name: "flaky", before: { restart: "never", maxRestarts: 5, withinMs: 60_000 }, after: { restart: "on-failure", maxRestarts: 2, withinMs: 60_000 }, changed: true });
    expect(() => checkOutput(serviceSetRestart, r)).not.toThrow();
    expect(serviceSetRestart.summarize!(r, { name: "flaky", restart: "on-failure" })).toBe(
      "Service flaky now restarts when it fails (at most 2 restarts within 60 s); before it is never restarted",
    );
    await until("two restarts and then failed", () => services.status("flaky").state === "failed");
    expect(services.status("flaky")).toMatchObject({ restarts: 2, reason: expect.stringContaining("gave up: 2 restarts") });
  });

  test("always → never: the next exit is not restarted", async () => {
    services.define({ name: "web", argv: ["sh", "-c", "exec sleep 30"], restart: "always" });
    await services.start("web");
    await call(serviceSetRestart, { name: "web", restart: "never" }, ctx());
    process.kill(services.status("web").pid!, "SIGKILL");
    await until("failed, not restarted", () => services.status("web").state === "failed");
    expect(services.status("web")).toMatchObject({ restarts: 0, reason: expect.stringContaining("restart policy never") });
  });

  test("persisted for the next boot; undo restores only the policy; same policy changes nothing", async () => {
    services.define({ name: "web", argv: ["sh", "-c", "exec sleep 30"], restart: "on-failure", maxRestarts: 7 });
    const c = ctx();
    await call(serviceSetRestart, { name: "web", restart: "always", withinMs: 5000 }, c);
    expect(store.list()[0]!.definition).toMatchObject({ restart: "always", maxRestarts: 7, withinMs: 5000 });
    const reloaded = new ServiceManager({ env: t.env, store });
    expect(reloaded.definition("web")).toMatchObject({ restart: "always", maxRestarts: 7, withinMs: 5000 });
    services.define({ ...services.definition("web")!, argv: ["sh", "-c", "exec sleep 31"] });
    await undo(serviceSetRestart, c);
    expect(services.definition("web")).toMatchObject({ restart: "on-failure", maxRestarts: 7, withinMs: 60_000, argv: ["sh", "-c", "exec sleep 31"] });
    const same = ctx();
    expect((await call(serviceSetRestart, { name: "web", restart: "on-failure" }, same)).changed).toBe(false);
    expect(same.record).toBeUndefined();
  });

  test("an unknown service is refused by name", async () => {
    await expect(call(serviceSetRestart, { name: "nope", restart: "always" }, ctx())).rejects.toMatchObject({ code: "unknown_service", message: "service nope: no such service" });
  });
});
