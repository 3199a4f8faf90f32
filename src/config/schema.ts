/**
 * The schema of /etc/aios/config.toml: seed 003's sections plus [boot]. Every
 * key has a default, so an empty file is a valid configuration. Objects are
 * strict: a misspelt key is an error that names it, not a silently ignored line.
 */
import * as v from "valibot";
import { FLEET_ENTRIES } from "./fleet";
import { cronProblem } from "../sys/cron";

const hostname = v.pipe(
  v.string(),
  v.regex(/^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/, "must be letters, digits and inner hyphens, at most 63 characters"),
);
const port = v.pipe(v.number(), v.integer("must be an integer"), v.minValue(0, "must be 0..65535"), v.maxValue(65535, "must be 0..65535"));
/** An IANA time zone name as in /usr/share/zoneinfo ("UTC", "Europe/Berlin"); boot checks the file exists. */
export const TIME_ZONE = /^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+){0,2}$/;
const timezone = v.pipe(v.string(), v.maxLength(64, "must be at most 64 characters"), v.regex(TIME_ZONE, 'must be a time zone name such as "UTC" or "Europe/Berlin"'));
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
export const LOG_FORMATS = ["text", "json"] as const;
export const PLANNERS = ["gateway", "memory", "local", "heuristic"] as const;
export const AUTONOMY_LEVELS = ["full", "supervised", "manual"] as const;
/** How much a person supervises: the one definition (gate.ts, goals, agents and the API use it). */
export type AutonomyLevel = (typeof AUTONOMY_LEVELS)[number];
export const DEFAULT_FS_ROOTS = ["/etc", "/srv", "/var/www", "/var/lib/aios", "/var/log", "/tmp", "/home", "/opt", "/usr/local", "/run/aios"] as const;

/** "30s" → 30000; the schema's `duration` strings only. */
export function durationMs(text: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(text);
  if (!m) throw new Error(`not a duration: ${JSON.stringify(text)}`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "ms" | "s" | "m" | "h"];
}

const modelTier = (defaults: { max_tokens: number; temperature: number }) =>
  section({
    name: v.optional(v.string(), ""),
    always_loaded: v.optional(v.boolean(), false),
    load_on_demand: v.optional(v.boolean(), true),
    max_tokens: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(1, "must be at least 1")), defaults.max_tokens),
    temperature: v.optional(v.pipe(v.number(), v.minValue(0, "must be 0..2"), v.maxValue(2, "must be 0..2")), defaults.temperature),
    unload_after_idle: v.optional(duration, "5m"),
  });

export const PROTOCOLS = ["anthropic", "openai"] as const;
const url = v.pipe(v.string(), v.regex(/^(https?:\/\/\S+)?$/, "must be an http:// or https:// URL"));
const providerName = /^[a-z][a-z0-9_-]{0,31}$/;

/** One [api.<name>] table: how to reach a model provider, what it costs and how hard to push it. */
const providerTable = (d: { protocol: (typeof PROTOCOLS)[number]; base_url: string; api_key_file: string; model: string; fallback_only: boolean; price_input: number; price_output: number }) =>
  v.pipe(
    v.unknown(),
    notArray,
    v.strictObject({
      protocol: v.optional(v.picklist(PROTOCOLS, `must be one of ${PROTOCOLS.join(", ")}`), d.protocol),
      base_url: v.optional(url, d.base_url),
      /** "" means /var/lib/aios/secrets/<name>.key. */
      api_key_file: v.optional(v.string(), d.api_key_file),
      api_key: v.optional(v.string(), ""),
      model: v.optional(v.string(), d.model),
      max_tokens: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(1, "must be at least 1")), 4096),
      monthly_budget_usd: v.optional(positive, 0),
      rate_limit_rpm: v.optional(positive, 50),
      rate_limit_tpm: v.optional(positive, 0),
      timeout: v.optional(duration, "60s"),
      max_retries: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(0, "must be 0..10"), v.maxValue(10, "must be 0..10")), 2),
      price_input_per_mtok: v.optional(positive, d.price_input),
      price_output_per_mtok: v.optional(positive, d.price_output),
      fallback_only: v.optional(v.boolean(), d.fallback_only),
    }),
  );

