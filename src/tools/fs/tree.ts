/** Whole-tree helpers for copy and move: copying with modes and links kept, and finding links that lead out. */
import { chmodSync, copyFileSync, lstatSync, mkdirSync, readdirSync, readlinkSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import type { ToolEnv } from "../define";
import { FsPathError } from "./errors";
import { resolvePath } from "./paths";

export interface TreeCount {
  entries: number;
  bytes: number;
}

/**
 * Copies `src` (not following links inside) to `dst`, keeping modes; symlinks
 * are copied as links. Not yet durable: callers syncTree() the copy.
 */
export function copyTree(src: string, dst: string, signal: AbortSignal, count: TreeCount = { entries: 0, bytes: 0 }): TreeCount {
  if (signal.aborted) throw signal.reason;
  const st = lstatSync(src);
  count.entries++;
  if (st.isSymbolicLink()) {
    symlinkSync(readlinkSync(src), dst);
  } else if (st.isFile()) {
    copyFileSync(src, dst);
    chmodSync(dst, st.mode & 0o7777);
    count.bytes += st.size;
  } else if (st.isDirectory()) {
    mkdirSync(dst, { mode: 0o700 });
    for (const name of readdirSync(src)) copyTree(join(src, name), join(dst, name), signal, count);
    chmodSync(dst, st.mode & 0o7777);
  } else {
    throw Object.assign(new Error("cannot copy a device, fifo or socket"), { code: "EINVAL" });
  }
  return count;
}

/**
 * The first symlink under guest path `guest` (host `host`) whose target leads
 * outside the roots, if any: copies and moves must not plant new ways out.
 */
export function linkLeadingOut(env: ToolEnv, guest: string, host: string): string | undefined {
  const st = lstatSync(host, { throwIfNoEntry: false });
  if (!st) return undefined;
  if (st.isSymbolicLink()) {
    try {
      resolvePath(env, "check", guest, { follow: true });
      return undefined;
    } catch (err) {
      if (err instanceof FsPathError) return guest;
      throw err;
    }
  }
  if (!st.isDirectory()) return undefined;
  for (const name of readdirSync(host)) {
    const found = linkLeadingOut(env, guest === "/" ? `/${name}` : `${guest}/${name}`, join(host, name));
    if (found) return found;
  }
  return undefined;
}
