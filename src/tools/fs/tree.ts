/** Whole-tree helpers for copy and move: copying with modes and links kept, and finding links that lead out. */
import { chmodSync, copyFileSync, lstatSync, mkdirSync, readlinkSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { walkTree } from "../../sys";
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
  const to = (rel: string) => (rel === "" ? dst : join(dst, rel));
  walkTree(src, {
    enter: ({ host, rel, st }) => {
      count.entries++;
      if (st.isSymbolicLink()) {
        symlinkSync(readlinkSync(host), to(rel));
      } else if (st.isFile()) {
        copyFileSync(host, to(rel));
        chmodSync(to(rel), st.mode & 0o7777);
        count.bytes += st.size;
      } else if (st.isDirectory()) {
        mkdirSync(to(rel), { mode: 0o700 }); // its own mode once its entries are in (a read-only directory could not take them)
      } else {
        throw Object.assign(new Error("cannot copy a device, fifo or socket"), { code: "EINVAL" });
      }
    },
    leave: ({ rel, st }) => {
      if (st.isDirectory()) chmodSync(to(rel), st.mode & 0o7777);
    },
  }, { signal });
  return count;
}

/**
 * The first symlink under guest path `guest` (host `host`) whose target leads
 * outside the roots, if any: copies and moves must not plant new ways out.
 */
export function linkLeadingOut(env: ToolEnv, guest: string, host: string): string | undefined {
  const st = lstatSync(host, { throwIfNoEntry: false });
  if (!st) return undefined;
  let found: string | undefined;
  walkTree(host, {
    enter: ({ rel, st }) => {
      if (!st.isSymbolicLink()) return;
      const at = rel === "" ? guest : guest === "/" ? `/${rel}` : `${guest}/${rel}`;
      if (leadsOut(env, at)) {
        found = at;
        return "stop";
      }
    },
  }, { stat: st });
  return found;
}

function leadsOut(env: ToolEnv, guest: string): boolean {
  try {
    resolvePath(env, "check", guest, { follow: true });
    return false;
  } catch (err) {
    if (err instanceof FsPathError) return true;
    throw err;
  }
}
