/**
 * fs.du: disk usage by directory, largest first, as `du -x -d N` counts it:
 * allocated blocks (st_blocks × 512, what the files really take on disk, so a
 * sparse file counts what it holds and a tiny file a whole block), each hard
 * link's inode once, symlinks as themselves and never followed, other
 * filesystems left out when oneFilesystem is set (kernel pseudo filesystems
 * such as proc and sysfs always). The walk is async and
 * yields every few hundred entries, stops when the call's signal fires, and
 * returns what it counted, marked incomplete, when its time budget runs out.
 *
 * The path is confined as every fs read is (the allowed roots). `/` itself,
 * when it is not an allowed root, means the allowed roots together. Below the
 * path every size counts, even under aiOS's reserved directories (secrets,
 * ledger, undo copies): their totals are reported, never what is inside them.
 */
import { lstatSync, readdirSync, type Stats, statSync } from "node:fs";
import * as v from "valibot";
import { errorCode, mounts, PSEUDO_FILESYSTEMS } from "../../sys";
import { intArg } from "../args";
import { defineTool, type ToolEnv } from "../define";
import { formatBytes } from "../units";
import { attempt } from "./errors";
import { guestPath } from "./common";
import { allowed, isReserved, normalizeGuest, resolvePath, within } from "./paths";

const TOOL = "fs.du";
const TIMEOUT_MS = 120_000;
/** What the walk may spend before it answers with what it has (the executor kills the call at TIMEOUT_MS). */
const BUDGET_MS = TIMEOUT_MS - 10_000;
const YIELD_EVERY = 512;
const MAX_ERROR_SAMPLES = 10;
const MAX_OTHER_FILESYSTEMS = 20;
const SUMMARY_ENTRIES = 5;

const ENTRY_TYPES = ["dir", "file", "other"] as const;

const entry = v.object({
  path: v.string(),
  type: v.picklist(ENTRY_TYPES),
  /** Allocated bytes, the whole subtree for a directory. */
  bytes: v.number(),
  /** 1 for a child of the path (or an allowed root when the path is `/`), up to the depth asked. */
  depth: v.number(),
});
type Entry = v.InferOutput<typeof entry>;

interface Walk {
  env: ToolEnv;
  signal: AbortSignal;
  deadline: number;
  maxDepth: number;
  oneFilesystem: boolean;
  /** Devices of kernel pseudo filesystems (proc, sysfs...): never walked, they hold no blocks and can be vast. */
  pseudoDevs: ReadonlySet<number>;
  seenInodes: Set<string>;
  entries: Entry[];
  candidates: number;
  limit: number;
  visited: number;
  files: number;
  dirs: number;
  errors: number;
  errorSamples: Array<{ path: string; code: string }>;
  otherFilesystems: string[];
  complete: boolean;
}

function typeOfEntry(st: Stats): Entry["type"] {
  return st.isDirectory() ? "dir" : st.isFile() ? "file" : "other";
}

function failed(w: Walk, path: string, err: unknown): void {
  w.errors++;
  if (w.errorSamples.length < MAX_ERROR_SAMPLES) w.errorSamples.push({ path, code: errorCode(err) ?? "failed" });
}

/** Keeps the largest `limit` entries without holding every candidate: sorts and trims when the list doubles. */
function offer(w: Walk, e: Entry): void {
  w.candidates++;
  w.entries.push(e);
  if (w.entries.length >= 2 * w.limit + 64) trim(w);
}

function trim(w: Walk): void {
  w.entries.sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path));
  w.entries.length = Math.min(w.entries.length, w.limit);
}

const child = (dir: string, name: string) => (dir === "/" ? `/${name}` : `${dir}/${name}`);

/** Allocated bytes of a non-directory; a hard-linked inode counts at its first name only (du does the same). */
function fileBytes(w: Walk, st: Stats): number {
  w.files++;
  if (st.nlink > 1) {
    const key = `${st.dev}:${st.ino}`;
    if (w.seenInodes.has(key)) return 0;
    w.seenInodes.add(key);
  }
  return st.blocks * 512;
}

