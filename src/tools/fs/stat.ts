/** fs.stat and fs.list: what is at a path, without reading content. */
import { lstatSync, readdirSync, readlinkSync, type Stats, statSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { listOf, plural } from "../summary";
import { formatBytes, formatClock } from "../units";
import { defineTool, type ToolEnv } from "../define";
import { attempt, FsError } from "./errors";
import { entryOutput, FILE_TYPES, formatMode, guestPath, typeOf } from "./common";
import { isReserved, linkTargetToGuest, resolvePath, pathsRisk } from "./paths";

function describe(env: ToolEnv, guest: string, host: string, st: Stats) {
  return {
    path: guest,
    type: typeOf(st),
    size: st.size,
    mode: formatMode(st.mode),
    mtime: st.mtime.toISOString(),
    ...(st.isSymbolicLink() ? { target: linkTargetToGuest(env, readlinkSync(host)) } : {}),
  };
}

export const fsStat = defineTool({
  name: "fs.stat",
  description: "Type, size, mode, owner and mtime of a path; a symlink is reported with its target unless follow is set. A missing path gives exists: false.",
  input: v.strictObject({ path: guestPath, follow: v.optional(v.boolean(), false) }),
  output: v.object({
    path: v.string(),
    exists: v.boolean(),
    type: v.optional(v.picklist(FILE_TYPES)),
    size: v.optional(v.number()),
    mode: v.optional(v.string()),
    uid: v.optional(v.number()),
    gid: v.optional(v.number()),
    mtime: v.optional(v.string()),
    target: v.optional(v.string()),
  }),
  risk: "low",
  riskOf: pathsRisk(false, "path"),
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 5_000,
  execute(args, ctx) {
    const r = resolvePath(ctx.env, "fs.stat", args.path, { follow: args.follow });
    const st = attempt("fs.stat", args.path, () => lstatSync(r.host, { throwIfNoEntry: false }));
    if (!st) return { path: r.guest, exists: false };
    return { ...describe(ctx.env, r.guest, r.host, st), path: r.guest, exists: true, uid: st.uid, gid: st.gid };
  },
  summarize: (o) => {
    if (!o.exists) return `${o.path} does not exist`;
    const what = o.type === "dir" ? "a directory" : o.type === "symlink" ? `a symlink to ${o.target}` : o.type === "file" ? `a file of ${formatBytes(o.size ?? 0)}` : "a special file";
    return `${o.path} is ${what}, mode ${o.mode}, owner ${o.uid}:${o.gid}, modified ${formatClock(o.mtime ?? "")}`;
  },
});

const MAX_ENTRIES = 100_000;

export const fsList = defineTool({
  name: "fs.list",
  description: "Entries of a directory with type, size, mode and mtime; recursive walks subdirectories (never through symlinks) up to limit entries.",
  input: v.strictObject({
    path: guestPath,
    recursive: v.optional(v.boolean(), false),
    limit: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(1, "must be at least 1"), v.maxValue(MAX_ENTRIES, `must be at most ${MAX_ENTRIES}`)), 1000),
  }),
  output: v.object({ path: v.string(), entries: v.array(entryOutput), truncated: v.boolean() }),
  risk: "low",
  riskOf: pathsRisk(false, "path"),
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 30_000,
  execute(args, ctx) {
    const r = resolvePath(ctx.env, "fs.list", args.path);
    const top = attempt("fs.list", args.path, () => statSync(r.host));
    if (!top.isDirectory()) throw new FsError("ENOTDIR", "fs.list", args.path, "ENOTDIR (not a directory)");
    const entries: Array<ReturnType<typeof describe>> = [];
    const queue: Array<{ host: string; guest: string; real: string }> = [{ host: r.host, guest: r.guest, real: r.real }];
    let truncated = false;
    while (queue.length > 0 && !truncated) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const dir = queue.shift() as { host: string; guest: string; real: string };
      const names = attempt("fs.list", dir.guest, () => readdirSync(dir.host).sort());
      for (const name of names) {
        if (entries.length >= args.limit) {
          truncated = true;
          break;
        }
        const host = join(dir.host, name);
        const guest = dir.guest === "/" ? `/${name}` : `${dir.guest}/${name}`;
        const real = dir.real === "/" ? `/${name}` : `${dir.real}/${name}`;
        if (isReserved(ctx.env, real)) continue;
        const st = lstatSync(host, { throwIfNoEntry: false });
        if (!st) continue; // removed while we listed
        entries.push(describe(ctx.env, guest, host, st));
        if (args.recursive && st.isDirectory()) queue.push({ host, guest, real });
      }
    }
    return { path: r.guest, entries, truncated };
  },
  summarize: (o) => {
    const prefix = o.path === "/" ? "/" : `${o.path}/`;
    const names = o.entries.map((e) => `${e.path.startsWith(prefix) ? e.path.slice(prefix.length) : e.path}${e.type === "dir" ? "/" : ""}`);
    if (names.length === 0) return `${o.path} is empty`;
    return `${o.path}: ${plural(names.length, "entry", "entries")}${o.truncated ? " (more not listed)" : ""}: ${listOf(names, 15)}`;
  },
});
