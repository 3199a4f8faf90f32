/**
 * What a filesystem's fsync(2) promises beyond POSIX, by filesystem type.
 *
 * POSIX says nothing of a new file's name: a portable writer flushes the
 * directory too. ext4 makes the name durable with the file: with its journal,
 * the directory entry is added in the same transaction as the inode, and
 * fsync commits that transaction; without one, ext4_sync_parent() flushes the
 * directories of an inode created since (fs/ext4/fsync.c). aios-data is
 * ext4, and on a staged write's path that directory flush was a third flush
 * running beside the file's and the ledger's (~10% of a sequential call,
 * measured with its journal), so it is skipped there and nowhere else.
 */
import { readFileSync } from "node:fs";

/** Filesystem types (as /proc/self/mountinfo names them) whose fsync of a new file persists its directory entry. */
const NAME_WITH_FSYNC = new Set(["ext4"]);

const byDev = new Map<number, boolean>();

/** `major:minor` of a st_dev, as glibc's major() and minor() split it. */
export function devName(dev: number): string {
  const d = BigInt(dev);
  const major = ((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn);
  const minor = (d & 0xffn) | ((d >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}

/** The filesystem type mounted from device `dev`, from /proc/self/mountinfo; null where none is found. */
export function fsTypeOf(dev: number, mountinfo = "/proc/self/mountinfo"): string | null {
  const want = devName(dev);
  let text: string;
  try {
    text = readFileSync(mountinfo, "utf8");
  } catch {
    return null;
  }
  for (const line of text.split("\n")) {
    // id parent major:minor root mountpoint options [optional fields...] - type source superoptions
    const fields = line.split(" ");
    if (fields[2] !== want) continue;
    const dash = fields.indexOf("-", 6);
    if (dash > 0 && fields[dash + 1]) return fields[dash + 1]!;
  }
  return null;
}

/**
 * Whether fsync of a file newly created on filesystem `dev` also makes its
 * name durable. Cached per device for the process's life: aios-init mounts
 * its disks once, and reading mountinfo on every staged file would cost more
 * than the flush it saves.
 */
export function fsyncKeepsNewName(dev: number): boolean {
  let known = byDev.get(dev);
  if (known === undefined) byDev.set(dev, (known = NAME_WITH_FSYNC.has(fsTypeOf(dev) ?? "")));
  return known;
}
