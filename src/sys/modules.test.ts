import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadModules, loadOrder, moduleName, parseModulesDep } from "./modules";

// The image's modules.dep as busybox depmod writes it for the virtio drivers (build/modules.sh).
const DEP = `kernel/drivers/virtio/virtio_pci_legacy_dev.ko:
kernel/drivers/virtio/virtio_ring.ko:
kernel/drivers/block/virtio_blk.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/virtio/virtio_pci_modern_dev.ko:
kernel/drivers/net/virtio_net.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko kernel/drivers/net/net_failover.ko kernel/net/core/failover.ko
kernel/net/core/failover.ko:
kernel/drivers/net/net_failover.ko: kernel/net/core/failover.ko
kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio_pci_legacy_dev.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/char/hw_random/virtio-rng.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
`;

describe("modules.dep", () => {
  test("names come from file names, with - as _ and any compression suffix dropped", () => {
    expect(moduleName("kernel/drivers/char/hw_random/virtio-rng.ko")).toBe("virtio_rng");
    expect(moduleName("kernel/fs/ext4/ext4.ko.xz")).toBe("ext4");
    expect(moduleName("virtio-net")).toBe("virtio_net");
  });

  test("each line maps a module to its file and dependencies", () => {
    const m = parseModulesDep(DEP);
    expect(m.size).toBe(10);
    expect(m.get("virtio_rng")).toEqual({ path: "kernel/drivers/char/hw_random/virtio-rng.ko", deps: ["kernel/drivers/virtio/virtio.ko", "kernel/drivers/virtio/virtio_ring.ko"] });
    expect(m.get("virtio_ring")!.deps).toEqual([]);
  });

  test("load order puts every dependency before its user, each file once", () => {
    const order = loadOrder(parseModulesDep(DEP), ["virtio_pci", "virtio_net", "virtio-rng"]).map(moduleName);
    expect(order).toEqual(["virtio_ring", "virtio", "virtio_pci_legacy_dev", "virtio_pci_modern_dev", "virtio_pci", "failover", "net_failover", "virtio_net", "virtio_rng"]);
  });

  test("a module that modules.dep does not know is an error naming it", () => {
    expect(() => loadOrder(parseModulesDep(DEP), ["virtio_net", "nosuch"])).toThrow("modprobe nosuch: not in modules.dep");
  });

  test("loadModules names a missing modules.dep or module file before any load; built-in names need none", () => {
    const dir = mkdtempSync(join(tmpdir(), "aios-modules-"));
    try {
      const sys = join(dir, "sys-module");
      expect(() => loadModules(["virtio_ring"], dir, sys)).toThrow(/modules\.dep/);
      writeFileSync(join(dir, "modules.dep"), DEP);
      expect(() => loadModules(["virtio_ring"], dir, sys)).toThrow(/virtio_ring\.ko/);
      writeFileSync(join(dir, "modules.builtin"), "kernel/fs/ext4/ext4.ko\nkernel/drivers/virtio/virtio_mmio.ko\n");
      expect(loadModules(["ext4", "virtio-mmio"], dir, sys)).toEqual({ loaded: [], already: [], builtin: ["ext4", "virtio-mmio"] });
      // Live already (initramfs/init loaded it): counted, not read, so a missing file does not matter.
      mkdirSync(join(sys, "virtio_ring"), { recursive: true });
      writeFileSync(join(sys, "virtio_ring", "initstate"), "live\n");
      expect(loadModules(["virtio_ring"], dir, sys)).toEqual({ loaded: [], already: ["virtio_ring"], builtin: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
