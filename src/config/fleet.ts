/**
 * [fleet] of config.toml: joining a fleet of aiOS nodes over NATS
 * (docs/fleet.md). Its own file so the schema's table stays one line; off by
 * default, and nothing here loads a NATS client.
 */
import * as v from "valibot";

const duration = v.pipe(v.string(), v.regex(/^\d+(ms|s|m|h)$/, 'must be a duration such as "5s" or "1m"'));

/** nats://host:port, tls://host:port or host:port; no spaces, no credentials in the URL (they go in user/password or an nkey). */
const SERVER = /^((nats|tls):\/\/)?[A-Za-z0-9._\-[\]:]+(:\d{1,5})?$/;
const serverList = v.pipe(
  v.union([v.string(), v.array(v.string())], "must be a NATS URL or a list of them"),
  v.transform((u) => (Array.isArray(u) ? u : u.split(",")).map((s) => s.trim()).filter(Boolean)),
  v.check((l) => l.every((s) => SERVER.test(s)), "must be nats://host:port (or tls://, or host:port), comma-separated"),
);

/** Label keys and values: what NATS subjects and selectors can carry without quoting. */
const LABEL = /^[A-Za-z0-9_-]{1,63}$/;

/** "role=web,zone=a" → {role: "web", zone: "a"}; a TOML table works too. */
export function parseLabels(input: string | Record<string, string>): Record<string, string> | string {
  const pairs = typeof input === "string" ? input.split(",").map((p) => p.trim()).filter(Boolean).map((p) => {
    const eq = p.indexOf("=");
    return eq < 0 ? [p, ""] : [p.slice(0, eq).trim(), p.slice(eq + 1).trim()];
  }) : Object.entries(input);
  const out: Record<string, string> = {};
  for (const [k, val] of pairs) {
    if (!LABEL.test(k!)) return `label ${JSON.stringify(k)}: a key must be 1-63 of A-Z a-z 0-9 _ -`;
    if (typeof val !== "string" || !LABEL.test(val)) return `label ${k}: the value must be 1-63 of A-Z a-z 0-9 _ - (as in role=web)`;
    out[k!] = val;
  }
  return out;
}

const labels = v.pipe(
  v.union([v.string(), v.record(v.string(), v.string())], 'must be "key=value,key=value" or a table of strings'),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const parsed = parseLabels(dataset.value);
    if (typeof parsed === "string") {
      addIssue({ message: parsed });
      return NEVER;
    }
    return parsed;
  }),
);

export const FLEET_ENTRIES = {
  enabled: v.optional(v.boolean(), false),
  /** One or more NATS servers (a cluster's members), tried in turn. */
  url: v.optional(serverList, "nats://10.0.2.2:4222"),
  /** This node's name in subjects and the node list; "" means system.hostname. */
  node: v.optional(v.pipe(v.string(), v.regex(/^([A-Za-z0-9_-]{1,63})?$/, "must be 1-63 of A-Z a-z 0-9 _ - (it is a NATS subject token)")), ""),
  labels: v.optional(labels, () => ({})),
  user: v.optional(v.string(), ""),
  /** Relative paths are read from the data disk's secrets directory (/var/lib/aios/secrets). */
  password_file: v.optional(v.string(), ""),
  nkey_seed_file: v.optional(v.string(), ""),
  /** CA that signed the servers' certificates; set it (or use tls:// URLs) to require TLS. */
  tls_ca: v.optional(v.string(), ""),
  heartbeat: v.optional(duration, "5s"),
  /** A node whose heartbeat is older than this leaves the node list. */
  ttl: v.optional(duration, "15s"),
  /** How long a fleet goal gathers answers unless the request says otherwise. */
  goal_deadline: v.optional(duration, "60s"),
};
