/**
 * The update routes over real loopback HTTP, driven by the client that
 * `aios-init ctl update FILE` makes (src/cli/verbs/update.ts), against a real
 * UpdateManager whose slots are files: the image streams in, refusals come
 * back as 4xx with the update's code even when the server refuses before the
 * client has sent everything.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SystemInfo } from "../../sys";
import { setSink } from "../../sys";
import { encodeHead, sha256Hex, UpdateManager } from "../../update";
import { createApi } from "../app";
import { DEFAULT_BODY_BYTES } from "../limits";
import { startServer, type RunningServer } from "../server";

const keys = generateKeyPairSync("ed25519");
const SLOT = 4 * 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), "aios-update-api-"));
let server: RunningServer;
let manager: UpdateManager;
const restoreSink = setSink(() => {});

function writeImage(name: string, size: number, key: Parameters<typeof encodeHead>[2] = keys.privateKey): string {
  const body = new Uint8Array(size).map((_, i) => (i * 31) & 0xff);
  body.set(new TextEncoder().encode("hsqs"));
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([encodeHead({ version: name, commit: null }, { size, sha256: sha256Hex(body) }, key), body]));
  return path;
}

const app = () =>
  createApi({ token: () => "T", system: () => ({ pid: 1 }) as unknown as SystemInfo, power: () => {}, update: () => manager });

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
  server = startServer(app(), { hostname: "127.0.0.1", port: 0 });
});
afterAll(async () => {
  await server.stop();
  setSink(restoreSink);
  rmSync(dir, { recursive: true, force: true });
});

/** What `ctl update` sends: the file streamed as the body. Throws the API's error (status, code, message) when refused. */
async function sendUpdate(file: string, opts: { url: string; token: string }): Promise<any> {
  const res = await fetch(new URL("/api/v1/system/update", opts.url), {
    method: "PUT",
    headers: { authorization: `Bearer ${opts.token}`, "content-type": "application/octet-stream" },
    body: Bun.file(file),
  });
  const json = (await res.json()) as any;
  if (!res.ok) throw Object.assign(new Error(json.error.message), { status: res.status, code: json.error.code, refused: true });
  return json;
}

async function refused(file: string): Promise<{ status: number; code: string; message: string }> {
  try {
    await sendUpdate(file, { url: server.url, token: "T" });
  } catch (err) {
    if ((err as { refused?: boolean }).refused) return err as { status: number; code: string; message: string };
    throw err;
  }
  throw new Error(`${file} was accepted`);
}

describe("PUT /api/v1/system/update", () => {
  test("an unsigned or foreign-signed image is a 400 naming why, read by the client though it was still sending", async () => {
    expect(await refused(writeImage("unsigned", 3 * 1024 * 1024, null))).toMatchObject({ status: 400, code: "unsigned", message: expect.stringContaining("not signed") });
    expect(await refused(writeImage("foreign", 3 * 1024 * 1024, generateKeyPairSync("ed25519").privateKey))).toMatchObject({ status: 400, code: "bad_signature" });
  });

  test("a corrupted payload is a 400 bad_checksum; too big for the slot a 413; the slot is untouched", async () => {
    const file = writeImage("corrupt", 1024 * 1024);
    const bytes = readFileSync(file);
    bytes[bytes.length - 1]! ^= 1;
    writeFileSync(file, bytes);
    expect(await refused(file)).toMatchObject({ status: 400, code: "bad_checksum" });
    expect(await refused(writeImage("huge", SLOT + 4096))).toMatchObject({ status: 413, code: "too_large" });
    expect(readFileSync(join(dir, "slot-b")).every((b) => b === 0)).toBe(true);
  });

  test("a signed image streams into slot b; GET shows it pending; rollback cancels it", async () => {
    const accepted = await sendUpdate(writeImage("2.0", 2 * 1024 * 1024), { url: server.url, token: "T" });
    expect(accepted).toMatchObject({ slot: "b", version: "2.0", size: 2 * 1024 * 1024, next: expect.stringContaining("reboot") });
    const status = (await (await fetch(`${server.url}/api/v1/system/update`, { headers: { authorization: "Bearer T" } })).json()) as any;
    expect(status).toMatchObject({ slot: "a", next: "b", pending: { slot: "b", version: "2.0" } });
    expect(status.history.map((h: any) => h.event)).toEqual(["refused", "refused", "refused", "refused", "installed"]);
    const rb = await fetch(`${server.url}/api/v1/system/rollback`, { method: "POST", headers: { authorization: "Bearer T" } });
    expect(rb.status).toBe(200);
    expect(await rb.json()).toMatchObject({ next: "a", detail: expect.stringContaining("cancelled") });
    const again = await fetch(`${server.url}/api/v1/system/rollback`, { method: "POST", headers: { authorization: "Bearer T" } });
    expect(again.status).toBe(409);
    expect(((await again.json()) as any).error.code).toBe("no_rollback");
  });

  test("needs the token; an empty body is a 400", async () => {
    expect((await fetch(`${server.url}/api/v1/system/update`, { method: "PUT", body: "x" })).status).toBe(401);
    const empty = await fetch(`${server.url}/api/v1/system/update`, { method: "PUT", headers: { authorization: "Bearer T" } });
    expect(empty.status).toBe(400);
  });
});

describe("body limits", () => {
  test("every other route keeps the default limit, as a JSON 413", async () => {
    const res = await app().request("/api/v1/power", {
      method: "POST",
      headers: { authorization: "Bearer T", "content-length": String(DEFAULT_BODY_BYTES + 1) },
      body: "{}",
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).error).toMatchObject({ code: "too_large", field: "body" });
  });
});