/** [api.claude] and [api.openai] with their defaults, plus any [api.<name>] OpenAI-compatible server (Ollama, llama.cpp). */
const apiSection = () => {
  const known = {
    claude: v.optional(providerTable({ protocol: "anthropic", base_url: "https://api.anthropic.com", api_key_file: "/var/lib/aios/secrets/claude.key", model: "claude-sonnet-4-5-20250929", fallback_only: false, price_input: 3, price_output: 15 }), () => ({})),
    openai: v.optional(providerTable({ protocol: "openai", base_url: "https://api.openai.com/v1", api_key_file: "/var/lib/aios/secrets/openai.key", model: "gpt-4o", fallback_only: true, price_input: 2.5, price_output: 10 }), () => ({})),
  };
  const extra = providerTable({ protocol: "openai", base_url: "", api_key_file: "", model: "", fallback_only: false, price_input: 0, price_output: 0 });
  const schema = v.pipe(
    v.objectWithRest(known, extra),
    // Names the bad key, never echoes the table: it may hold an api_key.
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const t = dataset.value as Record<string, unknown>;
      const bad = Object.keys(t).find((k) => !providerName.test(k));
      if (bad !== undefined) {
        addIssue({ message: "must be a provider name: lower-case letters, digits, - and _, at most 32", input: bad, path: [{ type: "object", origin: "key", input: t, key: bad, value: t[bad] }] });
      }
    }),
  );
  return v.optional(v.pipe(v.unknown(), notArray, schema), () => ({}) as v.InferInput<typeof schema>);
};

export const NAMESPACES = ["mount", "pid", "ipc", "uts", "net"] as const;
export const LIMITS = ["nofile", "nproc", "as_mb", "cpu_s", "fsize_mb", "core_mb"] as const;
/** A user to run as: "" (aios-init's own, root), a name, a uid, or uid:gid. */
const runAs = v.pipe(v.string(), v.regex(/^$|^[a-z_][a-z0-9_-]{0,31}$|^\d{1,10}(:\d{1,10})?$/, 'must be "", a user name, a uid or uid:gid'));
const namespaceList = v.array(v.picklist(NAMESPACES, `must be one of ${NAMESPACES.join(", ")}`));
const limitTable = v.record(v.picklist(LIMITS, `must be one of ${LIMITS.join(", ")}`), v.pipe(v.number(), v.integer("must be an integer"), v.minValue(0, "must not be negative")));
/** [security.spawn]: how every agent's processes run. */
const spawnSection = section({
  /** "" keeps aios-init's own user (root); a name, uid or uid:gid runs every process as that user. */
  user: v.optional(runAs, ""),
  /** no_new_privs: setuid binaries and file capabilities grant nothing (sudo, su, ping's caps). */
  no_new_privs: v.optional(v.boolean(), true),
  /** Namespaces of their own: mount, pid (with its own /proc), ipc, uts, net (no network at all). */
  namespaces: v.optional(namespaceList, () => []),
  /** rlimits: nofile, nproc, as_mb (address space), cpu_s, fsize_mb, core_mb; a key left out is inherited. */
  limits: v.optional(limitTable, () => ({ nofile: 4096, core_mb: 0 })),
});
/** [security.agents.<name>]: what differs for one agent; every key left out is [security.spawn]'s. */
const agentSandbox = v.pipe(
  v.unknown(),
  notArray,
  v.strictObject({ user: v.optional(runAs), no_new_privs: v.optional(v.boolean()), namespaces: v.optional(namespaceList), limits: v.optional(limitTable) }),
);

