/**
 * Guest paths of package files, resolved the way the guest's kernel would
 * see them under `root`: directory symlinks are followed (Debian 12 packages
 * still ship /bin/ip and /lib/x86_64-linux-gnu/...; aiOS has merged /usr, so
 * they land in /usr/bin and /usr/lib), absolute link targets restart at
 * `root`, and nothing resolves above it. Files are recorded under the path
 * they really have, so two spellings of one file are one record.
 */
import { lstatSync, readlinkSync } from "node:fs";
import { join } from "node:path";

const MAX_LINKS = 40;

export function hostOf(root: string, guest: string): string {
  return root === "/" ? guest : join(root, guest);
}

/** What is at a host path, not following a final link; null when nothing (or nothing readable) is. */
export function lstatOrNull(p: string) {
  try {
    return lstatSync(p);
  } catch {
    return null;
  }
}

/**
 * The canonical guest path of `guest`: every symlinked directory along the way
 * resolved; the last component followed only with `followFinal` (directories:
 * a symlink to a directory stays a symlink and is used as the directory).
 */
export function canonical(root: string, guest: string, followFinal = false): string {
  const todo = guest.split("/").filter((c) => c && c !== ".");
  const done: string[] = [];
  let links = 0;
  while (todo.length) {
    const c = todo.shift()!;
    if (c === "..") {
      done.pop();
      continue;
    }
    const cur = `/${[...done, c].join("/")}`;
    const st = lstatOrNull(hostOf(root, cur));
    if (st?.isSymbolicLink() && (todo.length > 0 || followFinal)) {
      if (++links > MAX_LINKS) throw new Error(`${guest}: too many levels of symbolic links`);
      const target = readlinkSync(hostOf(root, cur));
      const parts = target.split("/").filter((x) => x && x !== ".");
      if (target.startsWith("/")) done.length = 0;
      todo.unshift(...parts);
      continue;
    }
    done.push(c);
  }
  return `/${done.join("/")}`;
}

export function parentOf(guest: string): string {
  const i = guest.lastIndexOf("/");
  return i <= 0 ? "/" : guest.slice(0, i);
}
