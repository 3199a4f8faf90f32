import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { ServiceStore } from "../../memory";
import { setSink } from "../../sys";
import { call, makeCtx, makeEnv, type TestEnv, undo } from "../fs/testing";
import { ServiceManager } from "./manager";
import { serviceList, serviceRestart, serviceStart, serviceStatus, serviceStop } from "./index";

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
