/** Contract fixtures for the sys.* tools (see src/tools/contract.ts): real old and new files in the sandbox and the data directory. */
import { expect } from "bun:test";
import { existsSync, mkdirSync, readlinkSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type ContractEnv, defineFixtures } from "../contract.testing";
import { readSetting, writeSetting } from "./settings";

const TEN_DAYS_AGO = new Date(Date.now() - 10 * 86_400_000);

function put(path: string, content: string, old: boolean): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  if (old) utimesSync(path, TEN_DAYS_AGO, TEN_DAYS_AGO);
  return path;
}

let undoTarget = "";
const undoEntry = (t: ContractEnv) => join(t.env.paths.data, "cache/undo/contract-sys-old");

export const fixtures = defineFixtures({
  "sys.cleanup": {
    setup: (t) => {
      put(t.host("/tmp/old.txt"), "old", true);
      put(t.host("/tmp/new.txt"), "new", false);
      put(t.host("/var/log/nginx/access.log.1"), "rotated", true);
      put(t.host("/var/log/nginx/access.log"), "live", true);
      put(join(undoEntry(t), "file"), "copy", true);
      utimesSync(undoEntry(t), TEN_DAYS_AGO, TEN_DAYS_AGO);
    },
    args: { scopes: [{ kind: "tmp", olderThanDays: 1 }, { kind: "logs", olderThanDays: 1 }] },
    invalid: [
      { args: {}, field: "args.scopes" },
      { args: { scopes: [{ kind: "tmp", olderThanDays: -1 }] }, field: "args.scopes.0.olderThanDays" },
      { args: { scopes: [{ kind: "undo-cache", olderThanDays: 1 }] }, field: "args.scopes.0.kind" },
      { args: { scopes: [{ kind: "tmp", olderThanDays: 1 }], dryRun: "no" }, field: "args.dryRun" },
    ],
    verify: (r, t) => {
      const paths = r.removed.map((x: { path: string }) => x.path);
      expect(paths.sort()).toEqual(["/tmp/old.txt", "/var/log/nginx/access.log.1"]);
      expect(r.freedBytes).toBe(3 + 7);
      expect([existsSync(t.host("/tmp/new.txt")), existsSync(t.host("/var/log/nginx/access.log")), existsSync(t.host("/tmp/old.txt")), existsSync(undoEntry(t))]).toEqual([true, true, false, true]);
    },
    teardown: (t) => rmSync(undoEntry(t), { recursive: true, force: true }),
  },
  "sys.undo": {
    setup: async (t) => {
      const out = await t.executor.call({ tool: "fs.write", args: { path: "/srv/undo-me", content: "x" }, agent: t.agent });
      undoTarget = out.callId;
    },
    args: () => ({ call: undoTarget }),
    invalid: [
      { args: { call: "12" }, field: "args.call" },
      { args: { goal: 0 }, field: "args.goal" },
      { args: { call: "c1", goal: 1 }, field: "args" },
    ],
    verify: (r, t) => {
      expect(r).toMatchObject({ target: "call", undone: [{ callId: undoTarget, tool: "fs.write" }], failed: null });
      expect(existsSync(t.host("/srv/undo-me"))).toBe(false);
    },
  },
  "sys.uptime": {
    args: {},
    invalid: [{ args: { since: "boot" }, field: "args.since" }],
    verify: (r) => {
      expect(r.uptimeSeconds).toBeGreaterThan(0);
      expect(r.cpuCount).toBeGreaterThanOrEqual(1);
      expect(Date.parse(r.bootTime)).toBeLessThan(Date.now());
    },
  },
  "sys.version": {
    args: {},
    invalid: [{ args: { verbose: true }, field: "args.verbose" }],
    verify: (r) => {
      expect(r.kernel.name).toBe("Linux");
      expect(r.kernel.release).toMatch(/^\d+\.\d+/);
      expect(r.aios.version).toMatch(/^\d+\.\d+\.\d+/);
    },
  },
  "sys.time": {
    // A zone set as sys.timezone leaves it: stored on the data disk, /etc/localtime linked to its file.
    setup: (t) => {
      writeSetting(t.env.paths.data, "timezone", "Asia/Tokyo");
      mkdirSync(t.host("/etc"), { recursive: true });
      rmSync(t.host("/etc/localtime"), { force: true });
      symlinkSync("/usr/share/zoneinfo/Asia/Tokyo", t.host("/etc/localtime"));
    },
    args: {},
    invalid: [{ args: { zone: "UTC" }, field: "args.zone" }],
    verify: (r) => {
      expect(r).toMatchObject({ zone: "Asia/Tokyo", utcOffset: "+09:00", source: "localtime", setByAios: true });
      // Tokyo has no daylight saving: its local time is UTC plus nine hours, to the second the call read.
      const utc = Date.parse(r.utc);
      expect(Math.abs(Date.parse(`${r.localTime.replace(" ", "T")}Z`) - (utc - (utc % 1000) + 9 * 3_600_000))).toBeLessThanOrEqual(1000);
    },
    teardown: (t) => {
      writeSetting(t.env.paths.data, "timezone", null);
      rmSync(t.host("/etc/localtime"), { force: true });
    },
  },
  "sys.hostname": {
    args: { name: "web-1.example" },
    invalid: [
      { args: { name: "-web" }, field: "args.name" },
      { args: { name: "a".repeat(65) }, field: "args.name" },
      { args: { name: "web_1" }, field: "args.name" },
    ],
    state: (t) => readSetting(t.env.paths.data, "hostname"),
    verify: (r, t) => {
      expect(r).toMatchObject({ hostname: "web-1.example", live: false, persisted: true, bootOverride: null });
      expect(readSetting(t.env.paths.data, "hostname")).toBe("web-1.example");
    },
  },
  "sys.timezone": {
    args: { zone: "Europe/Berlin" },
    invalid: [
      { args: { zone: "../../etc/passwd" }, field: "args.zone" },
      { args: { zone: "Europe/Berln" }, field: "args.zone" },
      { args: { zone: 1 }, field: "args.zone" },
    ],
    state: (t) => readSetting(t.env.paths.data, "timezone"),
    verify: (r, t) => {
      expect(r).toMatchObject({ zone: "Europe/Berlin", live: false, persisted: true, localtime: "/etc/localtime -> /usr/share/zoneinfo/Europe/Berlin" });
      expect(r.utcOffset).toMatch(/^\+0[12]:00$/);
      expect(readlinkSync(t.host("/etc/localtime"))).toBe("/usr/share/zoneinfo/Europe/Berlin");
      expect(readSetting(t.env.paths.data, "timezone")).toBe("Europe/Berlin");
    },
    skip: existsSync("/usr/share/zoneinfo/Europe/Berlin") ? undefined : "no tzdata on this host (dev mode reads the host's /usr/share/zoneinfo)",
  },
  "sys.power": {
    args: { action: "reboot", delaySeconds: 0 },
    invalid: [
      { args: { action: "halt" }, field: "args.action" },
      { args: { action: "reboot", delaySeconds: 3601 }, field: "args.delaySeconds" },
    ],
    skip: "dev mode refuses by design (code unavailable, power.test.ts); test/vm/system.test.ts reboots for real",
  },
});
