/**
 * A/B updates on a real system disk: a copy of out/system.img (slot a: the
 * image; slot b: empty) and one data disk, in one QEMU that reboots in place.
 * Two update images are built once, with a fast compressor (the format is the
 * point here, not the size): version vmtest-2, and vmtest-bad, whose
 * config.toml asks for more memory than the guest has, so its hardware phase
 * (required) fails. Corrupted and unsigned images are derived from vmtest-2
 * by editing bytes, not rebuilt. Then a power cut: QEMU killed while the slot
 * is being written, and the disks booted again.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeHead, parseHead } from "../../src/update/image";
import { freshDataImage, OUT, ROOT, systemDiskCopy, TOKEN, Vm } from "../harness/vm";

const READY = /aios: ready in (\d+) ms/;
const PROMPT = /aios> $/;
const BOOT_MS = 240_000;
const FAST = "-comp zstd -Xcompression-level 3 -b 256K";
const pkgVersion = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

function buildImage(dir: string, version: string, overlay?: string): string {
  const out = join(dir, `${version}.img`);
  const args = ["make", "-s", "update-image", `VERSION=${version}`, `UPDATE_IMG=${out}`, `SQUASHFS_OPTS=${FAST}`, ...(overlay ? [`UPDATE_OVERLAY=${overlay}`] : [])];
  const r = Bun.spawnSync(args, { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${args.join(" ")}: ${r.stderr.toString()}${r.stdout.toString()}`);
  return out;
}

/** The same image with its payload's last kilobyte flipped: the signature still verifies, the sha256 does not. */
function corrupted(dir: string, img: string): string {
  const bytes = readFileSync(img);
  for (let i = bytes.length - 1024; i < bytes.length; i++) bytes[i]! ^= 0x5a;
  const out = join(dir, "corrupted.img");
  writeFileSync(out, bytes);
  return out;
}

/** The same image re-headed: `null` writes the "unsigned" line, a key signs with that key. */
function reheaded(dir: string, img: string, name: string, key: Parameters<typeof encodeHead>[2]): string {
  const bytes = readFileSync(img);
  const head = parseHead(bytes)!;
  const out = join(dir, `${name}.img`);
  writeFileSync(out, Buffer.concat([encodeHead(head.header, head.header, key), bytes.subarray(head.length)]));
  return out;
}

async function system(vm: Vm): Promise<any> {
  return (await vm.api("/api/v1/system")).json();
}

async function put(vm: Vm, file: string): Promise<{ status: number; body: any }> {
  const res = await vm.api("/api/v1/system/update", { method: "PUT", body: Bun.file(file) });
  return { status: res.status, body: await res.json() };
}

