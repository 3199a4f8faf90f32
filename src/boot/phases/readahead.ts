/**
 * Boot readahead's recording half (src/sys/readahead.ts; initramfs/init reads
 * the list back): right after ready, when everything the boot read from the
 * system image is still in the page cache, the blocks of aios-init it read are
 * written to boot/readahead, once per image; those already read when the boot
 * phases began (Bun's start, the modules: the snapshot step, first of the
 * early phase) first, so that the next boot reads them first. A list recorded
 * on another image is replaced; with boot.readahead off in config.toml it is
 * removed, so /init reads nothing (aios.boot.readahead=false on the kernel
 * command line is for that boot only: /init reads nothing and the list stays).
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { osRelease, parseReadahead, READAHEAD_UNIT, readaheadSize, recordReadahead, residentFiles } from "../../sys";
import type { BootContext } from "../context";
import { DATA_MOUNT, READAHEAD_START } from "../products";
import { defineStep } from "../step";

/** The files read ahead: aios-init is nearly all a boot reads from the system image (~58 of its 120 MiB). */
export const READAHEAD_FILES = ["/usr/sbin/aios-init"] as const;

const listPath = (ctx: BootContext) => join(ctx.paths.data, "boot/readahead");

/** "IMAGE_VERSION BUILD_ID" of the running image, as /init reads them from its os-release; null outside an image. */
function imageKey(ctx: BootContext): string | null {
  const f = osRelease([join(ctx.paths.root, "usr/lib/os-release")])?.fields;
  return f?.IMAGE_VERSION && f.BUILD_ID ? `${f.IMAGE_VERSION} ${f.BUILD_ID}` : null;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** What Bun's start and the modules read: taken only when /init did not read ahead (no list, or another image's). */
export const readaheadStartStep = defineStep({
  name: "readahead snapshot",
  pid1Only: true,
  required: false,
  provides: [READAHEAD_START],
  describe: () => `fincore ${READAHEAD_FILES.join(" ")}  # what Bun's start read, to read first next boot`,
  run: (ctx) => {
    if (ctx.loader?.readahead) return { skip: "/init read ahead: the list is there" };
    ctx.products.provide(READAHEAD_START, residentFiles(READAHEAD_FILES, ctx.paths.root));
  },
});

export const readaheadStep = defineStep({
  name: "readahead",
  pid1Only: true,
  required: false,
  deferred: true, // after ready: what the boot read is all in the page cache then
  needs: { data: DATA_MOUNT }, // /init reads the list from the data disk, never from RAM
  describe: (ctx) => `fincore ${READAHEAD_FILES.join(" ")} > ${listPath(ctx)}  # initramfs/init reads these blocks ahead at the next boot`,
  run: (ctx) => {
    const path = listPath(ctx);
    if (!ctx.config.boot.readahead) {
      // Off on the kernel command line is off for this boot (/init read nothing); off in config.toml, from the next on.
      if (ctx.cmdlineKeys?.includes("boot.readahead")) return { skip: "aios.boot.readahead=false on the kernel command line" };
      rmSync(path, { force: true });
      return { skip: "boot.readahead is off in the configuration: the list is removed" };
    }
    const image = imageKey(ctx);
    if (!image) return { skip: "no IMAGE_VERSION and BUILD_ID in /usr/lib/os-release" };
    const kept = existsSync(path) ? parseReadahead(readFileSync(path, "utf8")) : null;
    if (kept?.image === image && kept.unit === READAHEAD_UNIT) { // another unit: not a list this build wrote (/init may have refused it)
      const { bytes } = readaheadSize(kept);
      return `${ctx.loader?.readahead ? "read ahead by /init" : "not read ahead by /init"}: ${kept.ranges.length} runs, ${mib(bytes)} (recorded at an earlier boot of this image)`;
    }
    const list = recordReadahead(path, image, READAHEAD_FILES, ctx.paths.root, ctx.products.find(READAHEAD_START));
    return `recorded ${list.ranges.length} runs, ${mib(readaheadSize(list).bytes)} of ${READAHEAD_FILES.join(", ")}, for the next boot to read ahead`;
  },
});
