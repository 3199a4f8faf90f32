/**
 * The harness itself, on a real boot: a boot that stalls before it writes
 * anything (an /init that only sleeps) is reported with where the guest was,
 * recorded, and booted once more, and the wait counts from the new boot; a
 * wait on a QEMU that has exited fails at once.
 */
import { expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initrdWith, OUT, Vm } from "../harness/vm";

test("a boot that stalls before it writes anything is recorded and booted once more; the wait counts from the new boot", async () => {
  const dir = mkdtempSync(join(tmpdir(), "aios-vm-stall-"));
  try {
    const initrd = join(dir, "initrd.cpio");
    copyFileSync(initrdWith(dir, { init: "#!/bin/busybox sh\nexec /bin/busybox sleep 1000\n" }), initrd);
    const log = join(dir, "stalls.txt");
    const vm = Vm.boot({ initrd, stallMs: 6000, stallLog: log });
    try {
      // QEMU reads -initrd before the guest runs: once it has used CPU, the next start reads the image's own.
      while (!(vm.cpuMs() > 300)) await Bun.sleep(50);
      copyFileSync(join(OUT, "initramfs.cpio"), join(dir, "next.cpio"));
      renameSync(join(dir, "next.cpio"), initrd);
      await vm.waitFor(/aios> $/, 60_000);
      // Where the guest was: the kernel's answer is timing-dependent under load, QEMU's registers are not.
      expect(vm.stalled).toMatch(/^boot stalled: nothing on the console and the data disk never written 6 s after QEMU started: QEMU running, .*console 0 chars.*; kernel: .*; vCPUs: cpu0 (halted|running)/);
      expect(readFileSync(log, "utf8")).toMatch(/^\S+ boot stalled: .*\n$/);
      expect(vm.output).not.toContain("sysrq"); // the new boot's console starts empty
      expect(await (await vm.api("/health", { auth: false })).json()).toMatchObject({ status: "ok" });
    } finally {
      await vm.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a wait on a QEMU that has exited fails at once, not at its timeout, and says so", async () => {
  const dir = mkdtempSync(join(tmpdir(), "aios-vm-exit-"));
  const initrd = initrdWith(dir, { init: "#!/bin/busybox sh\necho 'floor: pid1'\nexec /bin/busybox poweroff -f\n" });
  const vm = Vm.boot({ initrd, retryStall: false });
  try {
    await vm.waitExit();
    const began = Date.now();
    const err = await vm.waitFor(/never printed/, 120_000).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^QEMU exited while waiting for \/never printed\/: QEMU exited with 0/);
    expect(Date.now() - began).toBeLessThan(30_000);
    expect((await vm.waitFor(/floor: pid1/, 1000))[0]).toBe("floor: pid1"); // what it did print is still found
  } finally {
    await vm.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
