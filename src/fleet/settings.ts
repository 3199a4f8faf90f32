/**
 * From [fleet] of config.toml to what the client needs: servers, this node's
 * name and labels, credentials read from the data disk's secrets directory,
 * the TLS CA, and the intervals in milliseconds. No NATS client here.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import type { Config } from "../config";
import { durationMs } from "../config";
import { Secret } from "../gateway/secrets";
import { AiosError, errorCode } from "../sys";

/** invalid_argument: bad settings or a bad request (the message names the field); unreadable: a settings file; no_node: no live node matches; not_connected: no NATS connection. */
export const FLEET_ERROR_CODES = ["invalid_argument", "unreadable", "no_node", "not_connected"] as const;
export type FleetErrorCode = (typeof FLEET_ERROR_CODES)[number];

export class FleetError extends AiosError<FleetErrorCode> {}

export interface FleetSettings {
  servers: string[];
  node: string;
  labels: Record<string, string>;
  auth: { kind: "none" } | { kind: "user"; user: string; password: Secret } | { kind: "nkey"; seed: Secret };
  /** PEM text of the CA; TLS is required when set. */
  tlsCa?: string;
  heartbeatMs: number;
  ttlMs: number;
  goalDeadlineMs: number;
}

export interface SettingsPaths {
  /** `/` in the VM, the state directory in dev mode: absolute config paths are under it. */
  root: string;
  /** Where relative credential paths point (/var/lib/aios/secrets). */
  secrets: string;
}

function readPath(field: string, file: string, paths: SettingsPaths): string {
  const path = isAbsolute(file) ? join(paths.root, file) : join(paths.secrets, file);
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new FleetError("unreadable", `fleet.${field}: cannot read ${file}: ${errorCode(err) ?? String(err)}`, { cause: err });
  }
}

function readSecretFile(field: string, file: string, paths: SettingsPaths): string {
  const text = readPath(field, file, paths).split("\n")[0]!.trim();
  if (!text) throw new FleetError("invalid_argument", `fleet.${field}: ${file} is empty`);
  return text;
}

/** Throws a FleetError naming the key when the section cannot work (a missing key file, heartbeat ≥ ttl). */
export function fleetSettings(config: Config, paths: SettingsPaths): FleetSettings {
  const f = config.fleet;
  if (!f.url.length) throw new FleetError("invalid_argument", "fleet.url: at least one NATS server is needed");
  const heartbeatMs = durationMs(f.heartbeat);
  const ttlMs = durationMs(f.ttl);
  if (heartbeatMs < 100) throw new FleetError("invalid_argument", `fleet.heartbeat: must be at least 100ms (got ${f.heartbeat})`);
  if (heartbeatMs >= ttlMs) throw new FleetError("invalid_argument", `fleet.heartbeat: must be shorter than fleet.ttl (${f.heartbeat} >= ${f.ttl}), or a live node would drop out of the list`);
  let auth: FleetSettings["auth"] = { kind: "none" };
  if (f.nkey_seed_file) {
    const seed = readSecretFile("nkey_seed_file", f.nkey_seed_file, paths);
    if (!/^SU[A-Z2-7]{56}$/.test(seed)) throw new FleetError("invalid_argument", `fleet.nkey_seed_file: ${f.nkey_seed_file} does not hold a user nkey seed (SU…)`);
    auth = { kind: "nkey", seed: new Secret(seed) };
  } else if (f.user) {
    if (!f.password_file) throw new FleetError("invalid_argument", "fleet.password_file: fleet.user is set, so a password file is needed");
    auth = { kind: "user", user: f.user, password: new Secret(readSecretFile("password_file", f.password_file, paths)) };
  }
  const tlsCa = f.tls_ca ? readPath("tls_ca", f.tls_ca, paths) : undefined;
  return {
    servers: f.url,
    node: f.node || config.system.hostname,
    labels: f.labels,
    auth,
    tlsCa,
    heartbeatMs,
    ttlMs,
    goalDeadlineMs: durationMs(f.goal_deadline),
  };
}
