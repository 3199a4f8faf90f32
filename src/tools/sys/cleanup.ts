/**
 * sys.cleanup: frees disk space in places known to be safe, and nowhere else:
 *
 * - downloaded .debs in the package cache whose package is not installed
 *   (an installed package's .deb stays: the package manager reinstalls from
 *   it at boot, the VM's root being in RAM), and unfinished downloads;
 * - undo copies in <data>/cache/undo (fs.write/fs.delete backups...);
 * - files in /tmp (not sockets or pipes, nor files a process holds open or
 *   has mapped);
 * - rotated logs (name.1, name.2.gz, name.gz, name.old) under /var/log and
 *   aiOS's own log directory;
 *
 * each only when older than olderThanDays (default 7; 0 takes all). It is
 * not reversible: that is the point. What it deletes cannot be had back,
 * and calls whose undo copies it deletes can no longer be undone, nor can a
 * package removal whose .deb it deletes.
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync, rmdirSync, rmSync, type Stats } from "node:fs";
import { join, relative } from "node:path";
import * as v from "valibot";
import { errorCode } from "../../sys";
import { defineTool, type ToolContext } from "../define";

const DAY_MS = 86_400_000;
const LISTED = 1000;

/** A rotated log's name: a numbered or compressed generation, or `.old`. */
export const ROTATED = /(\.\d+(\.(gz|xz|bz2|zst|lz4))?|\.(gz|xz|bz2|zst|lz4)|\.old)$/;
/** A cached package: `<name>_<sha256>.deb` (Debian names have no `_`). */
const CACHED_DEB = /^([a-z0-9][a-z0-9+.-]+)_[0-9a-f]{64}\.deb$/;

export const CLEANUP_KINDS = ["package-cache", "undo-cache", "tmp", "rotated-log"] as const;
type Kind = (typeof CLEANUP_KINDS)[number];

interface Candidate {
  host: string;
  /** As the guest sees it. */
  path: string;
  bytes: number;
  kind: Kind;
  dir: boolean;
}

