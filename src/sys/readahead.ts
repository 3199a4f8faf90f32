/**
 * Boot readahead, as systemd-readahead did it and Windows' prefetcher does: after
 * ready, aios-init records which blocks of the system image's files the boot
 * read (what is in the page cache); at the next boot of the same image,
 * initramfs/init reads those blocks on the second vCPU while Bun starts on
 * the first, so that Bun's page faults find them already decompressed.
 * Reading aios-init's pages from the squashfs is ~0.6 s of a boot under TCG.
 *
 * The list (boot/readahead on the data disk) is lines of text, because
 * BusyBox sh reads it:
 *
 *     image 0.1.0 19f9f7d2ee98          IMAGE_VERSION and BUILD_ID of the image it was recorded on
 *     unit 524288                       bytes a block (dd's bs)
 *     /usr/sbin/aios-init 0 6           a file, its first block, how many blocks
 *
 * A list of another image is ignored (and recorded again); a wrong list costs
 * the second vCPU some reading, never correctness: it only reads into /dev/null.
 */
import { closeSync, fstatSync, openSync } from "node:fs";
import { writeFileDurable } from "./durable";
import { PAGE_SIZE, residentPages } from "./libc";

/**
 * The system image's squashfs block size (build/system.mk, SQUASHFS_OPTS -b 512K): reading
 * one page decompresses its whole block into the page cache, so whole blocks are what a boot read.
 */
export const READAHEAD_UNIT = 512 * 1024;
/** Runs of blocks this close are read as one (one dd fewer, a block or so more to read). */
const MERGE_GAP_BLOCKS = 1;

export interface ReadaheadRange {
  path: string;
  /** First block (of READAHEAD_UNIT bytes) and how many. */
  start: number;
  count: number;
}

export interface ReadaheadList {
  /** "IMAGE_VERSION BUILD_ID" of the image the list was recorded on. */
  image: string;
  unit: number;
  ranges: ReadaheadRange[];
}

/** Which blocks of `pagesPerBlock` pages have a resident page in them (mincore's bit 0). */
export function residentBlocks(pages: Uint8Array, pagesPerBlock: number): boolean[] {
  const blocks = new Array<boolean>(Math.ceil(pages.length / pagesPerBlock)).fill(false);
  for (let p = 0; p < pages.length; p++) if (pages[p]! & 1) blocks[Math.floor(p / pagesPerBlock)] = true;
  return blocks;
}

/** The runs of true blocks, [first block, count], runs at most `gap` blocks apart merged. */
export function blockRuns(blocks: readonly boolean[], gap = MERGE_GAP_BLOCKS): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  blocks.forEach((resident, b) => {
    if (!resident) return;
    const last = runs.at(-1);
    if (last && b - (last[0] + last[1]) <= gap) last[1] = b - last[0] + 1;
    else runs.push([b, 1]);
  });
  return runs;
}

export function formatReadahead(list: ReadaheadList): string {
  return [`image ${list.image}`, `unit ${list.unit}`, ...list.ranges.map((r) => `${r.path} ${r.start} ${r.count}`)].join("\n") + "\n";
}

/** The list, or null when the text is not one (its header is checked; initramfs/init skips what it cannot read). */
export function parseReadahead(text: string): ReadaheadList | null {
  const lines = text.split("\n").filter((l) => l !== "");
  const image = /^image (\S+ \S+)$/.exec(lines[0] ?? "")?.[1];
  const unit = Number(/^unit (\d+)$/.exec(lines[1] ?? "")?.[1]);
  if (!image || !(unit > 0)) return null;
  const ranges: ReadaheadRange[] = [];
  for (const line of lines.slice(2)) {
    const m = /^(\/\S+) (\d+) (\d+)$/.exec(line);
    if (m) ranges.push({ path: m[1]!, start: Number(m[2]), count: Number(m[3]) });
  }
  return { image, unit, ranges };
}

/** Blocks and bytes the list reads. */
export function readaheadSize(list: ReadaheadList): { blocks: number; bytes: number } {
  const blocks = list.ranges.reduce((n, r) => n + r.count, 0);
  return { blocks, bytes: blocks * list.unit };
}

/** Each file's pages in the page cache now (a file that cannot be read is left out). */
export function residentFiles(files: readonly string[], root = "/"): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const path of files) {
    let fd: number;
    try {
      fd = openSync(`${root.replace(/\/$/, "")}${path}`, "r");
    } catch {
      continue;
    }
    try {
      out.set(path, residentPages(fd, fstatSync(fd).size));
    } finally {
      closeSync(fd);
    }
  }
  return out;
}

/**
 * The list of what is resident in `now`, in reading order: the blocks already resident in
 * `first` (a snapshot taken when the program started: what Bun's start and the modules read)
 * come first, so that the readahead is ahead of Bun where it matters most; then the rest.
 */
export function readaheadList(image: string, now: Map<string, Uint8Array>, first = new Map<string, Uint8Array>()): ReadaheadList {
  const ppb = READAHEAD_UNIT / PAGE_SIZE;
  const early: ReadaheadRange[] = [];
  const late: ReadaheadRange[] = [];
  for (const [path, pages] of now) {
    const all = residentBlocks(pages, ppb);
    const before = first.has(path) ? residentBlocks(first.get(path)!, ppb) : all.map(() => false);
    for (const [start, count] of blockRuns(before)) early.push({ path, start, count });
    for (const [start, count] of blockRuns(all.map((r, b) => r && !before[b]))) late.push({ path, start, count });
  }
  return { image, unit: READAHEAD_UNIT, ranges: [...early, ...late] };
}

/** Records what of `files` is in the page cache now (see readaheadList) into `listPath`. */
export function recordReadahead(listPath: string, image: string, files: readonly string[], root = "/", first?: Map<string, Uint8Array>): ReadaheadList {
  const list = readaheadList(image, residentFiles(files, root), first);
  writeFileDurable(listPath, formatReadahead(list));
  return list;
}
