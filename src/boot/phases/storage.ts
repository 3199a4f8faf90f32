/**
 * Storage: the data disk holds /var/lib/aios (the user's state; initramfs/init
 * has usually mounted it already, to read the boot state). A blank disk
 * is formatted on first boot; a disk with anything else on it is never
 * formatted, and failing to mount it stops the boot rather than letting the
 * system run on RAM while the user believes it is saving state.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readSync } from "node:fs";
import { join } from "node:path";
import { AiosError, fsyncPath, libc, logToFile, mkdirDurable, run } from "../../sys";
import { DATA_DIRS } from "../context";
import { keepLastGood, lastGoodPath } from "../lastgood";
import { DATA_MOUNT } from "../products";
import { definePhase, defineStep } from "../step";
import { readaheadStep } from "./readahead";
import { settingsStep } from "./restore";
import { slotStep } from "./slot";

const EXT_MAGIC_OFFSET = 1080;
const PROBE_BYTES = 128 * 1024;

export type DiskContent = "ext" | "blank" | "other";

/** Classifies the first bytes of a disk: an ext2/3/4 superblock, all zeros, or something else. */
export function classifyDisk(head: Uint8Array): DiskContent {
  if (head[EXT_MAGIC_OFFSET] === 0x53 && head[EXT_MAGIC_OFFSET + 1] === 0xef) return "ext";
  return head.every((b) => b === 0) ? "blank" : "other";
}

function readHead(device: string): Uint8Array {
  const fd = openSync(device, "r");
  try {
    const buf = new Uint8Array(PROBE_BYTES);
    readSync(fd, buf, 0, PROBE_BYTES, 0);
    return buf;
  } finally {
    closeSync(fd);
  }
}

async function waitFor(path: string, ms: number): Promise<boolean> {
  for (const end = performance.now() + ms; performance.now() < end; await Bun.sleep(20)) {
    if (existsSync(path)) return true;
  }
  return existsSync(path);
}

export const storage = definePhase({
  name: "storage",
  required: true,
  steps: [
    defineStep({
      name: "data disk",
      pid1Only: true,
      describe: (ctx) => `blkid ${ctx.config.boot.data_device} || mke2fs -L aios-data ${ctx.config.boot.data_device}`,
      run: async (ctx) => {
        const device = ctx.config.boot.data_device;
        if (!(await waitFor(device, 2000))) return { skip: `no ${device}: ${ctx.paths.data} lives in RAM until poweroff` };
        const content = classifyDisk(readHead(device));
        if (content === "other") throw new AiosError("bad_disk", `${device}: holds something that is not an ext filesystem; refusing to format it`);
        if (content === "blank") {
          const r = await run(["/bin/mke2fs", "-L", "aios-data", device]);
          if (r.exitCode !== 0) throw new AiosError("bad_disk", `mke2fs ${device}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
          return `${device} was blank: formatted`;
        }
        return `${device}: ext filesystem`;
      },
    }),
    defineStep({
      name: "mount data",
      pid1Only: true,
      provides: [DATA_MOUNT],
      describe: (ctx) => `mount -t ext4 -o noatime ${ctx.config.boot.data_device} ${ctx.paths.data}`,
      run: (ctx) => {
        const device = ctx.config.boot.data_device;
        if (!existsSync(device)) return { skip: `no ${device}` };
        mkdirSync(ctx.paths.data, { recursive: true });
        // Recorded before mounting so that EBUSY (already mounted) still gets unmounted at shutdown.
        ctx.products.provide(DATA_MOUNT, ctx.paths.data);
        libc.mount(device, ctx.paths.data, "ext4", libc.MS.NOATIME, null);
      },
    }),
    defineStep({
      name: "layout",
      describe: (ctx) => `mkdir -p ${ctx.paths.data}/{${DATA_DIRS.join(",")}} ${ctx.paths.log} ${ctx.paths.run}; chmod 700 ${ctx.paths.secrets}`,
      run: (ctx) => {
        // Durable: on a first boot these are new entries on the data disk.
        for (const dir of DATA_DIRS) mkdirDurable(join(ctx.paths.data, dir));
        chmodSync(ctx.paths.secrets, 0o700);
        fsyncPath(ctx.paths.secrets);
        mkdirSync(ctx.paths.log, { recursive: true });
        mkdirSync(ctx.paths.run, { recursive: true });
        logToFile(join(ctx.paths.log, "aios.log"));
      },
    }),
    defineStep({
      name: "last good config",
      required: false,
      describe: (ctx) => `cp ${ctx.configFile?.path ?? "config.toml"} ${lastGoodPath(ctx.paths)} (or use it, when config.toml cannot be)`,
      run: keepLastGood,
    }),
    settingsStep,
    slotStep,
    readaheadStep,
  ],
});
