/** monitor.disk: space and inodes of mounted filesystems, as df shows them. */
import { realpathSync, statfsSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { errorCode, type Mount, mountFor, mounts, PSEUDO_FILESYSTEMS } from "../../sys";
import { listOf } from "../summary";
import { formatBytes, formatPercent } from "../units";
import { defineTool } from "../define";
import { MonitorError } from "./common";

const round1 = (x: number) => Math.round(x * 10) / 10;

const fsOutput = v.object({
  mountpoint: v.string(),
  device: v.string(),
  fstype: v.string(),
  readOnly: v.boolean(),
  sizeBytes: v.number(),
  usedBytes: v.number(),
  /** What an unprivileged writer can still use (root may have a reserve on top). */
  availableBytes: v.number(),
  usedPercent: v.number(),
  inodes: v.object({ total: v.number(), used: v.number(), free: v.number(), usedPercent: v.number() }),
});
type FsUsage = v.InferOutput<typeof fsOutput>;

/** df's arithmetic: used percent of what non-root users can have (used + available), rounded to 0.1. */
export function usageOf(m: Mount, st: { bsize: number; blocks: number; bfree: number; bavail: number; files: number; ffree: number }): FsUsage {
  const used = (st.blocks - st.bfree) * st.bsize;
  const avail = st.bavail * st.bsize;
  const usedInodes = st.files - st.ffree;
  return {
    mountpoint: m.mountpoint,
    device: m.device,
    fstype: m.fstype,
    readOnly: m.options.includes("ro"),
    sizeBytes: st.blocks * st.bsize,
    usedBytes: used,
    availableBytes: avail,
    usedPercent: used + avail > 0 ? round1((used / (used + avail)) * 100) : 0,
    inodes: { total: st.files, used: usedInodes, free: st.ffree, usedPercent: st.files > 0 ? round1((usedInodes / st.files) * 100) : 0 },
  };
}

/** Real filesystems, one per mountpoint (a later mount on the same point hides the earlier one). */
export function realMounts(list: readonly Mount[]): Mount[] {
  const byPoint = new Map<string, Mount>();
  for (const m of list) {
    if (PSEUDO_FILESYSTEMS.has(m.fstype)) continue;
    byPoint.delete(m.mountpoint);
    byPoint.set(m.mountpoint, m);
  }
  return [...byPoint.values()];
}

export const monitorDisk = defineTool({
  name: "monitor.disk",
  description:
    "Disk space and inodes: for every mounted filesystem (pseudo filesystems such as proc, sysfs, devtmpfs and cgroup left out), or for the filesystem holding path. Sizes in bytes; usedPercent as df computes it.",
  input: v.strictObject({
    path: v.optional(
      v.pipe(
        v.string("must be a string"),
        v.minLength(1, "must not be empty"),
        v.maxLength(4096, "must be at most 4096 characters"),
        v.startsWith("/", "must be an absolute path"),
        v.check((s) => !s.includes("\0"), "must not contain a NUL byte"),
        v.check((s) => !s.split("/").includes(".."), "must not contain .. segments"),
      ),
    ),
  }),
  output: v.object({
    path: v.optional(v.string()),
    filesystems: v.array(fsOutput),
    skipped: v.array(v.object({ mountpoint: v.string(), error: v.string() })),
  }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 15_000,
  execute(args, ctx) {
    const list = mounts();
    if (args.path !== undefined) {
      // A guest path: under the sandbox root in dev mode, as every tool sees paths.
      try {
        const host = realpathSync(join(ctx.env.root, args.path));
        const m = mountFor(list, host) ?? { device: "unknown", mountpoint: "/", fstype: "unknown", options: [] };
        return { path: args.path, filesystems: [usageOf(m, statfsSync(host))], skipped: [] };
      } catch (err) {
        const code = errorCode(err);
        throw new MonitorError(code ?? "failed", "monitor.disk", args.path, code === "ENOENT" ? "no such file or directory" : code ?? String(err), { cause: err });
      }
    }
    const filesystems: FsUsage[] = [];
    const skipped: { mountpoint: string; error: string }[] = [];
    for (const m of realMounts(list)) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      try {
        filesystems.push(usageOf(m, statfsSync(m.mountpoint)));
      } catch (err) {
        // a mount we may not look into, or one that went away since /proc/mounts was read
        skipped.push({ mountpoint: m.mountpoint, error: errorCode(err) ?? String(err) });
      }
    }
    return { filesystems, skipped };
  },
  summarize: (o) => {
    const lines = o.filesystems.map(
      (f) => `${f.mountpoint}: ${formatBytes(f.usedBytes)} used of ${formatBytes(f.sizeBytes)} (${formatPercent(f.usedPercent)}), ${formatBytes(f.availableBytes)} free${f.readOnly ? ", read-only" : ""} (${f.device}, ${f.fstype})`,
    );
    if (o.skipped.length) lines.push(`Not looked at: ${listOf(o.skipped.map((s) => `${s.mountpoint} (${s.error})`))}`);
    return lines.join("\n") || "No filesystem to report";
  },
});
