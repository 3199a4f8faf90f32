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
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readlinkSync, readSync } from "node:fs";
import { basename } from "node:path";

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

/** What commitKeepsWritten() looks at, for one filesystem. */
export interface CommitFacts {
  type: string | null;
  /** jbd2 runs a journal for it (/proc/fs/jbd2 lists it). */
  journal: boolean;
  /** Its mount options in full, as /proc/fs/ext4/NAME/options lists them. */
  options: readonly string[];
  /** The superblock's s_feature_compat; null where it could not be read. */
  compat: number | null;
}

/** ext4's superblock feature bit for fast commits (EXT4_FEATURE_COMPAT_FAST_COMMIT). */
const COMPAT_FAST_COMMIT = 0x400;

/**
 * The rule, on facts read elsewhere: ext4 with its journal, journal commits
 * written with a flush before their commit block (barrier, not
 * journal_async_commit), data ordered or journaled, and no fast commits
 * (a fast commit logs only the inodes it tracks, so whether it carries
 * another file's new blocks is not a promise).
 */
export function keepsWritten(f: CommitFacts): boolean {
  const has = (o: string) => f.options.includes(o);
  return (
    f.type === "ext4" &&
    f.journal &&
    has("barrier") &&
    !has("nobarrier") &&
    !has("journal_async_commit") &&
    (has("data=ordered") || has("data=journal")) &&
    f.compat !== null &&
    (f.compat & COMPAT_FAST_COMMIT) === 0
  );
}

/** The facts for filesystem `dev` from /proc, /sys and the block device's superblock (`roots` for tests). */
export function commitFacts(dev: number, roots = { proc: "/proc", sys: "/sys", dev: "/dev" }): CommitFacts {
  const none: CommitFacts = { type: null, journal: false, options: [], compat: null };
  const type = fsTypeOf(dev, `${roots.proc}/self/mountinfo`);
  let name: string;
  try {
    name = basename(readlinkSync(`${roots.sys}/dev/block/${devName(dev)}`));
  } catch {
    return { ...none, type };
  }
  let journal = false;
  try {
    journal = readdirSync(`${roots.proc}/fs/jbd2`).some((j) => j.startsWith(`${name}-`));
  } catch {
    // no jbd2 at all
  }
  let options: string[] = [];
  try {
    options = readFileSync(`${roots.proc}/fs/ext4/${name}/options`, "utf8").split("\n").filter(Boolean);
  } catch {
    // not ext4
  }
  let compat: number | null = null;
  const sb = `${roots.dev}/${name}`;
  if (existsSync(sb)) {
    try {
      const fd = openSync(sb, "r");
      try {
        const buf = Buffer.alloc(4);
        if (readSync(fd, buf, 0, 4, 1024 + 0x5c) === 4) compat = buf.readUInt32LE(0);
      } finally {
        closeSync(fd);
      }
    } catch {
      // not readable (not root): unknown, so no promise
    }
  }
  return { type, journal, options, compat };
}

const keepsByDev = new Map<number, boolean>();

/**
 * Whether, on filesystem `dev`, the next journal commit makes durable every
 * write to the disk that completed before it began, whichever file it
 * belongs to. On ext4 with its journal that holds: a commit writes its
 * commit block with a flush before it (REQ_PREFLUSH: every write the disk
 * has completed is on stable media first), and a change of metadata (a
 * rename) enters the running transaction or a later one, never an earlier
 * one. So a writer that pushes file pages to the disk and waits
 * (sync_file_range: no flush, no commit) and then renames needs one commit,
 * where fsync-then-rename pays two: whichever commit makes the rename
 * durable, its own or a background one, persists those pages first. The
 * pages' own metadata (blocks allocated, size) is in that transaction or an
 * earlier one: ext4 ends a page's writeback only after converting its
 * unwritten extent (fs/ext4/page-io.c, ext4_release_io_end), so the wait
 * covers the conversion too.
 * Cached per device: aios-init mounts its disks once.
 */
export function commitKeepsWritten(dev: number): boolean {
  let known = keepsByDev.get(dev);
  if (known === undefined) keepsByDev.set(dev, (known = keepsWritten(commitFacts(dev))));
  return known;
}
