/**
 * Where the API is and which token to send, in order: the flags (--url,
 * --token, --nats), the environment (AIOS_URL, AIOS_TOKEN, AIOS_NATS), then
 * ~/.config/aios/config.toml ($XDG_CONFIG_HOME/aios/config.toml):
 *
 *   url = "http://127.0.0.1:8080"
 *   token = "secret"             # keep the file mode 0600
 *   nats = "nats://10.0.2.2:4222"
 *
 * The default URL is `make run`'s forward, http://127.0.0.1:8080.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { usageError } from "./errors";

export const DEFAULT_URL = "http://127.0.0.1:8080";
const KEYS = ["url", "token", "nats"] as const;
type Key = (typeof KEYS)[number];

export interface Settings {
  url: string;
  token?: string;
  nats?: string;
  /** Where each came from ("--url", "AIOS_URL", the config file, "default"), for error messages. */
  from: Partial<Record<Key, string>>;
  /** Problems that do not stop the command (a token in a file others can read). */
  warnings: string[];
}

export function configPath(env: Record<string, string | undefined> = process.env, home = homedir()): string {
  return join(env.XDG_CONFIG_HOME || join(home, ".config"), "aios", "config.toml");
}

/** The config file's keys; a key it does not know or a value that is not a string is an error naming it. */
export function readConfigFile(path: string): { values: Partial<Record<Key, string>>; warnings: string[] } {
  if (!existsSync(path)) return { values: {}, warnings: [] };
  let parsed: Record<string, unknown>;
  try {
    parsed = Bun.TOML.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch (err) {
    throw usageError(`${path}: not valid TOML: ${(err as Error).message}`);
  }
  const values: Partial<Record<Key, string>> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (!(KEYS as readonly string[]).includes(k)) throw usageError(`${path}: ${k}: unknown key (known: ${KEYS.join(", ")})`);
    if (typeof v !== "string" || !v) throw usageError(`${path}: ${k}: must be a non-empty string`);
    values[k as Key] = v;
  }
  const warnings: string[] = [];
  if (values.token && (statSync(path).mode & 0o077) !== 0) warnings.push(`${path} holds a token and others can read it: chmod 600 ${path}`);
  return { values, warnings };
}

/** "127.0.0.1:8080" → "http://127.0.0.1:8080"; anything but http(s) with a host is refused, naming where it came from. */
export function normalizeUrl(raw: string, from: string): string {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw usageError(`${from}: not a URL: ${JSON.stringify(raw.slice(0, 200))}`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw usageError(`${from}: must be an http:// or https:// URL (got ${u.protocol})`);
  return `${u.origin}${u.pathname.replace(/\/+$/, "")}`;
}

export function resolveSettings(flags: { url?: string; token?: string; nats?: string }, env: Record<string, string | undefined> = process.env, home = homedir()): Settings {
  const path = configPath(env, home);
  const file = readConfigFile(path);
  const from: Settings["from"] = {};
  const pick = (key: Key, flag: string | undefined, envName: string): string | undefined => {
    const candidates: Array<[string | undefined, string]> = [[flag, `--${key}`], [env[envName], envName], [file.values[key], path]];
    for (const [value, where] of candidates) {
      if (value) {
        from[key] = where;
        return value;
      }
    }
    return undefined;
  };
  const rawUrl = pick("url", flags.url, "AIOS_URL");
  const url = rawUrl ? normalizeUrl(rawUrl, from.url!) : DEFAULT_URL;
  if (!rawUrl) from.url = "default";
  return { url, token: pick("token", flags.token, "AIOS_TOKEN"), nats: pick("nats", flags.nats, "AIOS_NATS"), from, warnings: file.warnings };
}
