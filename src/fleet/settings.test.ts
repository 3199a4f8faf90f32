/**
 * [fleet] settings: credentials from the secrets directory, named errors, and
 * both kinds of credentials accepted by a real nats-server.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nkeys } from "@nats-io/transport-node";
import { NatsServer, natsServerBinary } from "../../test/harness/nats";
import { applyOverrides, defaultConfig } from "../config";
import { FleetClient } from "./client";
import { fleetSettings } from "./settings";

const root = mkdtempSync(join(tmpdir(), "aios-fleet-settings-"));
const paths = { root, secrets: join(root, "var/lib/aios/secrets") };
mkdirSync(paths.secrets, { recursive: true });
afterAll(() => rmSync(root, { recursive: true, force: true }));

const config = (...kv: Array<[string, string]>) => {
  const r = applyOverrides(defaultConfig(), [["fleet.enabled", "true"], ...kv]);
  expect(r.problems).toEqual([]);
  return r.config;
};

describe("fleetSettings", () => {
  test("defaults: the hostname as node name, 5 s heartbeat, 15 s ttl, no credentials", () => {
    const s = fleetSettings(config(["system.hostname", "web1"]), paths);
    expect(s).toMatchObject({ node: "web1", servers: ["nats://10.0.2.2:4222"], heartbeatMs: 5000, ttlMs: 15000, auth: { kind: "none" } });
  });

  test("user/password and nkey seeds are read from the secrets directory; neither shows when printed", () => {
    writeFileSync(join(paths.secrets, "fleet.pass"), "s3cret\n");
    const u = fleetSettings(config(["fleet.user", "node"], ["fleet.password_file", "fleet.pass"]), paths);
    expect(u.auth).toMatchObject({ kind: "user", user: "node" });
    expect(u.auth.kind === "user" && u.auth.password.reveal()).toBe("s3cret");
    expect(JSON.stringify(u)).not.toContain("s3cret");
    const seed = new TextDecoder().decode(nkeys.createUser().getSeed());
    writeFileSync(join(paths.secrets, "fleet.nk"), `${seed}\n`);
    const n = fleetSettings(config(["fleet.nkey_seed_file", "fleet.nk"]), paths);
    expect(n.auth.kind === "nkey" && n.auth.seed.reveal()).toBe(seed);
    expect(JSON.stringify(n)).not.toContain(seed);
  });

  test("a missing or wrong credential file, a heartbeat not under the ttl: errors that name the key", () => {
    expect(() => fleetSettings(config(["fleet.nkey_seed_file", "missing.nk"]), paths)).toThrow("fleet.nkey_seed_file: cannot read missing.nk: ENOENT");
    writeFileSync(join(paths.secrets, "bad.nk"), "not a seed\n");
    expect(() => fleetSettings(config(["fleet.nkey_seed_file", "bad.nk"]), paths)).toThrow("fleet.nkey_seed_file: bad.nk does not hold a user nkey seed");
    expect(() => fleetSettings(config(["fleet.user", "u"]), paths)).toThrow("fleet.password_file:");
    expect(() => fleetSettings(config(["fleet.heartbeat", "15s"]), paths)).toThrow("fleet.heartbeat: must be shorter than fleet.ttl");
    expect(() => fleetSettings(config(["fleet.tls_ca", "/nowhere/ca.pem"]), paths)).toThrow("fleet.tls_ca: cannot read");
  });
});

describe.skipIf(!natsServerBinary())("credentials against a real nats-server", () => {
  test("a user/password and an nkey both connect; a wrong password does not", async () => {
    const user = nkeys.createUser();
    const conf = join(root, "auth.conf");
    writeFileSync(conf, `authorization { users = [ { user: "node", password: "s3cret" }, { nkey: "${user.getPublicKey()}" } ] }\n`);
    const server = await NatsServer.start({ extra: ["-c", conf] });
    try {
      const a = await FleetClient.connect({ servers: server.url, user: "node", password: "s3cret" });
      expect(await a.nodes()).toEqual([]);
      await a.close();
      const b = await FleetClient.connect({ servers: server.url, nkeySeed: new TextDecoder().decode(user.getSeed()) });
      await b.close();
      await expect(FleetClient.connect({ servers: server.url, user: "node", password: "wrong" })).rejects.toThrow();
    } finally {
      await server.dispose();
    }
  }, 30_000);
});
