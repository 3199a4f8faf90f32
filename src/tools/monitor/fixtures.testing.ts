/** Contract fixtures for the monitor.* tools (see src/tools/contract.ts). */
import { expect } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type ContractEnv, defineFixtures } from "../contract.testing";
import type { WatchStore } from "./store";

const watches = (t: ContractEnv): WatchStore => t.executor.host.watches;
const clearWatches = (t: ContractEnv) => {
  for (const w of watches(t).list()) watches(t).remove(w.name);
};
/** Two entries, one with a check recorded, so undo has history to put back. */
const twoWatches = (t: ContractEnv) => {
  clearWatches(t);
  watches(t).set({ name: "api", service: null, url: "http://127.0.0.1:8080/health", port: null, everyS: 30 });
  watches(t).set({ name: "web", service: "web", url: null, port: { host: "127.0.0.1", port: 80 }, everyS: 60 });
  watches(t).recordCheck("web", false, "connection refused");
};

export const fixtures = defineFixtures({
  "monitor.cpu": {
    args: { sampleMs: 50 },
    invalid: [
      { args: { sampleMs: 1 }, field: "args.sampleMs" },
      { args: { sampleMs: "fast" }, field: "args.sampleMs" },
    ],
    verify: (r) => {
      expect(r.total.busyPercent).toBeGreaterThanOrEqual(0);
      expect(r.total.busyPercent).toBeLessThanOrEqual(100);
      expect(r.cpus.length).toBeGreaterThanOrEqual(1);
    },
  },
  "monitor.memory": {
    args: {},
    invalid: [{ args: { unit: "MiB" }, field: "args.unit" }],
    verify: (r) => expect(r.totalBytes).toBeGreaterThan(0),
  },
  "monitor.disk": {
    args: { path: "/" },
    invalid: [
      { args: { path: "relative" }, field: "args.path" },
      { args: { path: "/srv/../.." }, field: "args.path" },
    ],
    verify: (r) => expect(r.filesystems[0].sizeBytes).toBeGreaterThan(0),
  },
  "monitor.logs": {
    setup: (t) => writeFileSync(join(t.env.paths.log, "aios.log"), "2025-01-31T12:00:00.000Z info one\n2025-01-31T12:01:00.000Z warn two\n"),
    args: { grep: "warn" },
    invalid: [
      { args: { source: "../../etc/passwd" }, field: "args.source" },
      { args: { grep: "(", regex: true }, field: "args.grep" },
      { args: { lines: 5000 }, field: "args.lines" },
      { args: { path: "/etc/passwd" }, field: "args.path" },
    ],
    verify: (r) => expect(r.lines).toEqual(["2025-01-31T12:01:00.000Z warn two"]),
  },
  "monitor.watch": {
    setup: twoWatches,
    args: { name: "web", service: "web", url: "http://127.0.0.1/health", everyS: 10 },
    invalid: [
      { args: { name: "web" }, field: "args" },
      { args: { name: "web", url: "file:///etc/passwd" }, field: "args.url" },
      { args: { name: "web", port: { host: "127.0.0.1", port: 0 } }, field: "args.port.port" },
      { args: { name: "Web Site", service: "web" }, field: "args.name" },
    ],
    state: (t) => watches(t).list(),
    verify: (r) => expect(r).toMatchObject({ replaced: true, watch: { name: "web", service: "web", url: "http://127.0.0.1/health", port: null, everyS: 10, lastOk: null } }),
    teardown: clearWatches,
  },
  "monitor.unwatch": {
    setup: twoWatches,
    args: { name: "web" },
    invalid: [{ args: { name: "" }, field: "args.name" }],
    state: (t) => watches(t).list(),
    verify: (r, t) => {
      expect(r).toMatchObject({ removed: true, watch: { name: "web", lastOk: false, lastDetail: "connection refused" } });
      expect(watches(t).list().map((w) => w.name)).toEqual(["api"]);
    },
    teardown: clearWatches,
  },
  "monitor.watchlist": {
    setup: twoWatches,
    args: {},
    invalid: [{ args: { name: "web" }, field: "args.name" }],
    verify: (r) => expect(r.watches.map((w: { name: string }) => w.name)).toEqual(["api", "web"]),
    teardown: clearWatches,
  },
  "monitor.pressure": {
    args: {},
    invalid: [{ args: { resource: "cpu" }, field: "args.resource" }],
    verify: (r) => {
      expect(r.supported).toBe(existsSync("/proc/pressure"));
      if (r.supported) expect(r.memory.some.avg300).toBeGreaterThanOrEqual(0);
      else expect(r.cpu.reason).toContain("does not report it");
    },
  },
});
