/**
 * Where the log tools act: /var/log only. Guest paths map to host paths as
 * everywhere (under env.root), except aiOS's own log directory
 * (/var/log/aios), which is env.paths.log (the same place in the VM; beside
 * the sandbox in dev mode). A path argument is normalised lexically (no
 * `..` survives), its directory is resolved with symlinks followed and must
 * still be a log directory, and the file itself must not be a symlink: a
 * rotation renames files, and a link must not carry it elsewhere.
 */
import { lstatSync, readdirSync, realpathSync, type Stats } from "node:fs";
import { basename, dirname, join, relative, sep } from "node:path";
import * as v from "valibot";
import type { ToolEnv } from "../define";
import { normalizeGuest } from "../fs/paths";
import { LogError } from "./errors";

export const LOG_ROOT = "/var/log";
export const OWN_LOG_DIR = "/var/log/aios";
/** aiOS's own log (src/sys/log.ts writes it). */
export const OWN_LOG = `${OWN_LOG_DIR}/aios.log`;

/** A rotated generation or an archive, never a live log: name.1, name.2.gz, name.gz, name.old. */
export const ROTATED = /(\.\d+(\.(gz|xz|bz2|zst|lz4))?|\.(gz|xz|bz2|zst|lz4)|\.old)$/;

/** Host path of a guest path under /var/log. */
export function hostOfLog(env: ToolEnv, guest: string): string {
  if (guest === OWN_LOG_DIR || guest.startsWith(`${OWN_LOG_DIR}/`)) return join(env.paths.log, guest.slice(OWN_LOG_DIR.length));
  return env.root === "/" ? guest : join(env.root, guest);
}

/** Guest path of a host path inside one of the log directories, or null. */
export function guestOfLog(env: ToolEnv, host: string): string | null {
  const under = (base: string, guest: string) => {
    const r = relative(base, host);
    return r === "" ? guest : r.startsWith("..") || r.startsWith(sep) ? null : `${guest}/${r.split(sep).join("/")}`;
  };
  return under(env.paths.log, OWN_LOG_DIR) ?? under(hostOfLog(env, LOG_ROOT), LOG_ROOT);
}

const safe = (s: string) => !s.includes("\0") && !/[\n\r]/.test(s);

/** A guest path of a log file: absolute, under /var/log, no `..`. */
export const logPath = v.pipe(
  v.string("must be a string"),
  v.maxLength(1024, "must be at most 1024 characters"),
  v.check(safe, "must not contain a NUL byte or a line break"),
  v.check((s) => normalizeGuest(s) === s && s.startsWith(`${LOG_ROOT}/`), `must be a normalised absolute path under ${LOG_ROOT} (no .., no //, no trailing /)`),
);

/** A glob over guest paths under /var/log: `*` within one directory, `**` across. */
export const logPattern = v.pipe(
  v.string("must be a string"),
  v.maxLength(512, "must be at most 512 characters"),
  v.check(safe, "must not contain a NUL byte or a line break"),
  v.check((s) => s.startsWith(`${LOG_ROOT}/`) && !s.split("/").some((p) => p === ".." || p === "."), `must be a glob under ${LOG_ROOT}/ (such as /var/log/*.log) without . or .. components`),
);

/**
 * The host path of a log file argument, checked: its directory, with
 * symlinks followed, is still inside a log directory, and the file is a
 * regular file (not a link). Throws LogError naming the path.
 */
export function resolveLogFile(env: ToolEnv, tool: string, guest: string): { host: string; stat: Stats } {
  const host = hostOfLog(env, guest);
  let realDir: string;
  try {
    realDir = realpathSync(dirname(host));
  } catch {
    throw new LogError("not_found", tool, guest, "no such file");
  }
  const roots = [env.paths.log, hostOfLog(env, LOG_ROOT)].map((r) => {
    try {
      return realpathSync(r);
    } catch {
      return r;
    }
  });
  if (!roots.some((r) => realDir === r || realDir.startsWith(`${r}${sep}`))) throw new LogError("outside_log_dir", tool, guest, `leads outside ${LOG_ROOT} through a symlink`);
  const real = join(realDir, host.slice(dirname(host).length + 1));
  const st = lstatSync(real, { throwIfNoEntry: false });
  if (!st) throw new LogError("not_found", tool, guest, "no such file");
  if (st.isSymbolicLink()) throw new LogError("not_a_file", tool, guest, "is a symlink; name the file it points to");
  if (!st.isFile()) throw new LogError("not_a_file", tool, guest, "is not a regular file");
  if (ROTATED.test(basename(real))) throw new LogError("not_a_live_log", tool, guest, "is a rotated generation, not a live log");
  return { host: real, stat: st };
}

/** Bounds of one walk of the log directories: depth and entries looked at. */
const MAX_DEPTH = 8;
const MAX_ENTRIES = 20_000;

export interface LiveLog {
  guest: string;
  host: string;
  stat: Stats;
}

/**
 * Every live log file (regular, not a rotated generation) under /var/log and
 * aiOS's own log directory, symlinks not followed, bounded in depth and
 * entries; `truncated` when the bound cut it short.
 */
export function liveLogs(env: ToolEnv, signal?: AbortSignal): { logs: LiveLog[]; truncated: boolean } {
  const logs: LiveLog[] = [];
  let seen = 0;
  let truncated = false;
  const own = env.paths.log;
  const walk = (host: string, guest: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(host).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (signal?.aborted) throw signal.reason;
      if (++seen > MAX_ENTRIES) {
        truncated = true;
        return;
      }
      const h = join(host, name);
      const g = `${guest}/${name}`;
      const st = lstatSync(h, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) {
        // aiOS's directory is walked on its own (it lives elsewhere in dev mode).
        if (h !== own && depth < MAX_DEPTH) walk(h, g, depth + 1);
      } else if (st.isFile() && !ROTATED.test(name)) logs.push({ guest: g, host: h, stat: st });
    }
  };
  walk(hostOfLog(env, LOG_ROOT), LOG_ROOT, 0);
  walk(own, OWN_LOG_DIR, 1);
  return { logs, truncated };
}
