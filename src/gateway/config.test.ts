import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig, parseConfig } from "../config";
import { openDatabase } from "../memory";
import { buildGateway, resolveProviders } from "./config";
import { UsageStore } from "./usage";

const KEY = "sk-ant-api03-CONFIGTEST-0123456789abcdef";
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "aios-gwcfg-"));
  mkdirSync(join(root, "var/lib/aios/secrets"), { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function cfg(toml: string) {
  const { config, problems } = parseConfig(toml, "config.toml");
  expect(problems).toEqual([]);
  return config;
}

function keyFile(name: string, mode = 0o600) {
  const path = join(root, "var/lib/aios/secrets", `${name}.key`);
  writeFileSync(path, `${KEY}\n`);
  chmodSync(path, mode);
}

describe("resolveProviders", () => {
  test("the shipped defaults: claude and openai, both waiting for a key", () => {
    const { providers, notes } = resolveProviders(defaultConfig(), root);
    expect(notes).toEqual([]);
    expect(providers.map((p) => [p.name, p.protocol, p.baseUrl, p.model, p.fallbackOnly, p.keySource])).toEqual([
      ["claude", "anthropic", "https://api.anthropic.com", "claude-sonnet-4-5-20250929", false, "none"],
      ["openai", "openai", "https://api.openai.com/v1", "gpt-4o", true, "none"],
    ]);
    expect(providers[0]).toMatchObject({ timeoutMs: 60_000, maxRetries: 2, rpm: 50, tpm: 0, monthlyBudgetUsd: 0, prices: { inputPerMtok: 3, outputPerMtok: 15 } });
    expect(providers[0]!.unusable).toBe("no key (no key file /var/lib/aios/secrets/claude.key; put the key there, mode 0600)");
  });

  test("a key file is read from the state root; a readable-by-others file is used with a note", () => {
    keyFile("claude", 0o644);
    const { providers, notes } = resolveProviders(defaultConfig(), root);
    expect(providers[0]!.key?.reveal()).toBe(KEY);
    expect(providers[0]!.keySource).toBe("file");
    expect(providers[0]!.unusable).toBeUndefined();
    expect(notes).toEqual(["key file /var/lib/aios/secrets/claude.key has mode 0644; it should be 0600 (chmod 600 /var/lib/aios/secrets/claude.key)"]);
  });

  test("api_key in config works, with a note that never quotes it", () => {
    const { providers, notes } = resolveProviders(cfg(`[api.openai]\napi_key = "${KEY}"\n`), root);
    expect(providers[1]!.keySource).toBe("config");
    expect(providers[1]!.key?.reveal()).toBe(KEY);
    expect(notes).toEqual(["api.openai.api_key is set in config.toml; a key file (/var/lib/aios/secrets/openai.key, mode 0600) keeps it out of the configuration"]);
    expect(JSON.stringify(providers)).not.toContain(KEY);
  });

  test("extra OpenAI-compatible providers: keyless allowed, base_url and model required; order first, unknown names noted", () => {
    const c = cfg(`[api.ollama]\nbase_url = "http://10.0.2.2:11434/v1"\nmodel = "qwen2.5:7b"\ntimeout = "2m"\n[api.broken]\nmodel = "x"\n[gateway]\norder = ["ollama", "nope"]\n`);
    const { providers, notes } = resolveProviders(c, root);
    expect(providers.map((p) => p.name)).toEqual(["ollama", "claude", "openai", "broken"]);
    expect(providers[0]).toMatchObject({ protocol: "openai", keySource: "none", keyRequired: false, timeoutMs: 120_000, prices: { inputPerMtok: 0, outputPerMtok: 0 } });
    expect(providers[0]!.unusable).toBeUndefined();
    expect(providers[3]!.unusable).toBe("no base_url in [api.broken]");
    expect(notes).toEqual(["gateway.order: no provider named nope (there is no [api.nope])"]);
  });

  test("config errors name the key without echoing a table that holds a key", () => {
    const bad = parseConfig(`[api.Claude2]\napi_key = "${KEY}"\n`, "config.toml");
    expect(bad.problems).toEqual(['config: config.toml: line 1: api.Claude2: must be a provider name: lower-case letters, digits, - and _, at most 32 (got "Claude2"); left out']);
    expect(parseConfig(`[api.claude]\nprotocol = "grpc"\n`, "c").problems[0]).toContain("api.claude.protocol: must be one of anthropic, openai");
    expect(parseConfig(`[api.claude]\nbase_url = "ftp://x"\n`, "c").problems[0]).toContain("api.claude.base_url: must be an http:// or https:// URL");
  });
});

describe("buildGateway", () => {
  test("no callable provider: no gateway, no database opened, and the reason", () => {
    let opened = false;
    const b = buildGateway(defaultConfig(), { root, usage: () => ((opened = true), new UsageStore(openDatabase(":memory:"))) });
    expect(b.gateway).toBeNull();
    expect(opened).toBe(false);
    expect(b.reason).toBe(
      "no provider can be called (claude: no key (no key file /var/lib/aios/secrets/claude.key; put the key there, mode 0600); openai: no key (no key file /var/lib/aios/secrets/openai.key; put the key there, mode 0600))",
    );
  });

  test("a key is enough to build one; the cache lives under the state root", () => {
    keyFile("claude");
    const b = buildGateway(cfg(`[gateway]\ncache = true\ncache_ttl = "10m"\n`), { root, usage: () => new UsageStore(openDatabase(":memory:")) });
    expect(b.gateway).not.toBeNull();
    expect(b.gateway!.status().cache).toEqual({ enabled: true, ttlMs: 600_000, dir: join(root, "var/lib/aios/cache/gateway") });
  });
});