/** `aios-init ctl update FILE` from the host, with the binary the image carries. */
async function ctlUpdate(vm: Vm, file: string): Promise<{ code: number; out: string; err: string }> {
  const proc = Bun.spawn([join(OUT, "aios-init"), "ctl", "--url", `http://127.0.0.1:${vm.port}`, "update", file], {
    env: { ...process.env, AIOS_TOKEN: TOKEN },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, out, err };
}

/** Reboots through the API and waits for the ready line of the boot after it. */
async function reboot(vm: Vm): Promise<number> {
  const from = vm.output.length;
  await vm.api("/api/v1/power", { method: "POST", body: '{"action":"reboot"}' });
  await vm.waitFor(/reboot now/, 60_000, from);
  return from;
}

/** Waits until the trial of the running slot is decided (marked good right after ready). */
async function settled(vm: Vm): Promise<any> {
  for (const end = Date.now() + 60_000; Date.now() < end; await Bun.sleep(500)) {
    const s = await system(vm);
    if (!s.update.trial) return s;
  }
  throw new Error("the trial was never decided");
}

describe("A/B system updates", () => {
  const dir = mkdtempSync(join(tmpdir(), "aios-update-vm-"));
  const systemImg = systemDiskCopy(dir);
  const dataImg = freshDataImage(dir, 320); // room to stage an image
  let v2: string, bad: string;
  let vm: Vm;

  beforeAll(async () => {
    v2 = buildImage(dir, "vmtest-2");
    const overlay = join(dir, "bad-overlay/etc/aios");
    mkdirSync(overlay, { recursive: true });
    writeFileSync(join(overlay, "config.toml"), "[boot]\nmin_memory_mb = 100000\n");
    bad = buildImage(dir, "vmtest-bad", join(dir, "bad-overlay"));
    vm = Vm.boot({ systemImg, dataImg, reboot: true });
    await vm.waitFor(READY, BOOT_MS);
  }, 600_000);
  afterAll(async () => {
    await vm?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the image runs from slot a; GET /api/v1/system shows version, commit, slot and an empty slot b", async () => {
    const s = await system(vm);
    expect(s).toMatchObject({ version: pkgVersion, slot: "a" });
    expect(s.commit).toMatch(/^[0-9a-f]{12}(-dirty)?$/);
    expect(s.update).toMatchObject({ slot: "a", trial: false, next: "a", pending: null });
    expect(s.update.slots.a).toMatchObject({ status: "good", version: pkgVersion });
    expect(s.update.slots.b.status).toBe("empty");
    expect(s.boot.initramfs.switchMs).toBeGreaterThan(s.boot.initramfs.startMs);
  });

  test("a corrupted, an unsigned and a foreign-signed image are refused with the reason; slot b stays as it was", async () => {
    const cases: Array<[string, string]> = [
      [corrupted(dir, v2), "bad_checksum"],
      [reheaded(dir, v2, "unsigned", null), "unsigned"],
      [reheaded(dir, v2, "foreign", generateKeyPairSync("ed25519").privateKey), "bad_signature"],
    ];
    for (const [file, code] of cases) {
      const r = await put(vm, file);
      expect({ file, status: r.status, code: r.body.error?.code }).toEqual({ file, status: 400, code });
    }
    const s = await system(vm);
    expect(s.update.slots.b.status).toBe("empty");
    expect(s.update.next).toBe("a");
    expect(s.update.history.map((h: any) => h.event)).toEqual(["refused", "refused", "refused"]);
    expect(s.update.history[0].reason).toContain("sha256");
  });

  test("a signed update sent by `aios-init ctl update` goes to slot b, runs on trial at the next boot and is marked good", async () => {
    const r = await ctlUpdate(vm, v2);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^sending \S+vmtest-2\.img \([\d.]+ MiB\) to http:\/\/127\.0\.0\.1:\d+ …\n$/); // progress only, on stderr
    expect(r.out).toMatch(/^slot b: aiOS vmtest-2 .*written/);
    expect((await system(vm)).update.pending).toEqual({ slot: "b", version: "vmtest-2" });
    const from = await reboot(vm);
    await vm.waitFor(READY, BOOT_MS, from);
    const s = await settled(vm);
    expect(s).toMatchObject({ version: "vmtest-2", slot: "b" });
    expect(s.update.slots.b).toMatchObject({ status: "good", version: "vmtest-2" });
    expect(s.update.history.slice(-3).map((h: any) => [h.event, h.slot])).toEqual([["installed", "b"], ["trial", "b"], ["good", "b"]]);
    expect(vm.output.slice(from)).toContain("update: slot b (version vmtest-2) passed its trial");
  });

  test("REPL: update status shows both slots; update rollback and reboot bring slot a back", async () => {
    await vm.waitFor(PROMPT);
    const status = await vm.run("update status", PROMPT);
    expect(status).toMatch(/running\s+slot b, version vmtest-2/);
    expect(status).toMatch(/slot a\s+good, version /);
    expect(await vm.run("update rollback", PROMPT)).toContain(`slot a (version ${pkgVersion}) boots next`);
    const from = vm.output.length;
    vm.type("reboot\r");
    await vm.waitFor(READY, BOOT_MS, from);
    const s = await system(vm);
    expect(s).toMatchObject({ version: pkgVersion, slot: "a" });
    expect(s.update.history.at(-1)).toMatchObject({ event: "rollback", slot: "a", origin: "console" });
    expect(s.update.slots.b.status).toBe("good"); // vmtest-2 stays there, a rollback away
  });

  test("an update whose boot fails a required phase falls back to slot a by itself within one reboot", async () => {
    expect((await put(vm, bad)).status).toBe(200);
    const from = await reboot(vm);
    // The trial: hardware fails, the trial records why and reboots; /init boots slot a.
    await vm.waitFor(/update: slot b \(version vmtest-bad\) failed its trial: boot phase hardware failed at minimums/, BOOT_MS, from);
    await vm.waitFor(READY, BOOT_MS, from);
    expect(vm.output.slice(from).match(/aios: ready in/g)).toHaveLength(1); // the trial never got to ready
    const s = await system(vm);
    expect(s).toMatchObject({ version: pkgVersion, slot: "a" });
    expect(s.update.slots.b).toMatchObject({ status: "failed", version: "vmtest-bad" });
    expect(s.update.history.at(-1)).toMatchObject({ event: "failed", slot: "b", version: "vmtest-bad", running: "a", reason: expect.stringContaining("100000 MiB required") });
    expect(vm.output.slice(from)).toMatch(/update: slot b \(version vmtest-bad\) failed its trial boot: .*; running slot a again/);
  });

  test("a power cut while the update is written leaves slot a booting, and says what happened", async () => {
    const from = vm.output.length;
    const upload = put(vm, v2).catch(() => "cut");
    await vm.waitFor(/update: writing version vmtest-2 into slot b/, BOOT_MS, from);
    await vm.dispose(); // SIGKILL: what QEMU had not written is lost, as in a power cut
    await upload;
    vm = Vm.boot({ systemImg, dataImg, reboot: true });
    await vm.waitFor(READY, BOOT_MS);
    const s = await system(vm);
    expect(s).toMatchObject({ version: pkgVersion, slot: "a" });
    expect(s.update.next).toBe("a");
    expect(s.update.slots.b).toMatchObject({ status: "failed", reason: expect.stringContaining("cut short") });
    expect(s.update.history.at(-1)).toMatchObject({ event: "interrupted", slot: "b" });
    expect((await vm.api("/health", { auth: false })).status).toBe(200);
  });
});
