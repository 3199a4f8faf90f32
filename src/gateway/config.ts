/**
 * From config.toml to a running gateway: each [api.<name>] table becomes a
 * ProviderConfig (key read from its file, or from `api_key`), [gateway]
 * gives the order, the longest wait and the cache. Problems worth a console
 * line (a key file others can read, a key in config.toml, an unknown name in
 * `order`) come back as notes; none of them names a key.
 */
import { join } from "node:path";
import { type Config, durationMs } from "../config";
import { ResponseCache } from "./cache";
import { type GatewayOptions, ModelGateway } from "./gateway";
import { type Clock, realClock } from "./limiter";
import type { ProviderConfig } from "./providers/provider";
import { readKeyFile, Secret } from "./secrets";
import type { UsageStore } from "./usage";

/** Providers that are paid cloud APIs: they are never called without a key. */
const KEYED = new Set(["claude", "openai"]);

export function defaultKeyFile(name: string): string {
  return `/var/lib/aios/secrets/${name}.key`;
}

type ProviderTable = Config["api"]["claude"];

function resolveOne(name: string, t: ProviderTable, root: string, notes: string[]): ProviderConfig {
  const keyFile = t.api_key_file || defaultKeyFile(name);
  const keyRequired = KEYED.has(name);
  let key: Secret | null = null;
  let keySource: ProviderConfig["keySource"] = "none";
  let missing: string | undefined;
  if (t.api_key) {
    key = new Secret(t.api_key);
    keySource = "config";
    notes.push(`api.${name}.api_key is set in config.toml; a key file (${keyFile}, mode 0600) keeps it out of the configuration`);
  } else {
    const read = readKeyFile(join(root, keyFile), keyFile);
    if (read.key) {
      key = read.key;
      keySource = "file";
      if (read.note) notes.push(read.note);
    } else missing = read.note;
  }
  let unusable: string | undefined;
  if (!t.base_url) unusable = `no base_url in [api.${name}]`;
  else if (!t.model) unusable = `no model in [api.${name}]`;
  else if (keyRequired && !key) unusable = `no key (${missing ?? `no key file ${keyFile}`}; put the key there, mode 0600)`;
  return {
    name,
    protocol: t.protocol,
    baseUrl: t.base_url,
    model: t.model,
    maxTokens: t.max_tokens,
    timeoutMs: durationMs(t.timeout),
    maxRetries: t.max_retries,
    rpm: t.rate_limit_rpm,
    tpm: t.rate_limit_tpm,
    monthlyBudgetUsd: t.monthly_budget_usd,
    prices: { inputPerMtok: t.price_input_per_mtok, outputPerMtok: t.price_output_per_mtok },
    fallbackOnly: t.fallback_only,
    key,
    keySource,
    keyRequired,
    unusable,
  };
}

/** Every [api.*] provider, in `[gateway] order` first, then in file order. */
export function resolveProviders(config: Config, root: string): { providers: ProviderConfig[]; notes: string[] } {
  const notes: string[] = [];
  const tables = config.api as Record<string, ProviderTable>;
  const names = Object.keys(tables);
  for (const n of config.gateway.order) if (!names.includes(n)) notes.push(`gateway.order: no provider named ${n} (there is no [api.${n}])`);
  const ordered = [...new Set([...config.gateway.order.filter((n) => names.includes(n)), ...names])];
  return { providers: ordered.map((n) => resolveOne(n, tables[n]!, root, notes)), notes };
}

export interface GatewayBuild {
  /** Null when no provider can be called; `reason` says why. */
  gateway: ModelGateway | null;
  providers: ProviderConfig[];
  notes: string[];
  reason?: string;
}

/** `usage` is called only when a gateway is built, so a system with no provider never opens the database. */
export function buildGateway(config: Config, opts: { root: string; usage: () => UsageStore; clock?: Clock; backoff?: GatewayOptions["backoff"] }): GatewayBuild {
  const { providers, notes } = resolveProviders(config, opts.root);
  if (!providers.some((p) => !p.unusable)) {
    const why = providers.map((p) => `${p.name}: ${p.unusable}`).join("; ");
    return { gateway: null, providers, notes, reason: `no provider can be called (${why})` };
  }
  const g = config.gateway;
  const cache = g.cache ? new ResponseCache(join(opts.root, g.cache_dir), durationMs(g.cache_ttl), opts.clock ?? realClock) : null;
  return { gateway: new ModelGateway({ providers, usage: opts.usage(), maxWaitMs: durationMs(g.max_wait), cache, clock: opts.clock, backoff: opts.backoff }), providers, notes };
}
