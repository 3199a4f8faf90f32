/**
 * sys.cleanup: frees disk space in the places a person names, and nowhere
 * else. Each scope says where and how old:
 *
 * - "logs": rotated generations only (name.1, name.2.gz, name.gz, name.old)
 *   under /var/log and aiOS's own log directory; never a live log, nor a
 *   generation a process still holds open;
 * - "package-cache": downloaded .debs in the package cache whose package is
 *   not installed (an installed package's .deb stays: the package manager
 *   reinstalls from it at boot, the VM's root being in RAM), and unfinished
 *   downloads;
 * - "tmp": files in /tmp (not sockets or pipes, nor files a process holds
 *   open or has mapped), then the directories that left empty;
 *
 * each only when older than its olderThanDays (0 takes all). There is no
 * default scope: nothing is deleted that was not asked for. aiOS's undo
 * copies are not a scope: they belong to the tool system, which drops them
 * once their call can no longer be rolled back (src/tools/undo-cache.ts).
 * It is not reversible: that is the point. A package removal whose .deb it
 * deletes can no longer be undone.
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync, rmdirSync, type Stats } from "node:fs";
import { join, relative } from "node:path";
import * as v from "valibot";
import { errorCode, fsyncParent, removeDurable, walkTree } from "../../sys";
import { defineTool, type ToolContext } from "../define";
import { formatBytes } from "../units";
import { ROTATED } from "../log/paths";

const DAY_MS = 86_400_000;
const LISTED = 1000;

export { ROTATED };
/** A cached package: `<name>_<sha256>.deb` (Debian names have no `_`). */
const CACHED_DEB = /^([a-z0-9][a-z0-9+.-]+)_[0-9a-f]{64}\.deb$/;

export const CLEANUP_KINDS = ["logs", "package-cache", "tmp"] as const;
type Kind = (typeof CLEANUP_KINDS)[number];

const KIND_WORDS: Record<Kind, [string, string]> = { logs: ["rotated log", "rotated logs"], "package-cache": ["cached package", "cached packages"], tmp: ["file in /tmp", "files in /tmp"] };

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
  let n = 0;
  walkTree(p, {
    enter: ({ st }) => {
      if (!st.isDirectory()) n += st.size;
    },
  }, { stat: st, tolerant: true }); // an entry gone or unreadable meanwhile counts as nothing
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

const scopeInput = v.strictObject({
  kind: v.picklist(CLEANUP_KINDS, "must be logs, package-cache or tmp"),
  olderThanDays: v.pipe(v.number("must be a number"), v.integer("must be an integer"), v.minValue(0, "must not be negative"), v.maxValue(3650, "must be at most 3650")),
});

const removedEntry = v.object({ path: v.string(), bytes: v.number(), kind: v.picklist(CLEANUP_KINDS) });