/**
 * Allocated bytes of a directory and everything below it. `guest` is the
 * path as shown, `real` the guest path with the start's symlinks resolved
 * (what reserved directories are matched against); `listed` is false below a
 * reserved directory (sizes only). Files are counted inline: only directories
 * cost an await.
 */
async function dirBytes(w: Walk, host: string, guest: string, real: string, st: Stats, depth: number, dev: number, listed: boolean): Promise<number> {
  w.dirs++;
  let total = st.blocks * 512;
  let names: string[];
  try {
    names = readdirSync(host);
  } catch (err) {
    failed(w, guest, err);
    return total;
  }
  const shown = listed && depth + 1 <= w.maxDepth;
  for (const name of names) {
    if (++w.visited % YIELD_EVERY === 0) {
      await Bun.sleep(0);
      if (w.signal.aborted) throw w.signal.reason;
      if (performance.now() > w.deadline) w.complete = false;
    }
    if (!w.complete) break;
    const h = child(host, name);
    let cst: Stats | undefined;
    try {
      cst = lstatSync(h, { throwIfNoEntry: false });
    } catch (err) {
      failed(w, child(guest, name), err);
      continue;
    }
    if (!cst) continue; // removed while we walked
    let bytes: number;
    if (cst.isDirectory()) {
      if ((w.oneFilesystem && cst.dev !== dev) || w.pseudoDevs.has(cst.dev)) {
        if (w.otherFilesystems.length < MAX_OTHER_FILESYSTEMS) w.otherFilesystems.push(child(guest, name));
        continue;
      }
      const r = child(real, name);
      bytes = await dirBytes(w, h, child(guest, name), r, cst, depth + 1, dev, listed && !isReserved(w.env, r));
    } else bytes = fileBytes(w, cst);
    total += bytes;
    if (shown) offer(w, { path: child(guest, name), type: typeOfEntry(cst), bytes, depth: depth + 1 });
  }
  return total;
}

/** The st_dev of every mounted pseudo filesystem (only needed when the walk may cross mounts). */
function pseudoDevices(): Set<number> {
  const devs = new Set<number>();
  try {
    for (const m of mounts()) {
      if (!PSEUDO_FILESYSTEMS.has(m.fstype)) continue;
      const st = statSync(m.mountpoint, { throwIfNoEntry: false });
      if (st) devs.add(st.dev);
    }
  } catch {
    // no /proc/mounts: nothing known to skip
  }
  return devs;
}

/** The directories `/` stands for when it is not itself allowed: each allowed root once, none inside another. */
function rootsScope(env: ToolEnv): string[] {
  const roots = [...new Set(env.fsRoots.map((r) => normalizeGuest(r)).filter((r): r is string => r !== null))].sort();
  return roots.filter((r) => !roots.some((o) => o !== r && within(r, o)));
}

const input = v.strictObject({
  path: v.optional(guestPath, "/"),
  depth: v.optional(intArg(1, 4), 1),
  limit: v.optional(intArg(1, 100), 10),
  oneFilesystem: v.optional(v.boolean("must be true or false"), true),
});
type DuArgs = v.InferOutput<typeof input>;

const output = v.object({
  path: v.string(),
  /** What was walked: the path, or the allowed roots when path is `/` and `/` is not one of them. */
  scope: v.array(v.string()),
  /** Always "allocated": st_blocks × 512, not apparent file sizes. */
  measure: v.literal("allocated"),
  totalBytes: v.number(),
  files: v.number(),
  dirs: v.number(),
  entries: v.array(entry),
  /** More entries than limit were within depth. */
  truncated: v.boolean(),
  /** False when the walk stopped at its time budget: the figures are lower bounds. */
  complete: v.boolean(),
  errors: v.number(),
  errorSamples: v.array(v.object({ path: v.string(), code: v.string() })),
  /** Mount points below the path that were not walked (oneFilesystem; kernel pseudo filesystems always), the first 20. */
  otherFilesystems: v.array(v.string()),
});
type DuOutput = v.InferOutput<typeof output>;

