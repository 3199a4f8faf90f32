import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { disks, parseCpuExtra, pciClassName, pciDevices } from "./devices";

const root = mkdtempSync(join(tmpdir(), "aios-dev-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function files(dir: string, entries: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(entries)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), `${text}\n`);
  }
}

describe("pciClassName", () => {
  test("base class with a known subclass, base alone, unknown", () => {
    expect(pciClassName("0x020000")).toBe("network: Ethernet");
    expect(pciClassName("0x010802")).toBe("storage: NVMe");
    expect(pciClassName("0x00ff00")).toBe("unclassified");
    expect(pciClassName("0xffff00")).toBe("unassigned");
    expect(pciClassName("0x028000")).toBe("network");
    expect(pciClassName("0x130000")).toBe("class 13");
  });
});

describe("pciDevices on a fixture tree", () => {
  test("ids, class, subsystem and driver; sorted by address", () => {
    const pci = join(root, "pci");
    files(join(pci, "0000:00:03.0"), { vendor: "0x1af4", device: "0x1041", class: "0x020000", subsystem_vendor: "0x1af4", subsystem_device: "0x1100" });
    files(join(pci, "0000:00:00.0"), { vendor: "0x8086", device: "0x29c0", class: "0x060000" });
    mkdirSync(join(root, "drivers/virtio-pci"), { recursive: true });
    symlinkSync(join(root, "drivers/virtio-pci"), join(pci, "0000:00:03.0", "driver"));
    expect(pciDevices(pci)).toEqual([
      { address: "0000:00:00.0", id: "8086:29c0", vendor: "8086", device: "29c0", subsystem: null, classCode: "060000", className: "bridge: host bridge", driver: null },
      { address: "0000:00:03.0", id: "1af4:1041", vendor: "1af4", device: "1041", subsystem: "1af4:1100", classCode: "020000", className: "network: Ethernet", driver: "virtio-pci" },
    ]);
    expect(pciDevices(join(root, "no-pci-bus"))).toEqual([]);
  });
});

describe("disks on a fixture tree", () => {
  test("partitions in order, rotational, model or vendor; loop devices skipped", () => {
    const block = join(root, "block");
    files(join(block, "sda"), { size: "2000", ro: "0", removable: "0", "queue/rotational": "1", "device/model": "QEMU HARDDISK  ", "device/vendor": "ATA", serial: "" });
    files(join(block, "sda", "sda2"), { partition: "2", size: "1000", start: "1024" });
    files(join(block, "sda", "sda1"), { partition: "1", size: "990", start: "34" });
    files(join(block, "sda", "queue"), { nr_requests: "64" }); // a directory that is not a partition
    files(join(block, "vda"), { size: "100", ro: "1", "queue/rotational": "0", "device/vendor": "0x1af4", serial: "disk-serial" });
    files(join(block, "loop0"), { size: "8" });
    expect(disks(block)).toEqual([
      {
        name: "sda", sizeBytes: 2000 * 512, readOnly: false, rotational: true, removable: false, model: "QEMU HARDDISK", vendor: "ATA", serial: null,
        partitions: [{ name: "sda1", sizeBytes: 990 * 512, startSector: 34, number: 1 }, { name: "sda2", sizeBytes: 1000 * 512, startSector: 1024, number: 2 }],
      },
      { name: "vda", sizeBytes: 100 * 512, readOnly: true, rotational: false, removable: false, model: null, vendor: "0x1af4", serial: "disk-serial", partitions: [] },
    ]);
  });
});

describe("parseCpuExtra", () => {
  test("x86: vendor and MHz of the first CPU", () => {
    expect(parseCpuExtra("processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu MHz\t\t: 2596.142\nflags\t\t: fpu\n")).toEqual({ vendor: "AuthenticAMD", mhz: 2596, features: [] });
  });
  test("arm64: no vendor or MHz, Features instead of flags", () => {
    expect(parseCpuExtra("processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd evtstrm sha2\n")).toEqual({ vendor: null, mhz: null, features: ["fp", "asimd", "evtstrm", "sha2"] });
  });
});

describe("on the real /sys", () => {
  test("disks have sizes; PCI ids are hex pairs when there is a bus", () => {
    for (const d of disks()) expect(d.sizeBytes).toBeGreaterThanOrEqual(0);
    for (const p of pciDevices()) expect(p.id).toMatch(/^[0-9a-f]{4}:[0-9a-f]{4}$/);
  });
});