export const ConfigSchema = v.strictObject(
  {
    system: section({
      hostname: v.optional(hostname, "aios"),
      timezone: v.optional(timezone, "UTC"),
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
      /**
       * Read ahead, while aios-init starts, what the last boot of this image read from the system
       * image (initramfs/init; src/sys/readahead.ts). In config.toml it takes effect at the next
       * boot; aios.boot.readahead=false on the kernel command line turns it off for that boot.
       */
      readahead: v.optional(v.boolean(), true),
    }),
    models: section({
      runtime: v.optional(v.picklist(["onnx"], "must be onnx"), "onnx"),
      model_dir: v.optional(v.string(), "/var/lib/aios/models"),
      /** The embedding model the memory layer uses (a name from GET /v1/models); "" means full-text search only. */
      embedding: v.optional(v.string(), ""),
      /** Loaded models' estimated memory stays under this; the least recently used idle model is unloaded to make room. */
      memory_budget_mb: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(1, "must be at least 1")), 512),
      /** Inference requests waiting at most; beyond it the API answers 429 with Retry-After. */
      queue_length: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(0, "must not be negative")), 32),
      /** Requests run at once (each already uses `threads` cores). */
      concurrency: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(1, "must be at least 1")), 1),
      /** onnxruntime intra-op threads; 0 means one per core. */
      threads: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(0, "must not be negative")), 0),
      operational: modelTier({ max_tokens: 512, temperature: 0.1 }),
      tactical: modelTier({ max_tokens: 2048, temperature: 0.3 }),
    }),
    api: apiSection(),
    gateway: section({
      /** Providers tried first to last; unlisted ones follow in file order; fallback_only ones come last. */
      order: v.optional(v.array(v.pipe(v.string(), v.regex(providerName, "must be a provider name"))), []),
      /** Longest a call waits for a rate limit or a retry-after before it tries the next provider. */
      max_wait: v.optional(duration, "10s"),
      cache: v.optional(v.boolean(), false),
      cache_ttl: v.optional(duration, "1h"),
      cache_dir: v.optional(v.string(), "/var/lib/aios/cache/gateway"),
    }),
    memory: section({
      operational_max_entries: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(1, "must be at least 1")), 10000),
      working_db: v.optional(v.string(), "/var/lib/aios/memory/working.db"),
      longterm_db: v.optional(v.string(), "/var/lib/aios/memory/longterm.db"),
      vector_db: v.optional(v.string(), "/var/lib/aios/vectors"),
      /** Long-term memory chunks: largest size and overlap with the previous chunk, in characters. */
      chunk_size: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(100, "must be 100..20000"), v.maxValue(20000, "must be 100..20000")), 1000),
      chunk_overlap: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(0, "must not be negative")), 150),
      /** IVF lists scanned per vector query; 0: a sixteenth of them or enough for ~4096 vectors, whichever is more (at least 8). */
      vector_nprobe: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(0, "must not be negative")), 0),
      /** Retention: decisions older than this many days, or beyond the newest N, are deleted (0: keep). */
      decision_max_age_days: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(0, "must not be negative")), 365),
      decision_max_count: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(0, "must not be negative")), 10000),
      /** Finished goals (done, failed, cancelled) older than this many days are deleted with their tasks (0: keep). */
      goal_retention_days: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(0, "must not be negative")), 90),
      /** How often maintenance (retention, PRAGMA optimize, VACUUM when a quarter of the file is free) is due. */
      compact_interval: v.optional(duration, "24h"),
    }),
    /**
     * How processes that agents start (process.spawn, service.*) run:
     * [security.spawn] for every agent, [security.agents.<name>] key by key
     * for one (issue 11: least privilege, enforced in the VM by a wrapper,
     * tools/process/sandbox.ts). The old capability_mode, audit_all_tool_calls,
     * sandbox_untrusted and auto_patch keys were parsed and never read: removed.
     */
    security: section({
      spawn: spawnSection,
      agents: v.optional(v.record(v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_-]*$/, "must be an agent name")), agentSandbox), () => ({})),
    }),
    tools: section({
      /** Guest directories the fs.* tools may touch; anything else (and any symlink leading out) is refused. */
      fs_roots: v.optional(v.array(v.pipe(v.string(), v.regex(/^\/[^\0]*$/, "must be an absolute path"))), () => [...DEFAULT_FS_ROOTS]),
      /** Deadline for tools that declare none of their own (timeoutMs 0). */
      default_timeout: v.optional(duration, "30s"),
    }),
    orchestrator: section({
      /** Planners tried in this order; each says why it passed (gateway, memory, local, heuristic). */
      planners: v.optional(
        v.pipe(
          v.array(v.picklist(PLANNERS, `must be one of ${PLANNERS.join(", ")}`)),
          v.check((l) => new Set(l).size === l.length, "must not name a planner twice"),
        ),
        () => [...PLANNERS],
      ),
      /** A failed or cancelled goal undoes its reversible tool calls, newest first. */
      rollback_on_failure: v.optional(v.boolean(), true),
      max_concurrent_goals: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(1, "must be at least 1"), v.maxValue(16, "must be at most 16")), 2),
      /** A model planner's tool loop (observe, decide, act) stops after this many decisions... */
      max_steps: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(1, "must be at least 1"), v.maxValue(100, "must be at most 100")), 12),
      /** ...or this many tokens read and written by the model over the whole goal... */
      max_tokens: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(100, "must be at least 100")), 100_000),
      /** ...or this long (waits for approval not counted), or when the month's budget is spent. */
      max_time: v.optional(duration, "5m"),
      /** A failed task makes a model re-plan with the failure in view, at most this many times per goal; then the goal fails with the reasons. */
      max_replans: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(0, "must be 0..10"), v.maxValue(10, "must be 0..10")), 2),
      /** A task that failed for a reason that may pass (a timeout, a busy resource) runs again, at most this many times. */
      max_retries: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(0, "must be 0..10"), v.maxValue(10, "must be 0..10")), 2),
    }),
    autonomy: section({
      /** How often the loop checks services, disks, memory, load and the watchlist, and runs due jobs. */
      // valibot runs the check even when the regex failed: a malformed duration is that issue alone (found by fuzzing).
      tick: v.optional(v.pipe(duration, v.check((d) => !/^\d+(ms|s|m|h)$/.test(d) || durationMs(d) >= 1000, "must be at least 1s")), "30s"),
      /** A service that gave up (failed) is restarted at most once per this interval. */
      heal_interval: v.optional(duration, "5m"),
      /** Scheduled jobs besides those added with schedule.add: each runs a goal or one tool call. */
      jobs: v.optional(
        v.array(
          v.pipe(
            v.strictObject({
              name: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, "must be 1-64 of a-z 0-9 _ . - starting with a letter or digit")),
              cron: v.pipe(
                v.string(),
                v.minLength(1, "must not be empty"),
                v.rawCheck(({ dataset, addIssue }) => {
                  const why = dataset.typed ? cronProblem(dataset.value) : null;
                  if (why) addIssue({ message: `not a cron expression: ${why}` });
                }),
              ),
              goal: v.optional(v.string()),
              tool: v.optional(v.string()),
              args: v.optional(v.record(v.string(), v.unknown()), () => ({})),
              agent: v.optional(v.string()),
            }),
            v.check((j) => (j.goal === undefined) !== (j.tool === undefined), "needs exactly one of goal or tool"),
          ),
        ),
        () => [],
      ),
    }),
    network: section({
      management_port: v.optional(port, 9090),
      /** Address the management API binds to in the guest; dev mode always binds 127.0.0.1. */
      management_address: v.optional(v.pipe(v.string(), v.ip("must be an IP address")), "0.0.0.0"),
      management_tls: v.optional(v.boolean(), false),
      tls_cert: v.optional(v.string(), "/var/lib/aios/secrets/tls.crt"),
      tls_key: v.optional(v.string(), "/var/lib/aios/secrets/tls.key"),
      /** false: the net.* tools reach only what egress_allow names (net/egress.ts). */
      allow_outbound: v.optional(v.boolean(), true),
      /** What the net.* tools may reach although the egress policy denies it by default (loopback, link-local, the management API by its port). */
      egress_allow: v.optional(
        v.array(v.pipe(v.string(), v.regex(/^(\[[0-9a-fA-F:.]+\]|[0-9.]+)(\/\d{1,3})?(:\d{1,5})?$|^[0-9a-fA-F:]+(\/\d{1,3})?$/, 'must be an address or CIDR with an optional port, such as "127.0.0.1:80", "10.0.0.0/8" or "[::1]:8080"'))),
        () => [],
      ),
      interface: v.optional(v.string(), "eth0"),
      dhcp: v.optional(v.boolean(), true),
      static_address: v.optional(v.pipe(v.string(), v.regex(/^\d+\.\d+\.\d+\.\d+\/\d+$/, "must be an address with prefix, such as 10.0.2.15/24")), "10.0.2.15/24"),
      gateway: v.optional(v.pipe(v.string(), v.ip("must be an IP address")), "10.0.2.2"),
      dns_servers: v.optional(v.array(v.pipe(v.string(), v.ip("must be an IP address"))), ["10.0.2.3"]),
    }),
    pkg: section({
      /** apt repositories, tried in order: [[pkg.repositories]] url/suite/components. */
      repositories: v.optional(
        v.array(
          v.strictObject({
            url: v.pipe(v.string(), v.regex(/^(file:\/\/\/\S*|https?:\/\/\S+)$/, "must be a file:///path or http:// URL")),
            suite: v.optional(v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9._-]*$/, "must be a suite name such as bookworm")), "bookworm"),
            components: v.optional(v.array(v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9._/-]*$/, "must be a component name such as main"))), ["main"]),
          }),
        ),
        () => [{ url: "file:///mnt/repo", suite: "bookworm", components: ["main"] }],
      ),
      architecture: v.optional(v.pipe(v.string(), v.regex(/^[a-z0-9-]+$/, "must be a dpkg architecture such as amd64")), "amd64"),
      cache_dir: v.optional(v.string(), "/var/lib/aios/cache/pkg"),
      /** The base image's packages (generated at build time), so libc6 is never installed over it. */
      provided: v.optional(v.string(), "/etc/aios/pkg/provided"),
      /** Mounted read-only at a file:// repository's path when that path holds no repository. */
      repo_device: v.optional(v.string(), "LABEL=aios-repo"),
      timeout: v.optional(duration, "30s"),
    }),
    /** Fleet mode over NATS (src/config/fleet.ts, docs/fleet.md); off by default. */
    fleet: section(FLEET_ENTRIES),
    /** The log's line format: "text" for people, "json" (one object per line with time, level, component and the request, goal and call ids) for log shippers. */
    log: section({ format: v.optional(v.picklist(LOG_FORMATS, `must be one of ${LOG_FORMATS.join(", ")}`), "text") }),
  },
);

export type Config = v.InferOutput<typeof ConfigSchema>;

export function defaultConfig(): Config {
  return v.parse(ConfigSchema, {});
}
