/**
 * The image, booted for real under QEMU/TCG: PID 1, the API through the
 * forwarded port, the REPL on the serial line, orphan reaping, persistence of
 * the data disk, and every way of powering off.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PHASES } from "../../src/boot";
import { freshDataImage, Vm } from "../harness/vm";

const READY = /aios: ready in (\d+) ms/;
const PROMPT = /aios> $/;

/** A boot of `dataImg` at the REPL's prompt (disposed again if it never gets there). */
async function bootToPrompt(dataImg: string): Promise<Vm> {
  const vm = Vm.boot({ dataImg });
  try {
    await vm.waitFor(READY, 120_000);
    await vm.waitFor(PROMPT);
    return vm;
  } catch (err) {
    await vm.dispose();
    throw err;
  }
}

describe("a booted image", () => {
  const dir = mkdtempSync(join(tmpdir(), "aios-vmtest-"));
  const dataImg = freshDataImage(dir);
  let vm: Vm;

  beforeAll(async () => {
    vm = await bootToPrompt(dataImg);
  });
  afterAll(async () => {
    await vm.dispose();
  });

  test("prints exactly one ready line, after every phase", () => {
    expect(vm.output.match(/aios: ready in \d+ ms/g)?.length).toBe(1);
    const ready = vm.output.indexOf("aios: ready in");
    // Each phase's line must be there (found) and come before ready.
    for (const phase of PHASES) {
      const at = vm.output.search(new RegExp(`boot: ${phase.name} (ok|skipped) `));
      expect({ phase: phase.name, found: at >= 0 }).toEqual({ phase: phase.name, found: true });
      expect(at).toBeLessThan(ready);
    }
  });

  test("answers /health without a token and /api/v1/system only with it", async () => {
    const health = await vm.api("/health", { auth: false });
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    expect((await vm.api("/api/v1/system", { auth: false })).status).toBe(401);
    const res = await vm.api("/api/v1/system");
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.pid).toBe(1);
    expect(body.hostname).toBe("aios");
    expect(body.kernel).toMatch(/^6\.1\.\d+-\d+-cloud-amd64$/);
    expect(body.memory.totalBytes).toBeGreaterThan(512 * 1024 * 1024);
    expect(body.boot.readyMs).toBeGreaterThan(0);
    expect(body.boot.phases.map((p: any) => [p.name, p.status])).toEqual([
      ["early", "ok"],
      ["hardware", "ok"],
      ["storage", "ok"],
      ["network", "ok"],
      ["ai-runtime", "ok"],
      ["services", "ok"],
      ["agents", "ok"],
      ["autonomy", "ok"],
      ["fleet", "skipped"],
    ]);
  });

  test("rejects a bad power request with 400 naming the field", async () => {
    const res = await vm.api("/api/v1/power", { method: "POST", body: '{"action":"explode"}' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.field).toBe("action");
  });

  test("REPL: help, status, boot and an unknown command", async () => {
    const help = await vm.run("help", PROMPT);
    for (const c of ["help", "status", "boot", "shell", "poweroff", "reboot"]) expect(help).toContain(c);
    expect(await vm.run("status", PROMPT)).toMatch(/pid\s+1\n/);
    const boot = await vm.bootTable();
    expect(boot).toMatch(/mount \/sys\s+already/); // initramfs/init mounted /proc, /sys and /dev and moved them over
    expect(boot).toMatch(/mount \/dev\/pts\s+done/);
    expect(boot).toMatch(/mount data\s+already/); // initramfs/init mounted it to read the boot state
    // A blank data disk has no readahead list: this boot takes what Bun's start read, then records the list.
    expect(boot).toMatch(/readahead snapshot\s+done/);
    expect(boot).toMatch(/readahead\s+done\s+\d+\s+recorded \d+ runs, \d+\.\d MiB of \/usr\/sbin\/aios-init/);
    expect(await vm.run("frobnicate", PROMPT)).toContain("frobnicate: unknown command; type help for the list");
  });

  test("REPL: backspace and ctrl-C over the raw serial line", async () => {
    // "stat" + "x" + DEL + "us" = "status"
    expect(await vm.run("statx\x7fus", PROMPT)).toMatch(/hostname\s+aios/);
    const from = vm.output.length;
    vm.type("garbage\x03");
    await vm.waitFor(/\^C\naios> $/, 10_000, from);
    expect(await vm.run("help", PROMPT)).not.toContain("garbage");
  });

  test("reaps an orphan it did not spawn within a second", async () => {
    await vm.run("shell", /aios-sh# $/);
    // The inner sh exits at once, so `sleep` is re-parented to PID 1 and becomes its zombie when it ends.
    await vm.run("sh -c 'sleep 0.2 & echo $! > /tmp/orphan'", /aios-sh# $/);
    const out = await vm.run("sleep 1.5; cat /proc/$(cat /tmp/orphan)/stat 2>/dev/null || echo ORPHAN-GONE", /aios-sh# $/);
    expect(out).toContain("ORPHAN-GONE");
    await vm.run("echo persisted-$((6*7)) > /var/lib/aios/marker; sync", /aios-sh# $/);
    expect(await vm.run("exit", PROMPT)).toContain("back in the aiOS REPL");
  });

  test("poweroff from the REPL ends QEMU with exit code 0", async () => {
    vm.type("poweroff\r");
    expect(await vm.waitExit()).toBe(0);
    expect(vm.output).toContain("shutdown: unmounted /var/lib/aios");
  });

  test("the data disk keeps its files across a poweroff, the API powers off too, and the next boot reads ahead what this one read, never another image's list or a hostile one", async () => {
    const again = await bootToPrompt(dataImg);
    try {
      // The list the first boot recorded, for this image, read ahead by /init on this one.
      const boot = await again.bootTable();
      expect(boot).toMatch(/readahead\s+done\s+\d+\s+read ahead by \/init: \d+ runs/);
      expect(boot).toMatch(/readahead snapshot\s+skipped/);
      await again.run("shell", /aios-sh# $/);
      expect(await again.run("cat /var/lib/aios/marker", /aios-sh# $/)).toContain("persisted-42");
      const image = /^image \S+ \S+(?=\r?$)/m.exec(await again.run('. /usr/lib/os-release; echo "image $IMAGE_VERSION $BUILD_ID"', /aios-sh# $/))?.[0];
      const list = (await again.run("head -n 3 /var/lib/aios/boot/readahead", /aios-sh# $/)).split(/\r?\n/);
      expect(image).toBeDefined();
      expect(list.slice(1, 4)).toEqual([image!, "unit 524288", expect.stringMatching(/^\/usr\/sbin\/aios-init \d+ \d+$/)]);
      // A list recorded on another image (an update, a fallback): the next boot reads nothing ahead and records its own.
      await again.run("printf 'image 0.0.1 other\\nunit 524288\\n/usr/sbin/aios-init 0 1\\n' >/var/lib/aios/boot/readahead", /aios-sh# $/);
      await again.run("exit", PROMPT);
      const res = await again.api("/api/v1/power", { method: "POST", body: JSON.stringify({ action: "poweroff" }) });
      expect(res.status).toBe(202);
      expect(await again.waitExit()).toBe(0);
    } finally {
      await again.dispose();
    }
    const third = await bootToPrompt(dataImg);
    try {
      const boot = await third.bootTable();
      expect(boot).toMatch(/readahead snapshot\s+done/);
      expect(boot).toMatch(/readahead\s+done\s+\d+\s+recorded \d+ runs/);
      // A list for this image that asks for a 95 MiB buffer and a device: /init reads nothing, and it is recorded again.
      await third.run("shell", /aios-sh# $/);
      await third.run(". /usr/lib/os-release; echo \"image $IMAGE_VERSION $BUILD_ID\" >/tmp/ra", /aios-sh# $/);
      await third.run("printf 'unit 99999999\\n/dev/watchdog 0 1\\n' >>/tmp/ra; mv /tmp/ra /var/lib/aios/boot/readahead", /aios-sh# $/);
      await third.run("exit", PROMPT);
      third.type("poweroff\r");
      expect(await third.waitExit()).toBe(0);
    } finally {
      await third.dispose();
    }
    const fourth = await bootToPrompt(dataImg);
    try {
      const boot = await fourth.bootTable();
      expect(boot).toMatch(/readahead snapshot\s+done/); // /init did not read ahead
      expect(boot).toMatch(/readahead\s+done\s+\d+\s+recorded \d+ runs/);
    } finally {
      await fourth.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("boot under adverse conditions", () => {
  test("a bad key in config.toml falls back to its own default alone, named with its line; busybox poweroff exits 0", async () => {
    const vm = Vm.boot({ overlay: { "etc/aios/config.toml": '[system]\nhostname = "ok"\nlog_level = "loud"\n' } });
    try {
      await vm.waitFor(READY, 120_000);
      expect(vm.output).toContain('config: /etc/aios/config.toml: line 3: system.log_level: must be one of debug, info, warn, error (got "loud"); using the default ("info")');
      const body = (await (await vm.api("/api/v1/system")).json()) as any;
      expect(body.hostname).toBe("ok"); // the good key is kept (issue 11: one bad key no longer drops the file)
      await vm.waitFor(PROMPT);
      await vm.run("shell", /aios-sh# $/);
      vm.type("poweroff\r");
      expect(await vm.waitExit()).toBe(0);
    } finally {
      await vm.dispose();
    }
  });

  test("a failed required phase drops to an emergency shell and boot resumes when it exits", async () => {
    const vm = Vm.boot({ cmdlineExtra: "aios.boot.min_memory_mb=100000 aios.hostname=rescued" });
    try {
      await vm.waitFor(/emergency: phase hardware failed at minimums: memory: \d+ MiB present, 100000 MiB required/, 120_000);
      await vm.waitFor(/aios-sh# $/);
      await vm.run("echo rescue-$((1+1))", /rescue-2\n/);
      vm.type("exit\r");
      await vm.waitFor(READY);
      const body = (await (await vm.api("/api/v1/system")).json()) as any;
      expect(body.hostname).toBe("rescued");
      expect(body.boot.phases.find((p: any) => p.name === "hardware").status).toBe("failed");
      await vm.waitFor(PROMPT);
      // BusyBox `reboot` sends SIGTERM; with -no-reboot QEMU exits 0.
      await vm.run("shell", /aios-sh# $/);
      vm.type("reboot\r");
      expect(await vm.waitExit()).toBe(0);
      expect(vm.output).toContain("reboot requested by SIGTERM");
    } finally {
      await vm.dispose();
    }
  });

  test("ctrl-alt-del (SIGINT, CAD disabled) reboots in order; busybox halt (SIGUSR1) halts", async () => {
    const vm = Vm.boot();
    try {
      await vm.waitFor(READY, 120_000);
      await vm.waitFor(PROMPT);
      // Ctrl-A c switches the mon:stdio serial line to QEMU's monitor and back.
      vm.type("\x01c");
      await vm.waitFor(/\(qemu\) $/);
      vm.type("sendkey ctrl-alt-delete\r\x01c");
      expect(await vm.waitExit()).toBe(0);
      expect(vm.output).toContain("reboot requested by SIGINT");
      expect(vm.output).toContain("shutdown: unmounted /var/lib/aios");
    } finally {
      await vm.dispose();
    }
    const halted = Vm.boot();
    try {
      await halted.waitFor(READY, 120_000);
      await halted.waitFor(PROMPT);
      await halted.run("shell", /aios-sh# $/);
      halted.type("halt\r");
      // A halted machine stops but QEMU keeps running: the last line is the proof.
      await halted.waitFor(/halt now/);
      expect(halted.output).toContain("halt requested by SIGUSR1");
      expect(halted.output).toContain("shutdown: unmounted /var/lib/aios");
    } finally {
      await halted.dispose();
    }
  });
});
