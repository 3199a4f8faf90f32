import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig } from "../../config";
import { closePort, rulesPath, writeRules } from "../../tools/firewall";
import { createContext, layout } from "../context";
import { chooseSetting, firewallStep, settingsStep } from "./restore";
import { services } from "./services";
import { storage } from "./storage";

const dir = mkdtempSync(join(tmpdir(), "aios-restore-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const valid = (v: string) => /^[a-z0-9-]+$/.test(v);

describe("which hostname or zone boot applies", () => {
  test("the kernel command line wins, then the data disk, then config.toml", () => {
    expect(chooseSetting("system.hostname", "node1", "web1", valid, ["system.hostname"])).toEqual({ value: "node1", source: "kernel command line" });
    expect(chooseSetting("system.hostname", "aios", "web1", valid, ["system.log_level"])).toEqual({ value: "web1", source: "data disk" });
    expect(chooseSetting("system.hostname", "aios", null, valid)).toEqual({ value: "aios", source: "config.toml" });
  });

  test("a stored value that no longer validates is reported and not applied", () => {
    expect(chooseSetting("system.hostname", "aios", "bad_name!", valid)).toEqual({ value: "aios", source: "config.toml", ignored: "bad_name!" });
  });
});

describe("the restore steps", () => {
  test("run where boot needs them: settings once the data disk is mounted, the firewall once the tool system is open", () => {
    const names = (steps: Array<{ name: string }>) => steps.map((s) => s.name);
    const storageSteps = names(storage.steps);
    expect(storageSteps.indexOf(settingsStep.name)).toBe(storageSteps.indexOf("last good config") + 1);
    expect(storageSteps.indexOf("last good config")).toBe(storageSteps.indexOf("layout") + 1);
    expect(names(services.steps).indexOf(firewallStep.name)).toBe(names(services.steps).indexOf("tools") + 1);
    expect(settingsStep.pid1Only && firewallStep.pid1Only).toBe(true);
    expect(settingsStep.required === false && firewallStep.required === false).toBe(true);
  });

  test("the firewall step does nothing without kept rules", async () => {
    const ctx = createContext({ mode: "dev", config: defaultConfig(), paths: layout(dir) }, () => {});
    expect(await firewallStep.run(ctx, {})).toEqual({ skip: "no rules kept" });
    writeRules(rulesPath(ctx.paths.data), closePort([], { port: 22, protocol: "tcp", from: null }).rules);
    expect(await firewallStep.run(ctx, {})).toEqual({ skip: "no tool system" });
    expect(firewallStep.describe(ctx)).toContain("firewall/rules.json");
  });
});