/** The walk behind fs.du; `budgetMs` is how long it may run before answering with partial figures. */
export async function diskUsage(env: ToolEnv, args: DuArgs, signal: AbortSignal, budgetMs = BUDGET_MS): Promise<DuOutput> {
  const asked = normalizeGuest(args.path) ?? args.path;
  const wholeRoots = asked === "/" && !allowed(env, "/");
  const scope = wholeRoots ? rootsScope(env) : [asked];
  const w: Walk = {
    env,
    signal,
    deadline: performance.now() + budgetMs,
    maxDepth: args.depth,
    oneFilesystem: args.oneFilesystem,
    pseudoDevs: args.oneFilesystem ? new Set() : pseudoDevices(),
    seenInodes: new Set(),
    entries: [],
    candidates: 0,
    limit: args.limit,
    visited: 0,
    files: 0,
    dirs: 0,
    errors: 0,
    errorSamples: [],
    otherFilesystems: [],
    complete: true,
  };
  let total = 0;
  for (const start of scope) {
    if (!w.complete) break;
    const r = resolvePath(env, TOOL, wholeRoots ? start : args.path);
    const st = wholeRoots ? lstatSync(r.host, { throwIfNoEntry: false }) : attempt(TOOL, args.path, () => lstatSync(r.host));
    if (!st) continue; // an allowed root that does not exist here
    // Each root of `/` is a level-1 entry measured on its own filesystem; a path is measured on its own.
    const depth = wholeRoots ? 1 : 0;
    // resolvePath refuses a reserved start, so the start is always listed.
    const bytes = st.isDirectory() ? await dirBytes(w, r.host, r.guest, r.real, st, depth, st.dev, true) : fileBytes(w, st);
    total += bytes;
    if (wholeRoots) offer(w, { path: r.guest, type: typeOfEntry(st), bytes, depth: 1 });
  }
  trim(w);
  return {
    path: asked,
    scope,
    measure: "allocated" as const,
    totalBytes: total,
    files: w.files,
    dirs: w.dirs,
    entries: w.entries,
    truncated: w.candidates > w.entries.length,
    complete: w.complete,
    errors: w.errors,
    errorSamples: w.errorSamples,
    otherFilesystems: w.otherFilesystems,
  };
}

export const fsDu = defineTool({
  name: TOOL,
  description:
    "Disk usage by directory, largest first (like du -x -d depth): the total under path (default /: the allowed roots when / itself is not one) and its biggest directories and files down to depth levels. Counts allocated blocks (st_blocks × 512), each hard-linked file once, never follows symlinks, stays on path's filesystem unless oneFilesystem is false; unreadable directories are counted in errors, not fatal. complete is false when the walk ran out of time and the figures are partial.",
  input,
  output,
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: TIMEOUT_MS,
  execute(args, ctx) {
    return diskUsage(ctx.env, args, ctx.signal);
  },
  summarize(out) {
    const where = out.scope.length === 1 && out.scope[0] === out.path ? out.path : `${out.path} (the allowed roots: ${out.scope.join(", ")})`;
    const lines = [`${where}: ${formatBytes(out.totalBytes)} allocated in ${out.files.toLocaleString("en-US")} files and ${out.dirs.toLocaleString("en-US")} directories${out.complete ? "" : " (walk stopped at its time limit: partial figures)"}.`];
    // Empty entries (a tmpfs directory holds no blocks) say nothing about where the space went.
    const top = out.entries.filter((e) => e.bytes > 0).slice(0, SUMMARY_ENTRIES);
    if (top.length > 0) lines.push(`Largest: ${top.map((e) => `${e.path} ${formatBytes(e.bytes)}`).join(", ")}${out.entries.filter((e) => e.bytes > 0).length > top.length || out.truncated ? ", …" : ""}`);
    const notes: string[] = [];
    if (out.errors > 0) notes.push(`${out.errors} unreadable (${[...new Set(out.errorSamples.map((e) => e.code))].join(", ")})`);
    if (out.otherFilesystems.length > 0) notes.push(`other filesystems not counted: ${out.otherFilesystems.join(", ")}`);
    if (notes.length > 0) lines.push(`${notes.join("; ")}.`);
    return lines.join("\n");
  },
});
