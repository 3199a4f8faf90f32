/**
 * Log rotation, the mechanism (policies live with the log tools): `name` →
 * `name.1` → `name.2.gz` → … → `name.<keep>.gz`, the oldest dropped, as
 * logrotate does with `delaycompress`: the newest generation stays plain
 * (a writer that has not reopened yet may still append to it) and is
 * compressed when the next rotation moves it to `.2.gz`.
 *
 * No line is lost to a writer that keeps the file open:
 * - writers inside aios-init (the console log, service logs) register with
 *   `onRotate`; the rename of the live file and their reopen happen in one
 *   synchronous step, so no line can fall between;
 * - a generation some other process still holds open (`inUse`) is renamed,
 *   never compressed (compressing means deleting the plain file).
 *
 * Compression streams through node:zlib's gzip in bounded memory (Bun's
 * zlib; Bun.gzipSync would hold a whole generation in memory, and a
 * multi-gigabyte syslog must not take PID 1's memory with it), into a
 * temporary file that is fsynced and renamed into place. Every rename and
 * removal goes through durable.ts. Rotations of one path run one at a time.
 */
import { chownSync, closeSync, constants, createReadStream, createWriteStream, fchmodSync, fchownSync, lstatSync, openSync, readdirSync, rmSync, type Stats } from "node:fs";
import { basename, dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { fsyncParent, fsyncPath, removeDurable, renameDurable } from "./durable";

export const MAX_GENERATIONS = 100;

export interface RotateOptions {
  /** Generations kept besides the live file, 1..MAX_GENERATIONS. */
  keep: number;
  /** Gzip generations from the second on (default true). */
  compress?: boolean;
  /** Host paths some process holds open: such a generation is renamed, never compressed. */
  inUse?: ReadonlySet<string>;
  signal?: AbortSignal;
}

export interface Generation {
  /** File name (in the log's directory). */
  name: string;
  index: number;
  gz: boolean;
  bytes: number;
}

export interface Rotation {
  path: string;
  /** Size of the live file when it was rotated. */
  bytes: number;
  /** The generations after the rotation, newest first. */
  generations: Generation[];
  /** Generations deleted because they fell past `keep`. */
  removed: string[];
  /** The generation compressed by this rotation (`name.2.gz`), if one was. */
  compressed: string | null;
  /** Why a generation was left plain, when one was. */
  notes: string[];
}

type Reopen = () => void;
const writers = new Map<string, Set<Reopen>>();
const running = new Map<string, Promise<unknown>>();

/**
 * Registers an in-process writer of `path`: `reopen` runs right after the
 * live file is renamed away, in the same synchronous step. Returns the
 * function that unregisters it.
 */
export function onRotate(path: string, reopen: Reopen): () => void {
  let set = writers.get(path);
  if (!set) writers.set(path, (set = new Set()));
  set.add(reopen);
  return () => {
    set.delete(reopen);
    if (set.size === 0 && writers.get(path) === set) writers.delete(path);
  };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The rotated generations of `path` (name.N, name.N.gz), newest first. */
export function generations(path: string): Generation[] {
  const dir = dirname(path);
  const re = new RegExp(`^${escapeRe(basename(path))}\\.(\\d{1,4})(\\.gz)?$`);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: Generation[] = [];
  for (const name of names) {
    const m = re.exec(name);
    if (!m) continue;
    const st = lstatSync(join(dir, name), { throwIfNoEntry: false });
    if (st?.isFile()) out.push({ name, index: Number(m[1]), gz: m[2] !== undefined, bytes: st.size });
  }
  return out.sort((a, b) => a.index - b.index || Number(a.gz) - Number(b.gz));
}

/** Rotates `path` now; null when it is missing, not a regular file, or empty (nothing to rotate). */
export function rotateFile(path: string, opts: RotateOptions): Promise<Rotation | null> {
  if (!Number.isInteger(opts.keep) || opts.keep < 1 || opts.keep > MAX_GENERATIONS) throw new RangeError(`rotate ${path}: keep must be 1-${MAX_GENERATIONS}`);
  const before = running.get(path) ?? Promise.resolve();
  const next = before.then(
    () => rotate(path, opts),
    () => rotate(path, opts),
  );
  const tail = next.catch(() => {});
  running.set(path, tail);
  void tail.then(() => running.get(path) === tail && running.delete(path));
  return next;
}

async function rotate(path: string, opts: RotateOptions): Promise<Rotation | null> {
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (!st?.isFile() || st.size === 0) return null;
  const dir = dirname(path);
  const base = basename(path);
  const notes: string[] = [];
  const signal = opts.signal;

  // 1. Compress name.1 aside (slow, asynchronous: writers of the live file go on meanwhile).
  let packed: string | null = null;
  const first = generations(path).find((g) => g.index === 1 && !g.gz);
  if (first && opts.keep >= 2 && opts.compress !== false) {
    const plain = join(dir, first.name);
    if (opts.inUse?.has(plain)) notes.push(`${first.name} is still open in a process; left uncompressed`);
    else packed = await gzipAside(plain, join(dir, `.${base}.2.gz.aios-tmp-${process.pid}`), signal);
  }
  if (signal?.aborted) {
    if (packed) rmSync(packed, { force: true });
    throw signal.reason;
  }

  // 2. Everything else in one synchronous step: no in-process write can fall between the rename and the reopen.
  const now = lstatSync(path, { throwIfNoEntry: false });
  if (!now?.isFile()) {
    if (packed) rmSync(packed, { force: true });
    return null;
  }
  const removed: string[] = [];
  const gens = generations(path);
  for (const g of gens.filter((x) => x.index >= opts.keep)) {
    removeDurable(join(dir, g.name));
    removed.push(g.name);
  }
  let compressed: string | null = null;
  for (const g of gens.filter((x) => x.index < opts.keep).reverse()) {
    if (g.index === 1 && !g.gz && packed) {
      compressed = `${base}.2.gz`;
      renameDurable(packed, join(dir, compressed));
      removeDurable(join(dir, g.name));
      continue;
    }
    renameDurable(join(dir, g.name), join(dir, `${base}.${g.index + 1}${g.gz ? ".gz" : ""}`));
  }
  // name.1 went away while it was being compressed (someone else rotated it): the copy is not wanted.
  if (packed && !compressed) rmSync(packed, { force: true });
  renameDurable(path, join(dir, `${base}.1`));
  createLike(path, now);
  for (const reopen of writers.get(path) ?? []) {
    try {
      reopen();
    } catch {
      // a writer that cannot reopen reopens on its next line
    }
  }
  return { path, bytes: now.size, generations: generations(path), removed, compressed, notes };
}

/**
 * The new live file, with the old one's mode and owner (logrotate's
 * `create`). O_EXCL, not a replacing write: a writer elsewhere that created
 * it first (O_APPEND|O_CREAT) keeps the lines it already wrote there.
 */
function createLike(path: string, like: Stats): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, like.mode & 0o777);
  } catch {
    return;
  }
  try {
    fchmodSync(fd, like.mode & 0o7777);
    if (process.getuid?.() === 0) fchownSync(fd, like.uid, like.gid);
  } finally {
    closeSync(fd);
  }
  fsyncParent(path);
}

/** gzips `from` into `to` (fsynced), in bounded memory; returns `to`. */
async function gzipAside(from: string, to: string, signal?: AbortSignal): Promise<string> {
  rmSync(to, { force: true });
  const st = lstatSync(from);
  // Created with the plain file's mode: a log readable only by root stays so.
  closeSync(openSync(to, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, st.mode & 0o777));
  if (process.getuid?.() === 0) chownSync(to, st.uid, st.gid);
  try {
    await pipeline(createReadStream(from), createGzip(), createWriteStream(to), ...(signal ? [{ signal }] : []));
    fsyncPath(to);
  } catch (err) {
    rmSync(to, { force: true });
    throw err;
  }
  return to;
}
