import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { ServiceStore } from "../../memory";
import { setSink } from "../../sys";
import { call, makeCtx, makeEnv, type TestEnv, undo } from "../fs/testing";
import { checkOutput } from "../schema";
import { serviceSetRestart } from "./index";
import { ServiceManager } from "./manager";

let t: TestEnv;
let store: ServiceStore;
let services: ServiceManager;
let restoreSink: ReturnType<typeof setSink>;
const ctx = () => makeCtx(t.env, { services });

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
