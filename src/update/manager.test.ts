/**
 * The update manager against real files: the slot "devices" are files of a
 * partition's size, the boot state, slots.json and the history are written
 * as on the data disk, and images arrive as chunked streams.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setSink } from "../sys";
import { UpdateError } from "./errors";
import { encodeHead, sha256Hex } from "./image";
import { STAGING, UpdateManager, type UpdateOptions } from "./manager";
import { formatState, parseState, readState, writeState, type Slot } from "./state";

const keys = generateKeyPairSync("ed25519");
const pub = keys.publicKey.export({ type: "spki", format: "pem" }).toString();
const SLOT_BYTES = 64 * 1024;

function payload(fill: number, size = 16 * 1024): Uint8Array {
  const p = new Uint8Array(size).fill(fill);
  p.set(new TextEncoder().encode("hsqs"));
  return p;
}

function image(version: string, body: Uint8Array, key: Parameters<typeof encodeHead>[2] = keys.privateKey): Uint8Array {
  return new Uint8Array(Buffer.concat([encodeHead({ version, commit: "c0ffee" }, { size: body.length, sha256: sha256Hex(body) }, key), body]));
}

async function* chunks(bytes: Uint8Array, size = 1000): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

let dir: string;
let restoreSink: ReturnType<typeof setSink>;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "aios-update-"));
  for (const s of ["a", "b"]) writeFileSync(join(dir, `slot-${s}`), new Uint8Array(SLOT_BYTES).fill(s === "a" ? 0xaa : 0xbb));
  restoreSink = setSink(() => {});
});
afterEach(() => {
  setSink(restoreSink);
  rmSync(dir, { recursive: true, force: true });
});

function manager(running: Slot | null, opts: Partial<UpdateOptions> = {}): UpdateManager {
  return new UpdateManager({
    dir: join(dir, "boot"),
    running,
    image: { version: running === "b" ? "2.0" : "1.0", commit: "c0ffee" },
    publicKey: pub,
    devices: () => ({ a: { path: join(dir, "slot-a"), bytes: SLOT_BYTES }, b: { path: join(dir, "slot-b"), bytes: SLOT_BYTES } }),
    ...opts,
  });
}

const slotBytes = (s: Slot) => new Uint8Array(readFileSync(join(dir, `slot-${s}`)));

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof UpdateError) return err.code;
    throw err;
  }
  throw new Error("expected a refusal");
}

describe("boot state file", () => {
  test("what /init reads: key=value lines; junk and bad values are ignored", () => {
    expect(formatState({ active: "b", good: "a", tries: 1, fallback: null })).toBe("active=b\ngood=a\ntries=1\nfallback=\n");
    expect(parseState("active=b\ngood=x\ntries=12\nfallback=a\n# note\nnoise")).toEqual({ active: "b", good: "a", tries: 0, fallback: "a" });
    writeState(dir, { active: "a", good: "b", tries: 0, fallback: "b" });
    expect(readState(dir)).toEqual({ active: "a", good: "b", tries: 0, fallback: "b" });
    expect(readState(join(dir, "absent"))).toEqual({ active: "a", good: "a", tries: 0, fallback: null });
    expect(() => formatState({ active: "a", good: "a", tries: 10, fallback: null })).toThrow(/tries/);
  });
});

describe("installing", () => {
  test("streams the image into the inactive slot and schedules one try", async () => {
    const m = manager("a");
    m.boot();
    const body = payload(1);
    const done = await m.install(chunks(image("2.0", body)), "api");
    expect(done).toMatchObject({ slot: "b", version: "2.0", commit: "c0ffee", size: body.length, sha256: sha256Hex(body) });
    expect(Buffer.from(slotBytes("b").subarray(0, body.length)).equals(Buffer.from(body))).toBe(true);
    expect(slotBytes("a").every((x) => x === 0xaa)).toBe(true);
    expect(readState(join(dir, "boot"))).toEqual({ active: "b", good: "a", tries: 1, fallback: null });
    const s = m.status();
    expect(s.pending).toEqual({ slot: "b", version: "2.0" });
    expect(s.slots.b).toMatchObject({ status: "installed", version: "2.0", sha256: sha256Hex(body) });
    expect(s.history.map((h) => [h.event, h.slot, h.version])).toEqual([["installed", "b", "2.0"]]);
    expect(existsSync(join(dir, "boot", STAGING))).toBe(false);
  });

  test("a corrupted, unsigned, foreign-signed, oversized or truncated image is refused and the slot keeps its bytes", async () => {
    const m = manager("a");
    m.boot();
    const good = image("2.0", payload(1));
    const corrupted = good.slice();
    corrupted[corrupted.length - 100]! ^= 0xff;
    const other = generateKeyPairSync("ed25519").privateKey;
    const before = slotBytes("b");
    expect(await refusal(m.install(chunks(corrupted), "api"))).toBe("bad_checksum");
    expect(await refusal(m.install(chunks(image("2.0", payload(1), null)), "api"))).toBe("unsigned");
    expect(await refusal(m.install(chunks(image("2.0", payload(1), other)), "api"))).toBe("bad_signature");
    expect(await refusal(m.install(chunks(image("2.0", payload(1, SLOT_BYTES + 4096))), "api"))).toBe("too_large");
    expect(await refusal(m.install(chunks(good.subarray(0, good.length - 10)), "api"))).toBe("truncated");
    expect(await refusal(m.install(chunks(new Uint8Array([...good, 1, 2, 3])), "api"))).toBe("bad_image");
    expect(await refusal(m.install(chunks(new Uint8Array()), "api"))).toBe("bad_image");
    expect(slotBytes("b")).toEqual(before);
    expect(readState(join(dir, "boot"))).toEqual({ active: "a", good: "a", tries: 0, fallback: null });
    const s = m.status();
    expect(s.slots.b.status).toBe("empty");
    expect(s.history.map((h) => h.event)).toEqual(Array(7).fill("refused"));
    expect(s.history[0]!.reason).toContain("sha256");
    expect(existsSync(join(dir, "boot", STAGING))).toBe(false);
  });

  test("one install at a time; none while this slot runs on trial; none without slots", async () => {
    const m = manager("a");
    m.boot();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* slow(): AsyncGenerator<Uint8Array> {
      const img = image("2.0", payload(1));
      yield img.subarray(0, 500);
      await gate;
      yield img.subarray(500);
    }
    const first = m.install(slow(), "api");
    expect(await refusal(m.install(chunks(image("2.1", payload(2))), "api"))).toBe("busy");
    release();
    await first;
    expect(await refusal(manager("b", { trial: true }).install(chunks(image("3", payload(3))), "api"))).toBe("on_trial");
    expect(await refusal(manager(null).install(chunks(image("3", payload(3))), "api"))).toBe("no_slots");
    expect(await refusal(manager("a", { devices: () => ({}) }).install(chunks(image("3", payload(3))), "api"))).toBe("no_slots");
  });

  test("a write cut short (a power cut) is found at the next boot: the slot holds no system", async () => {
    const m = manager("a");
    m.boot();
    await m.install(chunks(image("2.0", payload(1))), "api");
    // As if the machine lost power in the middle of writing the slot: slots.json says "writing".
    const slots = JSON.parse(readFileSync(join(dir, "boot/slots.json"), "utf8"));
    slots.b.status = "writing";
    writeFileSync(join(dir, "boot/slots.json"), JSON.stringify(slots));
    writeState(join(dir, "boot"), { active: "a", good: "a", tries: 0, fallback: null });
    writeFileSync(join(dir, "boot", STAGING), "partial");
    const again = manager("a");
    expect(again.boot()).toContain("cut short");
    expect(again.status().slots.b).toMatchObject({ status: "failed", reason: expect.stringContaining("cut short") });
    expect(existsSync(join(dir, "boot", STAGING))).toBe(false);
  });
});

describe("trial boots", () => {
  async function installed(): Promise<void> {
    const m = manager("a");
    m.boot();
    await m.install(chunks(image("2.0", payload(1))), "api");
    // /init: active b, tries 1 -> 0, boots b with AIOS_TRIAL=1.
    writeState(join(dir, "boot"), { active: "b", good: "a", tries: 0, fallback: null });
  }

  test("a trial that passes becomes the good slot", async () => {
    await installed();
    const m = manager("b", { trial: true });
    expect(m.boot()).toContain("on trial");
    expect(m.trial).toBe(true);
    expect(m.status().slots.b.status).toBe("trying");
    m.markGood("healthy");
    expect(m.trial).toBe(false);
    expect(readState(join(dir, "boot"))).toEqual({ active: "b", good: "b", tries: 0, fallback: null });
    expect(m.status().slots.b.status).toBe("good");
    expect(m.status().history.map((h) => h.event)).toEqual(["installed", "trial", "good"]);
  });

  test("a trial that fails leaves its reason; the slot /init falls back to reports it", async () => {
    await installed();
    const trial = manager("b", { trial: true });
    trial.failTrial("boot phase hardware failed at minimums: memory: 973 MiB present, 100000 MiB required");
    // The reboot: /init finds tries 0, boots a and records the fallback.
    writeState(join(dir, "boot"), { active: "a", good: "a", tries: 0, fallback: "b" });
    const back = manager("a");
    expect(back.boot()).toContain("slot b failed its trial");
    expect(readState(join(dir, "boot")).fallback).toBeNull();
    const s = back.status();
    expect(s.slots.b).toMatchObject({ status: "failed", version: "2.0", reason: expect.stringContaining("100000 MiB required") });
    expect(s.history.at(-1)).toMatchObject({ event: "failed", slot: "b", version: "2.0", running: "a", reason: expect.stringContaining("hardware") });
  });

  test("a trial that never said why (a crash, a hang): the fallback says what is known; /init's note wins", async () => {
    await installed();
    writeState(join(dir, "boot"), { active: "a", good: "a", tries: 0, fallback: "b" });
    const back = manager("a");
    back.boot();
    expect(back.status().history.at(-1)!.reason).toContain("did not reach ready");
    writeState(join(dir, "boot"), { active: "a", good: "a", tries: 0, fallback: "b" });
    const noted = manager("a", { note: "slot b does not mount: it holds no system" });
    noted.boot();
    expect(noted.status().history.at(-1)!.reason).toBe("slot b does not mount: it holds no system");
  });
});

describe("rollback", () => {
  test("cancels an installed image waiting for its trial", async () => {
    const m = manager("a");
    m.boot();
    await m.install(chunks(image("2.0", payload(1))), "console");
    expect(m.rollback("console").detail).toContain("cancelled");
    expect(readState(join(dir, "boot"))).toEqual({ active: "a", good: "a", tries: 0, fallback: null });
  });

  test("brings the previous good slot back; refuses when the other slot holds nothing good", async () => {
    const m = manager("a");
    m.boot();
    expect(await refusal(Promise.resolve().then(() => m.rollback("api")))).toBe("no_rollback");
    await m.install(chunks(image("2.0", payload(1))), "api");
    writeState(join(dir, "boot"), { active: "b", good: "a", tries: 0, fallback: null });
    const b = manager("b", { trial: true });
    b.boot();
    b.markGood("healthy");
    const r = b.rollback("api");
    expect(r).toMatchObject({ slot: "a", version: "1.0" });
    expect(readState(join(dir, "boot"))).toEqual({ active: "a", good: "a", tries: 0, fallback: null });
    expect(b.status().history.at(-1)).toMatchObject({ event: "rollback", slot: "a", running: "a" });
  });
});
