/**
 * The system slots on disk: the GPT partitions named aios-a and aios-b
 * (build/mkdisk.sh), found the way initramfs/init finds them, by the
 * PARTNAME in each block device's uevent, whatever disk they are on.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Slot } from "./state";

export interface SlotDevice {
  /** The block device (or, in tests, a file) the slot's image is written to. */
  path: string;
  bytes: number;
}

export const PARTNAMES: Record<Slot, string> = { a: "aios-a", b: "aios-b" };

export function findSlotDevices(sysClassBlock = "/sys/class/block", devDir = "/dev"): Partial<Record<Slot, SlotDevice>> {
  const found: Partial<Record<Slot, SlotDevice>> = {};
  let names: string[];
  try {
    names = readdirSync(sysClassBlock);
  } catch {
    return found;
  }
  for (const name of names) {
    let uevent: string;
    try {
      uevent = readFileSync(join(sysClassBlock, name, "uevent"), "utf8");
    } catch {
      continue;
    }
    const partname = /^PARTNAME=(.*)$/m.exec(uevent)?.[1];
    const devname = /^DEVNAME=(.*)$/m.exec(uevent)?.[1] ?? name;
    for (const slot of ["a", "b"] as const) {
      if (partname !== PARTNAMES[slot]) continue;
      const sectors = Number(readFileSync(join(sysClassBlock, name, "size"), "utf8").trim());
      found[slot] = { path: join(devDir, devname), bytes: sectors * 512 };
    }
  }
  return found;
}
