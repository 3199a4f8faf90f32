/**
 * Kernel command-line overrides: `aios.<key>=<value>`. Short aliases cover the
 * common keys; any config key can be reached by its dotted path
 * (`aios.boot.min_memory_mb=512`). `aios.token` is not a config key: the admin
 * token never lives in config.toml.
 */
import * as v from "valibot";
import { ConfigSchema, type Config } from "./schema";
import { describeIssue } from "./load";

const ALIASES: Record<string, string> = {
  hostname: "system.hostname",
  timezone: "system.timezone",
  loglevel: "system.log_level",
  log_level: "system.log_level",
  autonomy_level: "system.autonomy_level",
  autonomy: "system.autonomy_level",
  port: "network.management_port",
};

export interface CmdlineOverrides {
  /** Dotted config path → raw string value, in command-line order. */
  config: Array<[string, string]>;
  token?: string;
}

/** Splits a kernel command line into `aios.*` settings; quotes are honoured as the kernel does. */
export function parseCmdline(cmdline: string): CmdlineOverrides {
  const out: CmdlineOverrides = { config: [] };
  for (const m of cmdline.matchAll(/(?:[^\s"]+|"[^"]*")+/g)) {
    const word = m[0].replaceAll('"', "");
    if (!word.startsWith("aios.")) continue;
    const eq = word.indexOf("=");
    if (eq < 0) continue;
    const key = word.slice(5, eq);
    const value = word.slice(eq + 1);
    if (key === "token") out.token = value;
    else out.config.push([ALIASES[key] ?? key, value]);
  }
  return out;
}

/** "42" → 42, "true" → true, a JSON array stays an array, anything else stays a string. */
function coerce(value: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (value === "true" || value === "false") return value === "true";
  if (value.startsWith("[")) {
    try {
      return JSON.parse(value);
    } catch {
      // The kernel's quoting leaves no quotes inside a word: [127.0.0.1:80,10.0.0.0/8] is a list of strings.
      const inner = /^\[(.*)\]$/.exec(value)?.[1];
      return inner === undefined ? value : inner.split(",").map((x) => x.trim()).filter((x) => x !== "");
    }
  }
  return value;
}

const FORBIDDEN_KEYS = new Set(["__proto__", "prototype", "constructor"]);

/** The config with one dotted path set to `value`, or the reason it cannot be. */
function withValue(config: Config, path: string, value: unknown): { config: Config } | { problem: string } {
  const keys = path.split(".");
  if (keys.some((k) => FORBIDDEN_KEYS.has(k) || k === "")) return { problem: "not a config key" };
  const next = structuredClone(config) as Record<string, any>;
  let node = next;
  for (const k of keys.slice(0, -1)) {
    if (!Object.hasOwn(node, k) || typeof node[k] !== "object" || node[k] === null) node[k] = {};
    node = node[k];
  }
  node[keys.at(-1)!] = value;
  const result = v.safeParse(ConfigSchema, next);
  return result.success ? { config: result.output } : { problem: describeIssue(result.issues[0]).replace(/^[^:]*: /, "") };
}

/**
 * Applies overrides one by one; an override that makes the config invalid is
 * dropped and reported, the others still apply. A value is tried as a number
 * or boolean first and as the plain string second, so `aios.hostname=42`
 * stays a hostname.
 */
export function applyOverrides(config: Config, overrides: Array<[string, string]>, origin = "kernel command line"): { config: Config; problems: string[]; applied: string[] } {
  let current = config;
  const problems: string[] = [];
  const applied: string[] = [];
  for (const [path, value] of overrides) {
    const coerced = coerce(value);
    const first = withValue(current, path, coerced);
    const r = "problem" in first && coerced !== value ? withValue(current, path, value) : first;
    if ("config" in r) {
      current = r.config;
      applied.push(path);
    } else if ("problem" in first) problems.push(`config: ${origin}: aios.${path}=${value}: ${first.problem}; ignored`);
  }
  return { config: current, problems, applied };
}