export const sysCleanup = defineTool({
  name: "sys.cleanup",
  description:
    "Frees disk space in the scopes given, each with its own age: logs (rotated generations only: x.1, x.2.gz, x.old; never a live log), package-cache (cached .debs of packages not installed), tmp (files in /tmp no process holds open). " +
    "Only what is older than the scope's olderThanDays (0: all) goes; there is no default scope. NOT reversible: what it deletes is gone. dryRun lists what would go without deleting.",
  input: v.strictObject({
    scopes: v.pipe(
      v.array(scopeInput, "must be an array of {kind, olderThanDays}"),
      v.minLength(1, "must name at least one scope"),
      v.check((s) => new Set(s.map((x) => x.kind)).size === s.length, "must name each kind once"),
    ),
    dryRun: v.optional(v.boolean("must be true or false"), false),
  }),
  output: v.object({
    dryRun: v.boolean(),
    scopes: v.array(v.object({ kind: v.picklist(CLEANUP_KINDS), olderThanDays: v.number(), count: v.number(), bytes: v.number() })),
    freedBytes: v.number(),
    removedCount: v.number(),
    /** The first 1000 of what went (or would go). */
    removed: v.array(removedEntry),
    skipped: v.array(v.object({ path: v.string(), error: v.string() })),
    notes: v.array(v.string()),
  }),
  risk: "high",
  readOnly: false,
  idempotent: true,
  reversible: false,
  timeoutMs: 300_000,
  execute(args, ctx) {
    const now = Date.now();
    // 0 takes all, even a file written this very millisecond (mtime has sub-ms precision, Date.now() does not).
    const oldFor = (days: number) => (st: Stats) => days === 0 || st.mtimeMs <= now - days * DAY_MS;
    const found = new Map<string, Candidate>();
    const notes: string[] = [];
    const add = (host: string, st: Stats, kind: Kind) => {
      if (!found.has(host)) found.set(host, { host, path: guestOf(ctx, host), bytes: sizeOf(host, st), kind, dir: st.isDirectory() });
    };
    const aborted = () => {
      if (ctx.signal.aborted) throw ctx.signal.reason;
    };
    const scope = new Map(args.scopes.map((x) => [x.kind, oldFor(x.olderThanDays)]));
    let inUse: Set<string> | undefined;
    const held = () => (inUse ??= filesInUse());

    // The package cache: .debs of packages not installed, and unfinished downloads.
    const pkgOld = scope.get("package-cache");
    const pkg = ctx.host.pkg;
    if (pkgOld && pkg) {
      const installed = new Set(pkg.list().packages.map((p) => p.name));
      const debs = join(pkg.config.cacheDir, "debs");
      for (const name of entries(debs)) {
        const st = lstat(join(debs, name));
        if (!st?.isFile() || !pkgOld(st)) continue;
        const m = CACHED_DEB.exec(name);
        if ((m && !installed.has(m[1]!)) || name.endsWith(".tmp")) add(join(debs, name), st, "package-cache");
      }
    } else if (pkgOld) notes.push("no package manager on this host: the package cache was not looked at");

    // /tmp: regular files and links, never sockets or pipes a program is using; then empty old directories.
    const tmpOld = scope.get("tmp");
    const emptyDirs: string[] = [];
    if (tmpOld) {
      const walkTmp = (dir: string, depth: number): boolean => {
        aborted();
        let empty = true;
        for (const name of entries(dir)) {
          const p = join(dir, name);
          const st = lstat(p);
          if (!st) continue;
          if (st.isDirectory() && depth < 32) {
            if (walkTmp(p, depth + 1) && tmpOld(st)) emptyDirs.push(p);
            else empty = false;
          } else if ((st.isFile() || st.isSymbolicLink()) && tmpOld(st) && !held().has(p)) add(p, st, "tmp");
          else empty = false;
        }
        return empty;
      };
      walkTmp(ctx.env.root === "/" ? "/tmp" : join(ctx.env.root, "tmp"), 0);
    }

    // Rotated logs, whatever wrote them (ours under paths.log; /var/log holds it in the VM, deduplicated by path).
    const logsOld = scope.get("logs");
    if (logsOld) {
      const walkLogs = (dir: string, depth: number) => {
        aborted();
        for (const name of entries(dir)) {
          const p = join(dir, name);
          const st = lstat(p);
          if (!st) continue;
          if (st.isDirectory() && depth < 8) walkLogs(p, depth + 1);
          else if (st.isFile() && ROTATED.test(name) && logsOld(st) && !held().has(p)) add(p, st, "logs");
        }
      };
      walkLogs(ctx.env.root === "/" ? "/var/log" : join(ctx.env.root, "var/log"), 0);
      walkLogs(ctx.env.paths.log, 0);
    }

    const removed: Candidate[] = [];
    const skipped: Array<{ path: string; error: string }> = [];
    for (const c of found.values()) {
      aborted();
      if (!args.dryRun) {
        try {
          removeDurable(c.host);
        } catch (err) {
          skipped.push({ path: c.path, error: errorCode(err) ?? String(err) });
          continue;
        }
      }
      removed.push(c);
    }
    // Directories emptied above, deepest first; one that got a file meanwhile stays (rmdir, never a recursive remove).
    if (!args.dryRun) {
      for (const d of emptyDirs) {
        try {
          rmdirSync(d);
          fsyncParent(d);
        } catch {
          // not empty after all
        }
      }
    }
    return {
      dryRun: args.dryRun,
      scopes: args.scopes.map((x) => {
        const mine = removed.filter((c) => c.kind === x.kind);
        return { kind: x.kind, olderThanDays: x.olderThanDays, count: mine.length, bytes: mine.reduce((n, c) => n + c.bytes, 0) };
      }),
      freedBytes: removed.reduce((n, c) => n + c.bytes, 0),
      removedCount: removed.length,
      removed: removed.slice(0, LISTED).map((c) => ({ path: c.path, bytes: c.bytes, kind: c.kind })),
      skipped,
      notes,
    };
  },
  summarize: (o) => {
    const parts = o.scopes.filter((x) => x.count > 0).map((x) => `${x.count} ${KIND_WORDS[x.kind][x.count === 1 ? 0 : 1]} (${formatBytes(x.bytes)})`);
    const asked = o.scopes.map((x) => `${x.kind} older than ${x.olderThanDays} ${x.olderThanDays === 1 ? "day" : "days"}`).join(", ");
    const lines = [parts.length ? `${o.dryRun ? "Would free" : "Freed"} ${formatBytes(o.freedBytes)}: ${parts.join(", ")}` : `Nothing to clean up (${asked})`];
    if (o.skipped.length) lines.push(`${o.skipped.length} could not be removed (first: ${o.skipped[0]!.path}: ${o.skipped[0]!.error})`);
    lines.push(...o.notes);
    return lines.join("\n");
  },
});
