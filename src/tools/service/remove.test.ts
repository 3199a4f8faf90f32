import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { setSink } from "../../sys";
import { call, makeCtx, makeEnv, type TestEnv, undo } from "../fs/testing";
import { ServiceManager } from "./manager";
import { serviceRemove } from "./remove";
import { ServiceStore } from "./store";

let t: TestEnv;
let store: ServiceStore;
let services: ServiceManager;
let restoreSink: ReturnType<typeof setSink>;
const ctx = () => makeCtx(t.env, { services });
const loop = (tag: string) => ({ argv: ["sh", "-c", `echo ${tag}; exec sleep 30`] });
const table = () => store.list().map((s) => ({ name: s.name, definition: s.definition, enabled: s.enabled, state: s.state }));

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

describe("service.remove", () => {
  test("stops a running service and forgets it, in the store too; undo brings it back running and enabled", async () => {
    services.define({ name: "web", ...loop("web"), restart: "always" });
    await services.start("web");
    const pid = services.status("web").pid!;
    const before = table();
    const c = ctx();
    const r = await call(serviceRemove, { name: "web" }, c);
    expect(r).toMatchObject({ name: "web", wasActive: true, wasEnabled: true, definition: { restart: "always" } });
    expect(services.has("web")).toBe(false);
    expect(store.get("web")).toBeNull();
    expect(() => process.kill(pid, 0)).toThrow();
    await undo(serviceRemove, c);
    expect(table()).toEqual(before);
    expect(services.status("web").pid).not.toBe(pid);
  });

  test("a stopped, disabled service comes back stopped and disabled", async () => {
    services.define({ name: "job", ...loop("job") });
    const before = table();
    const c = ctx();
    expect(await call(serviceRemove, { name: "job" }, c)).toMatchObject({ wasActive: false, wasEnabled: false });
    await undo(serviceRemove, c);
    expect(table()).toEqual(before);
  });

  test("refuses an unknown service, and one that others start after", async () => {
    await expect(call(serviceRemove, { name: "nope" }, ctx())).rejects.toThrow("service nope: no such service");
    services.define({ name: "db", ...loop("db") });
    services.define({ name: "web", after: ["db"], ...loop("web") });
    await expect(call(serviceRemove, { name: "db" }, ctx())).rejects.toThrow("service db: web starts after it; remove it first");
    expect(services.has("db")).toBe(true);
  });
});
