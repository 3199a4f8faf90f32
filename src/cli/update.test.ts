/**
 * `aios-init ctl update` over real loopback HTTP. The system side of updates
 * (PUT /api/v1/system/update, issue 16) is on another branch, not yet in
 * main; until it lands these tests run the verb against a small server that
 * keeps its contract (a streamed body checked as it arrives, an early
 * refusal as a 4xx with the update's code, the status and rollback shapes).
 * Against dev mode, which has no updates, ctl says so (ctl.test.ts).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ctl } from "./ctl";
import { EXIT } from "./errors";

const dir = mkdtempSync(join(tmpdir(), "aios-ctl-update-"));
const MAGIC = "AIOSUPD1";
const SLOT = 4 * 1024 * 1024;
let server: ReturnType<typeof Bun.serve>;
let installed: { size: number; sha256: string } | null = null;
let pending = false;
const history: Array<Record<string, unknown>> = [];

const err = (status: number, code: string, message: string) => Response.json({ error: { code, message } }, { status });

/** Reads the body as it streams in: refuses at the first bad byte, before the client has sent everything. */
async function put(req: Request): Promise<Response> {
  if (req.headers.get("content-type") !== "application/octet-stream") return err(415, "unsupported_media_type", "body: want application/octet-stream");
  if (Number(req.headers.get("content-length") ?? 0) > SLOT) return err(413, "too_large", "body: more than the slot holds");
  const hash = createHash("sha256");
  let size = 0;
  let head = "";
  for await (const chunk of req.body!) {
    if (head.length < MAGIC.length) {
      head += new TextDecoder().decode(chunk.subarray(0, MAGIC.length - head.length));
      if (!MAGIC.startsWith(head.slice(0, MAGIC.length))) {
        history.push({ at: new Date().toISOString(), event: "refused", slot: "b", reason: "not signed", origin: "api" });
        return err(400, "unsigned", "update image: not signed (make update-image signs it)");
      }
    }
    size += chunk.length;
    hash.update(chunk);
  }
  installed = { size, sha256: hash.digest("hex") };
  pending = true;
  history.push({ at: new Date().toISOString(), event: "installed", slot: "b", version: "2.0", origin: "api" });
  return Response.json({ slot: "b", version: "2.0", commit: "abc1234", size, sha256: installed.sha256, next: "reboot to try slot b once (power reboot)" });
}

beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      if (req.headers.get("authorization") !== "Bearer T") return err(401, "unauthorized", "a bearer token is needed");
      const path = new URL(req.url).pathname;
      if (path === "/api/v1/system/update" && req.method === "PUT") return put(req);
      if (path === "/api/v1/system/update" && req.method === "GET") {
        return Response.json({ slot: "a", version: "1.0", commit: null, trial: false, next: pending ? "b" : "a", pending: pending ? { slot: "b", version: "2.0" } : null, slots: {}, history });
      }
      if (path === "/api/v1/system/rollback" && req.method === "POST") {
        if (!pending) return err(409, "no_rollback", "nothing to roll back: slot a is the last good one and no update waits");
        pending = false;
        history.push({ at: new Date().toISOString(), event: "cancelled", slot: "b", version: "2.0", origin: "api" });
        return Response.json({ next: "a", version: "1.0", detail: "the trial of slot b was cancelled" });
      }
      return err(404, "not_found", `${path}: no such route`);
    },
  });
});
afterAll(() => {
  server.stop(true);
  rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[]) {
  const out: string[] = [];
  const errs: string[] = [];
  const code = await ctl(args, { io: { out: (t) => out.push(t), err: (t) => errs.push(t) }, env: { AIOS_URL: `http://127.0.0.1:${server.port}`, AIOS_TOKEN: "T" }, home: "/nonexistent" });
  return { code, out: out.join("\n"), err: errs.join("\n") };
}

function image(name: string, size: number, magic = MAGIC): { path: string; sha256: string } {
  const bytes = new Uint8Array(size).map((_, i) => (i * 31) & 0xff);
  bytes.set(new TextEncoder().encode(magic));
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, sha256: createHash("sha256").update(bytes).digest("hex") };
}

describe("ctl update", () => {
  test("an image streams to PUT /system/update whole, byte for byte; status shows it pending; rollback cancels it", async () => {
    const img = image("update.img", 3 * 1024 * 1024 + 17);
    const r = await run(["update", img.path]);
    expect(r).toMatchObject({ code: EXIT.ok, out: expect.stringContaining("slot b: aiOS 2.0 (abc1234) written") });
    expect(r.err).toContain(`sending ${img.path} (3.0 MiB)`);
    expect(installed).toEqual({ size: 3 * 1024 * 1024 + 17, sha256: img.sha256 });
    const s = await run(["update", "status"]);
    expect(s.code).toBe(EXIT.ok);
    expect(s.out).toContain("running slot a: aiOS 1.0");
    expect(s.out).toContain("next boot: slot b (2.0) on trial");
    expect(s.out).toMatch(/installed +b +2\.0 +by api/);
    const j = await run(["update", "status", "--json"]);
    expect(JSON.parse(j.out)).toMatchObject({ pending: { slot: "b" } });
    const rb = await run(["update", "rollback"]);
    expect(rb).toMatchObject({ code: EXIT.ok, out: "next boot: slot a (aiOS 1.0): the trial of slot b was cancelled" });
    const again = await run(["update", "rollback", "--json"]);
    expect(again.code).toBe(EXIT.failed);
    expect(again.err).toContain("nothing to roll back");
    expect(JSON.parse(again.out).error.code).toBe("no_rollback");
  });

  test("a refusal while the client still sends is read and named, exit 1; too big is refused from its length", async () => {
    const bad = await run(["update", image("unsigned.img", 3 * 1024 * 1024, "XXXXXXXX").path]);
    expect(bad.code).toBe(EXIT.failed);
    expect(bad.err).toContain("PUT /api/v1/system/update: update image: not signed");
    const huge = await run(["update", image("huge.img", SLOT + 1).path, "--json"]);
    expect(huge.code).toBe(EXIT.failed);
    expect(JSON.parse(huge.out).error.code).toBe("too_large");
  });

  test("usage: no file, a missing file, extra words are 2; a wrong token is 4", async () => {
    expect((await run(["update"])).code).toBe(EXIT.usage);
    const missing = await run(["update", join(dir, "nope.img")]);
    expect(missing).toMatchObject({ code: EXIT.usage, err: expect.stringContaining("nope.img: no such file") });
    expect((await run(["update", "status", "now"])).code).toBe(EXIT.usage);
    const out: string[] = [];
    const code = await ctl(["update", "status"], { io: { out: (t) => out.push(t), err: () => {} }, env: { AIOS_URL: `http://127.0.0.1:${server.port}`, AIOS_TOKEN: "wrong" }, home: "/nonexistent" });
    expect(code).toBe(EXIT.denied);
  });
});
