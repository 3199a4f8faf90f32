import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { AUTONOMY_LEVELS, ConfigSchema, defaultConfig, LOG_LEVELS, parseConfig } from "./index";

const COMMITTED = join(import.meta.dir, "../../rootfs/etc/aios/config.toml");

describe("defaultConfig", () => {
  test("an empty TOML file gives the documented defaults", () => {
    const { config, problems } = parseConfig("", "empty.toml");
    expect(problems).toEqual([]);
    expect(config.network.management_port).toBe(9090);
    expect(config.network.management_address).toBe("0.0.0.0");
    expect(config.network.dns_servers).toEqual(["10.0.2.3"]);
    expect(config.network.dhcp).toBe(true);
    expect(config.system).toEqual({ hostname: "aios", timezone: "UTC", log_level: "info", autonomy_level: "supervised" });
    expect(config.boot).toEqual({ min_memory_mb: 256, min_cpus: 1, data_device: "/dev/vda", shell: "/bin/sh", readahead: true });
    expect(config.models.operational.max_tokens).toBe(512);
    expect(config.models.operational.temperature).toBe(0.1);
    expect(config.models.tactical.max_tokens).toBe(2048);
    expect(config.models.tactical.temperature).toBe(0.3);
    expect(config.api.claude.fallback_only).toBe(false);
    expect(config.api.openai.fallback_only).toBe(true);
    expect(config.api.openai.model).toBe("gpt-4o");
    expect(config.security.spawn).toEqual({ user: "", no_new_privs: true, namespaces: [], limits: { nofile: 4096, core_mb: 0 } });
    expect(config.memory.operational_max_entries).toBe(10000);
  });

  test("empty file, empty object and defaultConfig() agree", () => {
    expect(parseConfig("", "x").config).toEqual(defaultConfig());
    expect(v.parse(ConfigSchema, {})).toEqual(defaultConfig());
  });

  test("a section present but empty still gets every default", () => {
    const { config, problems } = parseConfig("[system]\n[network]\n", "x");
    expect(problems).toEqual([]);
    expect(config).toEqual(defaultConfig());
  });

  test("each call returns a fresh object", () => {
    const a = defaultConfig();
    a.network.dns_servers.push("1.1.1.1");
    a.system.hostname = "changed";
    expect(defaultConfig().network.dns_servers).toEqual(["10.0.2.3"]);
    expect(defaultConfig().system.hostname).toBe("aios");
  });

  test("level lists", () => {
    expect([...LOG_LEVELS]).toEqual(["debug", "info", "warn", "error"]);
    expect([...AUTONOMY_LEVELS]).toEqual(["full", "supervised", "manual"]);
  });
});

describe("committed rootfs/etc/aios/config.toml", () => {
  const text = readFileSync(COMMITTED, "utf8");

  test("parses with no problems", () => {
    expect(parseConfig(text, COMMITTED).problems).toEqual([]);
  });

  test("equals the defaults, key for key", () => {
    expect(parseConfig(text, COMMITTED).config).toEqual(defaultConfig());
  });

  test("names every key of every section (nothing undocumented)", () => {
    // Keys written in the file, per table; compare with the schema's output keys.
    const raw = Bun.TOML.parse(text) as Record<string, Record<string, unknown>>;
    expect(Object.keys(raw.system!).sort()).toEqual(Object.keys(defaultConfig().system).sort());
    expect(Object.keys(raw.boot!).sort()).toEqual(Object.keys(defaultConfig().boot).sort());
    expect(Object.keys(raw.network!).sort()).toEqual(Object.keys(defaultConfig().network).sort());
    expect(Object.keys(raw.security!.spawn as object).sort()).toEqual(Object.keys(defaultConfig().security.spawn).sort());
    expect(text).toContain("# [security.agents.dev]"); // per-agent tables: documented by an example
    expect(Object.keys(raw.memory!).sort()).toEqual(Object.keys(defaultConfig().memory).sort());
  });
});
