/**
 * The one walker for whole-tree work (copies, owner copies, syncs, sizes,
 * link checks). It lstats and never follows a symlink: a link is an entry of
 * its own, so a walk cannot be led outside the tree or round a loop by one.
 * Directories are read in the order the kernel gives (none of its callers
 * shows the order; fs.search and fs.du, which do, keep their own sorted,
 * yielding walks).
 */
import { lstatSync, readdirSync, type Stats } from "node:fs";
import { join } from "node:path";

export interface TreeEntry {
  host: string;
  /** The path below the walk's top ("" for the top, "a/b" below it). */
  rel: string;
  st: Stats;
}

export interface TreeVisitor {
  /** Before a directory's entries: "skip" leaves them out, "stop" ends the walk. */
  enter(e: TreeEntry): void | "skip" | "stop";
  /** After an entry and everything below it (a directory's mode set last, fsyncs deepest first). */
  leave?(e: TreeEntry): void;
}

export interface WalkOptions {
  /** Checked before each entry: a long copy stops when its call is cancelled. */
  signal?: AbortSignal;
  /** An entry or directory that cannot be read is passed over instead of failing the walk (estimates). */
  tolerant?: boolean;
  /** The top's lstat, when the caller has it already. */
  stat?: Stats;
}

/** Walks `top` pre-order (enter) and post-order (leave); false when a visitor stopped it. */
export function walkTree(top: string, visitor: TreeVisitor, opts: WalkOptions = {}): boolean {
  const visit = (host: string, rel: string, known?: Stats): boolean => {
    if (opts.signal?.aborted) throw opts.signal.reason;
    const st = known ?? statOf(host, opts.tolerant);
    if (!st) return true;
    const e = { host, rel, st };
    const step = visitor.enter(e);
    if (step === "stop") return false;
    if (step !== "skip" && st.isDirectory()) {
      for (const name of namesOf(host, opts.tolerant)) if (!visit(join(host, name), rel === "" ? name : `${rel}/${name}`)) return false;
    }
    visitor.leave?.(e);
    return true;
  };
  return visit(top, "", opts.stat);
}

function statOf(host: string, tolerant = false): Stats | null {
  if (!tolerant) return lstatSync(host);
  try {
    return lstatSync(host);
  } catch {
    return null;
  }
}

function namesOf(host: string, tolerant = false): string[] {
  if (!tolerant) return readdirSync(host);
  try {
    return readdirSync(host);
  } catch {
    return [];
  }
}