function lstat(p: string): Stats | null {
  try {
    return lstatSync(p);
  } catch {
    return null;
  }
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Bytes a file or tree takes (apparent size; links counted as themselves). */
function sizeOf(p: string, st: Stats): number {
  if (!st.isDirectory()) return st.size;
  let n = 0;
  for (const name of entries(p)) {
    const c = lstat(join(p, name));
    if (c) n += sizeOf(join(p, name), c);
  }
  return n;
}

/**
 * Files some process holds open or has mapped (/proc/PID/fd and maps): kept
 * even when old, e.g. a library a long-running program unpacked into /tmp.
 */
export function filesInUse(): Set<string> {
  const used = new Set<string>();
  for (const pid of entries("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    for (const fd of entries(`/proc/${pid}/fd`)) {
      try {
        used.add(readlinkSync(`/proc/${pid}/fd/${fd}`));
      } catch {
        // closed meanwhile, or not ours to look at
      }
    }
    try {
      for (const line of readFileSync(`/proc/${pid}/maps`, "utf8").split("\n")) {
        const at = line.indexOf("/");
        if (at > 0) used.add(line.slice(at));
      }
    } catch {
      // gone, or not ours to look at
    }
  }
  return used;
}

/** Maps host paths back to the guest paths a person knows. */
function guestOf(ctx: ToolContext, host: string): string {
  const under = (base: string, guest: string) => {
    const r = relative(base, host);
    return r.startsWith("..") || r.startsWith("/") ? null : r === "" ? guest : `${guest === "/" ? "" : guest}/${r}`;
  };
  return under(ctx.env.paths.data, "/var/lib/aios") ?? under(ctx.env.paths.log, "/var/log/aios") ?? under(ctx.env.root, "/") ?? host;
}

export const sysCleanup = defineTool({
  name: "sys.cleanup",
  description:
    "Frees disk space in known-safe places only: cached .debs of packages that are not installed, aiOS's undo copies, files in /tmp that no process holds open, and rotated logs (x.1, x.2.gz, x.old), each only when older than olderThanDays (default 7; 0: all). " +
    "NOT reversible: what it deletes is gone, and calls whose undo copies it deletes can no longer be undone. dryRun lists what would go without deleting.",
  input: v.strictObject({
    olderThanDays: v.optional(v.pipe(v.number("must be a number"), v.integer("must be an integer"), v.minValue(0, "must not be negative"), v.maxValue(3650, "must be at most 3650")), 7),
    dryRun: v.optional(v.boolean("must be true or false"), false),
  }),
  output: v.object({
    dryRun: v.boolean(),
    olderThanDays: v.number(),
    freedBytes: v.number(),
    removedCount: v.number(),
    /** The first 1000 of what went (or would go). */
    removed: v.array(v.object({ path: v.string(), bytes: v.number(), kind: v.picklist(CLEANUP_KINDS) })),
    byKind: v.record(v.string(), v.object({ count: v.number(), bytes: v.number() })),
    skipped: v.array(v.object({ path: v.string(), error: v.string() })),
    notes: v.array(v.string()),
  }),
  risk: "high",
  readOnly: false,
  idempotent: true,
  reversible: false,
  timeoutMs: 300_000,
  execute(args, ctx) {
    const cutoff = Date.now() - args.olderThanDays * DAY_MS;
    // 0 takes all, even a file written this very millisecond (mtime has sub-ms precision, Date.now() does not).
    const old = (st: Stats) => args.olderThanDays === 0 || st.mtimeMs <= cutoff;
    const found = new Map<string, Candidate>();
    const notes: string[] = [];
    const add = (host: string, st: Stats, kind: Kind) => {
      if (!found.has(host)) found.set(host, { host, path: guestOf(ctx, host), bytes: sizeOf(host, st), kind, dir: st.isDirectory() });
    };
    const aborted = () => {
      if (ctx.signal.aborted) throw ctx.signal.reason;
    };

    // 1. The package cache: .debs of packages not installed, and unfinished downloads.
    const pkg = ctx.host.pkg;
    if (pkg) {
      const installed = new Set(pkg.list().packages.map((p) => p.name));
      const debs = join(pkg.config.cacheDir, "debs");
      for (const name of entries(debs)) {
        const st = lstat(join(debs, name));
        if (!st?.isFile() || !old(st)) continue;
        const m = CACHED_DEB.exec(name);
        if ((m && !installed.has(m[1]!)) || name.endsWith(".tmp")) add(join(debs, name), st, "package-cache");
      }
    } else notes.push("no package manager on this host: the package cache was not looked at");

    // 2. Undo copies, one directory per call.
    const undo = join(ctx.env.paths.data, "cache", "undo");
    for (const name of entries(undo)) {
      const st = lstat(join(undo, name));
      if (st && old(st)) add(join(undo, name), st, "undo-cache");
    }

    // 3. /tmp: regular files and links, never sockets or pipes a program is using; then empty old directories.
    const tmp = ctx.env.root === "/" ? "/tmp" : join(ctx.env.root, "tmp");
    const emptyDirs: string[] = [];
    const walkTmp = (dir: string, depth: number): boolean => {
      aborted();
      let empty = true;
      for (const name of entries(dir)) {
        const p = join(dir, name);
        const st = lstat(p);
        if (!st) continue;
        if (st.isDirectory() && depth < 32) {
          if (walkTmp(p, depth + 1) && old(st)) emptyDirs.push(p);
          else empty = false;
        } else if ((st.isFile() || st.isSymbolicLink()) && old(st)) add(p, st, "tmp");
        else empty = false;
      }
      return empty;
    };
    const inUse = filesInUse();
    walkTmp(tmp, 0);
    for (const [host, c] of found) if (c.kind === "tmp" && inUse.has(host)) found.delete(host);

    // 4. Rotated logs, whatever wrote them (ours under paths.log; /var/log holds it in the VM, deduplicated by path).
    const walkLogs = (dir: string, depth: number) => {
      aborted();
      for (const name of entries(dir)) {
        const p = join(dir, name);
        const st = lstat(p);
        if (!st) continue;
        if (st.isDirectory() && depth < 8) walkLogs(p, depth + 1);
        else if (st.isFile() && ROTATED.test(name) && old(st)) add(p, st, "rotated-log");
      }
    };
    walkLogs(ctx.env.root === "/" ? "/var/log" : join(ctx.env.root, "var/log"), 0);
    walkLogs(ctx.env.paths.log, 0);

    const removed: Candidate[] = [];
    const skipped: Array<{ path: string; error: string }> = [];
    for (const c of found.values()) {
      aborted();
      if (!args.dryRun) {
        try {
          rmSync(c.host, { recursive: c.dir, force: true });
        } catch (err) {
          skipped.push({ path: c.path, error: errorCode(err) ?? String(err) });
          continue;
        }
      }
      removed.push(c);
    }
    // Directories emptied above, deepest first; one that got a file meanwhile stays.
    if (!args.dryRun) for (const d of emptyDirs) try { rmdirSync(d); } catch { /* not empty after all */ }
    const byKind: Record<string, { count: number; bytes: number }> = {};
    for (const c of removed) {
      const k = (byKind[c.kind] ??= { count: 0, bytes: 0 });
      k.count++;
      k.bytes += c.bytes;
    }
    return {
      dryRun: args.dryRun,
      olderThanDays: args.olderThanDays,
      freedBytes: removed.reduce((n, c) => n + c.bytes, 0),
      removedCount: removed.length,
      removed: removed.slice(0, LISTED).map((c) => ({ path: c.path, bytes: c.bytes, kind: c.kind })),
      byKind,
      skipped,
      notes,
    };
  },
});
