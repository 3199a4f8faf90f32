/** Contract fixtures for the service.* tools (see src/tools/contract.ts); the manager is the executor's shared one. */
import { expect } from "bun:test";
import { type ContractEnv, defineFixtures } from "../contract.testing";
import type { ServiceManager } from "./manager";

const DB = "contract-db";
const WEB = "contract-web";
const forever = (tag: string) => ({ argv: ["sh", "-c", `echo ${tag}; exec sleep 30`] });

const services = (t: ContractEnv): ServiceManager => t.executor.host.services;

/** What undo must restore: each service's definition, state and enabled flag. */
function table(t: ContractEnv) {
  return services(t)
    .list()
    .map((s) => ({ name: s.name, state: s.state, enabled: s.enabled, definition: services(t).definition(s.name) }));
}

async function running(t: ContractEnv): Promise<void> {
  const m = services(t);
  m.define({ name: DB, ...forever("db") });
  m.define({ name: WEB, after: [DB], ...forever("web") });
  await m.start(WEB);
}

async function clear(t: ContractEnv): Promise<void> {
  const m = services(t);
  for (const name of [WEB, DB]) {
    if (!m.has(name)) continue;
    await m.stop(name);
    m.forget(name);
  }
}

export const fixtures = defineFixtures({
  "service.start": {
    args: { name: WEB, definition: { ...forever("web"), after: [DB] } },
    invalid: [
      { args: { name: "Contract Web" }, field: "args.name" },
      { args: { name: WEB, definition: { argv: [] } }, field: "args.definition.argv" },
      { args: { name: WEB, definition: { argv: ["x"], restart: "sometimes" } }, field: "args.definition.restart" },
    ],
    setup: (t) => void services(t).define({ name: DB, ...forever("db") }),
    state: table,
    verify: (r) => expect(r).toMatchObject({ started: [DB, WEB], status: { state: "running", enabled: true } }),
    teardown: clear,
  },
  "service.stop": {
    args: { name: DB },
    invalid: [{ args: {}, field: "args.name" }],
    setup: running,
    state: table,
    verify: (r) => expect(r).toMatchObject({ stopped: [WEB, DB], status: { state: "stopped", enabled: false } }),
    teardown: clear,
  },
  "service.restart": {
    args: { name: WEB },
    invalid: [{ args: { name: "" }, field: "args.name" }],
    setup: running,
    verify: (r) => expect(r).toMatchObject({ name: WEB, state: "running", restarts: 0 }),
    teardown: clear,
  },
  "service.status": {
    args: { name: WEB, lines: 5 },
    invalid: [{ args: { name: WEB, lines: -1 }, field: "args.lines" }],
    setup: running,
    verify: (r) => expect(r).toMatchObject({ name: WEB, state: "running", after: [DB] }),
    teardown: clear,
  },
  "service.list": {
    args: {},
    invalid: [{ args: { all: true }, field: "args.all" }],
    setup: running,
    verify: (r) => expect(r.services.map((s: { name: string }) => s.name)).toEqual([DB, WEB]),
    teardown: clear,
  },
  "service.remove": {
    args: { name: WEB },
    invalid: [{ args: { name: "../web" }, field: "args.name" }],
    setup: running,
    state: table,
    verify: (r, t) => {
      expect(r).toMatchObject({ name: WEB, wasActive: true, wasEnabled: true, definition: { after: [DB] } });
      expect(services(t).has(WEB)).toBe(false);
      expect(services(t).status(DB).state).toBe("running");
    },
    teardown: clear,
  },
  "service.set_restart": {
    args: { name: WEB, restart: "always", maxRestarts: 3 },
    invalid: [
      { args: { name: WEB, restart: "sometimes" }, field: "args.restart" },
      { args: { name: WEB, restart: "never", maxRestarts: -1 }, field: "args.maxRestarts" },
      { args: { name: WEB, restart: "never", withinMs: "1m" }, field: "args.withinMs" },
    ],
    setup: running,
    state: table,
    verify: (r, t) => {
      expect(r).toEqual({ name: WEB, before: { restart: "on-failure", maxRestarts: 5, withinMs: 60_000 }, after: { restart: "always", maxRestarts: 3, withinMs: 60_000 }, changed: true });
      expect(services(t).definition(WEB)).toMatchObject({ restart: "always", maxRestarts: 3, after: [DB] });
    },
    teardown: clear,
  },
});
