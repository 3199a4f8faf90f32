/**
 * The schema of /etc/aios/config.toml: seed 003's sections plus [boot]. Every
 * key has a default, so an empty file is a valid configuration. Objects are
 * strict: a misspelt key is an error that names it, not a silently ignored line.
 */
import * as v from "valibot";

const hostname = v.pipe(
  v.string(),
  v.regex(/^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/, "must be letters, digits and inner hyphens, at most 63 characters"),
);
const port = v.pipe(v.number(), v.integer("must be an integer"), v.minValue(0, "must be 0..65535"), v.maxValue(65535, "must be 0..65535"));
const positive = v.pipe(v.number(), v.minValue(0, "must not be negative"));
const duration = v.pipe(v.string(), v.regex(/^\d+(ms|s|m|h)$/, 'must be a duration such as "30s", "5m" or "1h"'));
/** valibot takes arrays for objects; a TOML array where a table belongs is a mistake worth naming. */
const notArray = v.check((input: unknown) => !Array.isArray(input), "must be a table");
/** A table whose keys all have defaults, so a missing table means "all defaults". */
const section = <T extends v.ObjectEntries>(entries: T) => {
  const schema = v.strictObject(entries);
  return v.optional(v.pipe(v.unknown(), notArray, schema), () => ({}) as v.InferInput<typeof schema>);
};

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export const AUTONOMY_LEVELS = ["full", "supervised", "manual"] as const;

const modelTier = (defaults: { max_tokens: number; temperature: number }) =>
  section({
    name: v.optional(v.string(), ""),
    always_loaded: v.optional(v.boolean(), false),
    load_on_demand: v.optional(v.boolean(), true),
    max_tokens: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(1, "must be at least 1")), defaults.max_tokens),
    temperature: v.optional(v.pipe(v.number(), v.minValue(0, "must be 0..2"), v.maxValue(2, "must be 0..2")), defaults.temperature),
    unload_after_idle: v.optional(duration, "5m"),
  });

const provider = (defaults: { model: string; fallback_only: boolean }) =>
  section({
    model: v.optional(v.string(), defaults.model),
    max_tokens: v.optional(v.pipe(v.number(), v.integer("must be an integer")), 4096),
    monthly_budget_usd: v.optional(positive, 0),
    rate_limit_rpm: v.optional(positive, 50),
    fallback_only: v.optional(v.boolean(), defaults.fallback_only),
  });

export const ConfigSchema = v.strictObject(
  {
    system: section({
      hostname: v.optional(hostname, "aios"),
      log_level: v.optional(v.picklist(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(", ")}`), "info"),
      autonomy_level: v.optional(v.picklist(AUTONOMY_LEVELS, `must be one of ${AUTONOMY_LEVELS.join(", ")}`), "supervised"),
    }),
    boot: section({
      min_memory_mb: v.optional(positive, 256),
      min_cpus: v.optional(positive, 1),
      /** The disk that holds /var/lib/aios; formatted on first boot only if blank. */
      data_device: v.optional(v.string(), "/dev/vda"),
      /** Shell for the REPL's `shell` command and the emergency console. */
      shell: v.optional(v.string(), "/bin/sh"),
    }),
    models: section({
      runtime: v.optional(v.picklist(["onnx"], "must be onnx"), "onnx"),
      model_dir: v.optional(v.string(), "/var/lib/aios/models"),
      operational: modelTier({ max_tokens: 512, temperature: 0.1 }),
      tactical: modelTier({ max_tokens: 2048, temperature: 0.3 }),
    }),
    api: section({
      claude: provider({ model: "claude-sonnet-4-5-20250929", fallback_only: false }),
      openai: provider({ model: "gpt-4o", fallback_only: true }),
    }),
    memory: section({
      operational_max_entries: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(1, "must be at least 1")), 10000),
      working_db: v.optional(v.string(), "/var/lib/aios/memory/working.db"),
      longterm_db: v.optional(v.string(), "/var/lib/aios/memory/longterm.db"),
      vector_db: v.optional(v.string(), "/var/lib/aios/vectors"),
    }),
    security: section({
      capability_mode: v.optional(v.picklist(["strict", "permissive"], "must be strict or permissive"), "strict"),
      audit_all_tool_calls: v.optional(v.boolean(), true),
      sandbox_untrusted: v.optional(v.boolean(), true),
      auto_patch: v.optional(v.boolean(), false),
    }),
    network: section({
      management_port: v.optional(port, 9090),
      /** Address the management API binds to in the guest; dev mode always binds 127.0.0.1. */
      management_address: v.optional(v.pipe(v.string(), v.ip("must be an IP address")), "0.0.0.0"),
      management_tls: v.optional(v.boolean(), false),
      tls_cert: v.optional(v.string(), "/var/lib/aios/secrets/tls.crt"),
      tls_key: v.optional(v.string(), "/var/lib/aios/secrets/tls.key"),
      allow_outbound: v.optional(v.boolean(), true),
      interface: v.optional(v.string(), "eth0"),
      dhcp: v.optional(v.boolean(), true),
      static_address: v.optional(v.pipe(v.string(), v.regex(/^\d+\.\d+\.\d+\.\d+\/\d+$/, "must be an address with prefix, such as 10.0.2.15/24")), "10.0.2.15/24"),
      gateway: v.optional(v.pipe(v.string(), v.ip("must be an IP address")), "10.0.2.2"),
      dns_servers: v.optional(v.array(v.pipe(v.string(), v.ip("must be an IP address"))), ["10.0.2.3"]),
    }),
  },
);

export type Config = v.InferOutput<typeof ConfigSchema>;

export function defaultConfig(): Config {
  return v.parse(ConfigSchema, {});
}
