/**
 * Hardware inventory from /sys: PCI functions, disks with their partitions,
 * and the CPU details /proc/cpuinfo adds beyond `parseCpuinfo`.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { blockDevices } from "./proc";

function tryRead(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return undefined;
  }
}

function driverOf(dir: string): string | null {
  try {
    return readlinkSync(`${dir}/driver`).split("/").pop() ?? null;
  } catch {
    return null;
  }
}

/** PCI base classes and the common subclasses (PCI Code and ID Assignment spec). */
const PCI_CLASSES: Record<string, string> = {
  "00": "unclassified", "01": "storage", "02": "network", "03": "display", "04": "multimedia",
  "05": "memory", "06": "bridge", "07": "communication", "08": "system peripheral", "09": "input",
  "0a": "docking station", "0b": "processor", "0c": "serial bus", "0d": "wireless", "0e": "intelligent controller",
  "0f": "satellite", "10": "encryption", "11": "signal processing", "12": "processing accelerator", "ff": "unassigned",
};
const PCI_SUBCLASSES: Record<string, string> = {
  "0100": "SCSI storage", "0101": "IDE", "0105": "ATA", "0106": "SATA", "0107": "SAS", "0108": "NVMe",
  "0200": "Ethernet", "0280": "network", "0300": "VGA", "0302": "3D", "0403": "audio",
  "0600": "host bridge", "0601": "ISA bridge", "0604": "PCI bridge", "0680": "bridge",
  "0c03": "USB", "0c05": "SMBus", "1200": "processing accelerator",
};

/** A readable name for a PCI class code (`0x020000` -> `network: Ethernet`). */
export function pciClassName(classCode: string): string {
  const hex = classCode.replace(/^0x/i, "").toLowerCase().padStart(6, "0");
  const base = PCI_CLASSES[hex.slice(0, 2)] ?? `class ${hex.slice(0, 2)}`;
  const sub = PCI_SUBCLASSES[hex.slice(0, 4)];
  return sub && sub !== base ? `${base}: ${sub}` : base;
}

export interface PciDevice {
  /** Domain:bus:device.function, e.g. `0000:00:03.0`. */
  address: string;
  /** `vendor:device` in lower-case hex without 0x, as lspci -n shows it. */
  id: string;
  vendor: string;
  device: string;
  subsystem: string | null;
  /** 24-bit class code in hex (`020000`). */
  classCode: string;
  className: string;
  driver: string | null;
}

const hex4 = (s: string | undefined) => (s ?? "").replace(/^0x/i, "").toLowerCase().padStart(4, "0");

export function pciDevices(sysPci = "/sys/bus/pci/devices"): PciDevice[] {
  let names: string[];
  try {
    names = readdirSync(sysPci);
  } catch {
    return []; // no PCI bus (some arm64 machines, containers)
  }
  return names.sort().map((address) => {
    const dir = `${sysPci}/${address}`;
    const vendor = hex4(tryRead(`${dir}/vendor`));
    const device = hex4(tryRead(`${dir}/device`));
    const sv = tryRead(`${dir}/subsystem_vendor`);
    const sd = tryRead(`${dir}/subsystem_device`);
    const classCode = (tryRead(`${dir}/class`) ?? "0").replace(/^0x/i, "").toLowerCase().padStart(6, "0");
    return {
      address,
      id: `${vendor}:${device}`,
      vendor,
      device,
      subsystem: sv && sd ? `${hex4(sv)}:${hex4(sd)}` : null,
      classCode,
      className: pciClassName(classCode),
      driver: driverOf(dir),
    };
  });
}

export interface Partition { name: string; sizeBytes: number; startSector: number; number: number }

export interface Disk {
  name: string;
  sizeBytes: number;
  readOnly: boolean;
  /** Spinning disk, from queue/rotational (virtual disks usually say 1 unless told otherwise). */
  rotational: boolean;
  removable: boolean;
  model: string | null;
  vendor: string | null;
  serial: string | null;
  partitions: Partition[];
}

/** Disks (no loop, RAM or zram devices) with their partitions: subdirectories that hold a `partition` file. */
export function disks(sysBlock = "/sys/block"): Disk[] {
  return blockDevices(sysBlock)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((b) => {
      const dir = `${sysBlock}/${b.name}`;
      let entries: string[] = [];
      try {
        entries = readdirSync(dir);
      } catch {
        // vanished between listings
      }
      const partitions = entries
        .filter((e) => e.startsWith(b.name) && existsSync(`${dir}/${e}/partition`))
        .map((e) => ({
          name: e,
          sizeBytes: Number(tryRead(`${dir}/${e}/size`) ?? 0) * 512,
          startSector: Number(tryRead(`${dir}/${e}/start`) ?? 0),
          number: Number(tryRead(`${dir}/${e}/partition`) ?? 0),
        }))
        .sort((x, y) => x.number - y.number);
      const text = (p: string) => tryRead(`${dir}/${p}`) || null;
      return {
        ...b,
        rotational: tryRead(`${dir}/queue/rotational`) === "1",
        removable: tryRead(`${dir}/removable`) === "1",
        model: text("device/model"),
        vendor: text("device/vendor"),
        serial: text("serial") ?? text("device/serial"),
        partitions,
      };
    });
}

export interface CpuExtra {
  vendor: string | null;
  /** Current clock of the first CPU from /proc/cpuinfo; absent on most arm64 kernels. */
  mhz: number | null;
  /** arm64 names its flags `Features`; `parseCpuinfo` reads only the x86 `flags` line. */
  features: string[];
}

export function parseCpuExtra(text: string): CpuExtra {
  const vendor = /^vendor_id\s*:\s*(.*)$/m.exec(text)?.[1]?.trim() || null;
  const mhz = Number(/^cpu MHz\s*:\s*([\d.]+)/m.exec(text)?.[1]);
  const features = /^Features\s*:\s*(.*)$/m.exec(text)?.[1]?.trim().split(/\s+/) ?? [];
  return { vendor, mhz: Number.isFinite(mhz) && mhz > 0 ? Math.round(mhz) : null, features };
}

/**
 * CPU flags worth telling a reader about (vector units, crypto, virtualisation):
 * the full list runs past a hundred entries.
 */
export const NOTABLE_CPU_FLAGS = [
  "sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512_vnni", "avx512_bf16", "amx_tile",
  "aes", "sha_ni", "pclmulqdq", "rdrand", "vmx", "svm", "hypervisor", "lm", "nx",
  // arm64 `Features`
  "asimd", "sve", "sve2", "sha2", "pmull",
] as const;
