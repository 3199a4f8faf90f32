/** Contract fixtures for the log.* tools (see src/tools/contract.ts): real logs in the sandbox's /var/log and the executor's own policy store. */
import { expect } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { type ContractEnv, defineFixtures } from "../contract.testing";
import type { LogRotation } from "./rotation";

const PATTERN = "/var/log/contract/*.log";
const logs = (t: ContractEnv): LogRotation => t.executor.host.logs;

function put(t: ContractEnv, guest: string, content: string): void {
  mkdirSync(dirname(t.host(guest)), { recursive: true });
  writeFileSync(t.host(guest), content);
}

const forget = (t: ContractEnv) => void logs(t).store.remove(PATTERN);

export const fixtures = defineFixtures({
  "log.rotate": {
    setup: (t) => {
      put(t, "/var/log/contract/app.log", "today\n");
      put(t, "/var/log/contract/app.log.1", "yesterday\n");
      logs(t).store.set({ pattern: PATTERN, maxBytes: null, maxAgeDays: null, keep: 3 });
    },
    args: { path: "/var/log/contract/app.log" },
    invalid: [
      { args: { path: "/etc/passwd" }, field: "args.path" },
      { args: { path: "/var/log/../etc/passwd" }, field: "args.path" },
      { args: { path: 7 }, field: "args.path" },
    ],
    verify: (r, t) => {
      expect(r.rotated).toEqual([
        {
          path: "/var/log/contract/app.log",
          reason: "asked",
          pattern: PATTERN,
          keep: 3,
          bytes: 6,
          generations: [{ name: "app.log.1", bytes: 6 }, { name: "app.log.2.gz", bytes: expect.any(Number) }],
          removed: [],
          compressed: "app.log.2.gz",
        },
      ]);
      expect(readFileSync(t.host("/var/log/contract/app.log"), "utf8")).toBe("");
      expect(existsSync(t.host("/var/log/contract/app.log.2.gz"))).toBe(true);
    },
    teardown: forget,
  },
  "log.set_policy": {
    setup: (t) => put(t, "/var/log/contract/app.log", "x\n"),
    args: { pattern: PATTERN, maxBytes: 1024 * 1024, maxAgeDays: 7, keep: 4 },
    invalid: [
      { args: { pattern: PATTERN, keep: 0 }, field: "args.keep" },
      { args: { pattern: "/etc/*.conf", keep: 2 }, field: "args.pattern" },
      { args: { pattern: "/var/log/../etc/*", keep: 2 }, field: "args.pattern" },
      { args: { pattern: PATTERN, keep: 2, maxBytes: 10 }, field: "args.maxBytes" },
    ],
    state: (t) => logs(t).policies(),
    verify: (r) => {
      expect(r).toMatchObject({ policy: { pattern: PATTERN, maxBytes: 1024 * 1024, maxAgeDays: 7, keep: 4, builtin: false }, previous: null, files: ["/var/log/contract/app.log"], fileCount: 1 });
    },
    teardown: forget,
  },
  "log.policies": {
    setup: (t) => {
      put(t, "/var/log/contract/app.log", "x\n");
      put(t, "/var/log/contract/app.log.1", "older\n");
      logs(t).store.set({ pattern: PATTERN, maxBytes: 2048, maxAgeDays: null, keep: 2 });
    },
    args: {},
    invalid: [{ args: { all: true }, field: "args.all" }],
    verify: (r) => {
      const mine = r.policies.find((p: { pattern: string }) => p.pattern === PATTERN);
      expect(mine).toMatchObject({ keep: 2, fileCount: 1, files: [{ path: "/var/log/contract/app.log", bytes: 2, generations: [{ name: "app.log.1", bytes: 6 }] }] });
      expect(r.policies.some((p: { builtin: boolean; pattern: string }) => p.builtin && p.pattern === "/var/log/aios/aios.log")).toBe(true);
    },
    teardown: forget,
  },
});
