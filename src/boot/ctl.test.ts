/**
 * `aios-init ctl update FILE` against the real API on loopback, with a real
 * UpdateManager whose slots are files: what it prints, its exit status, where
 * it finds the token, and usage errors that name the flag.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApi, startServer, type RunningServer } from "../api";
import { setSink, type SystemInfo } from "../sys";
import { encodeHead, sha256Hex, UpdateManager } from "../update";
import { ctlCommand, type CtlIo } from "./ctl";
import { layout } from "./context";

const keys = generateKeyPairSync("ed25519");
const SLOT = 2 * 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), "aios-ctl-"));
let server: RunningServer;
let manager: UpdateManager;
const restoreSink = setSink(() => {});

function image(name: string, key: Parameters<typeof encodeHead>[2] = keys.privateKey): string {
  const body = new Uint8Array(512 * 1024).map((_, i) => (i * 7) & 0xff);
  body.set(new TextEncoder().encode("hsqs"));
  const path = join(dir, `${name}.img`);
  writeFileSync(path, Buffer.concat([encodeHead({ version: name, commit: null }, { size: body.length, sha256: sha256Hex(body) }, key), body]));
  return path;
}

async function ctl(argv: string[], env: CtlIo["env"] = {}): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await ctlCommand(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

beforeAll(() => {
  for (const s of ["a", "b"]) writeFileSync(join(dir, `slot-${s}`), new Uint8Array(SLOT));
  manager = new UpdateManager({
    dir: join(dir, "boot"),
    running: "a",
    image: { version: "1.0", commit: null },
    publicKey: keys.publicKey.export({ type: "spki", format: "pem" }).toString(),
    devices: () => ({ a: { path: join(dir, "slot-a"), bytes: SLOT }, b: { path: join(dir, "slot-b"), bytes: SLOT } }),
  });
  manager.boot();
  const app = createApi({ token: () => "T", system: () => ({ pid: 1 }) as unknown as SystemInfo, power: () => {}, update: () => manager });
  server = startServer(app, { hostname: "127.0.0.1", port: 0 });
});
afterAll(async () => {
  await server.stop();
  setSink(restoreSink);
  rmSync(dir, { recursive: true, force: true });
});

describe("aios-init ctl update", () => {
  test("a foreign-signed image: exit 1, the API's code and reason on stderr, slot b untouched", async () => {
    const r = await ctl(["--url", server.url, "--token", "T", "update", image("foreign", generateKeyPairSync("ed25519").privateKey)]);
    expect(r).toMatchObject({ code: 1, out: "" });
    expect(r.err).toContain("foreign.img: refused (HTTP 400, bad_signature)");
    expect(readFileSync(join(dir, "slot-b")).every((b) => b === 0)).toBe(true);
  });

  test("a signed image, with the URL and token from the environment: exit 0, written into slot b", async () => {
    const r = await ctl(["update", image("2.0")], { AIOS_URL: server.url, AIOS_TOKEN: "T" });
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^update: version 2\.0 written into slot b \(524288 bytes, sha256 [0-9a-f]{16}…\); .*reboot/);
    expect(manager.status().pending).toEqual({ slot: "b", version: "2.0" });
  });

  test("--json prints the API's answer; the token is read from a dev state directory", async () => {
    const state = join(dir, "state");
    mkdirSync(layout(state).secrets, { recursive: true });
    writeFileSync(join(layout(state).secrets, "api-token"), "T\n");
    manager.rollback("test"); // cancels the pending 2.0, so another image may go to slot b
    const r = await ctl(["--url", server.url, "--state", state, "--json", "update", image("3.0")]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ slot: "b", version: "3.0", size: 524288 });
  });

  test("a wrong token is refused; a missing file, an unknown verb and a bad URL are named", async () => {
    expect(await ctl(["--url", server.url, "--token", "nope", "update", image("4.0")])).toMatchObject({ code: 1, err: expect.stringContaining("HTTP 401") });
    expect(await ctl(["--url", server.url, "--token", "T", "update", join(dir, "missing.img")])).toMatchObject({ code: 1, err: expect.stringContaining("missing.img: no such file") });
    expect(await ctl(["--token", "T", "upgrade", "x"])).toMatchObject({ code: 2, err: expect.stringContaining("upgrade: unknown verb") });
    expect(await ctl(["--token", "T", "update"])).toMatchObject({ code: 2, err: expect.stringContaining("one FILE is required") });
    expect(await ctl(["--url", "ftp://x", "--token", "T", "update", "f"])).toMatchObject({ code: 2, err: expect.stringContaining("--url: must be http or https") });
    expect(await ctl(["--bogus"])).toMatchObject({ code: 2, err: expect.stringContaining("--bogus") });
  });
});
