/**
 * Staged writes: new file contents written under temporary names, and put
 * in place (renamed over their targets) only after whoever staged them has
 * made its own record durable, the way a database writes its log before its
 * pages. The tool executor uses it so that a call's result row, with the
 * list of renames it promises (the plan: names and digests, known before a
 * byte is written), reaches the disk in the same flush as the staged files,
 * which are written while that flush runs: after a power cut either nothing
 * of the call is in place, or its result is on disk and boot finishes the
 * renames from the plan (`redoStaged`), reporting a staged file the cut took
 * as `changed` or `damaged` (the call was never answered). On a filesystem
 * whose journal commit persists what was written before it, record and files
 * are only written out before the renames and the commit after them makes
 * all durable (`ordered`): no commit can carry a rename without them.
 *
 * Temporary files go into a spool directory when the target is on the same
 * filesystem (so a crash never leaves hidden files among the user's), else
 * beside the target. A target with a staged write pending is visible through
 * `pendingAt`, so another change to it waits rather than interleaving.
 */
import { closeSync, existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { errorCode } from "../errors";
import { createFile, type DurableWriteOptions, fsyncPath, isSyncing, mkdirDurable, ownership, renameDurable } from "./files";
import { fsyncKeepsNewName } from "./fs-kind";
import { fsyncAsync, mayBlock, syncDir, timedFlush } from "./group";
import { syncFilesystemShared } from "./syncfs";

/** One promised rename: `tmp` (content with digest `sha256`) takes `target`'s place. */
export interface StagedRename {
  tmp: string;
  target: string;
  sha256: string;
}

interface Staged extends StagedRename {
  /** What to write and how, until it is written (see prepare). */
  data: string | Uint8Array | null;
  own: ReturnType<typeof ownership>;
  /** The filesystem of the target and of its temporary file (beside it, or in a spool on the same one). */
  dev: number;
  fd: number | null;
  /** On the filesystem of the record (see Staging's `ordered`). */
  ordered: boolean;
  /** Its flush (content and name), once started: never for a call that takes the one-flush protocol. */
  synced: Promise<void> | null;
  done: Promise<void>;
  release(): void;
}

/**
 * Each spool directory's device once it was made, so a call does not create
 * and look at it again: a spool removed since is found when a file cannot be
 * created in it (Staging.write).
 */
const spools = new Map<string, number>();

/** Every staged write not yet in place or abandoned, by temporary path. */
const pending = new Map<string, Staged>();
/**
 * The same by target, and how many targets lie under each directory above
 * one: every call asks pendingAt, so with many calls in flight it looks
 * along its own paths, not through every write pending.
 */
const byTarget = new Map<string, Set<Staged>>();
const under = new Map<string, number>();

/**
 * The directories strictly above `path` (absolute, normalised) that near()
 * counts (not `/`, which `${a}/` never prefixes). By slicing, not dirname():
 * every call in flight walks these on every staged write, and dirname's
 * copies were 7% of the main thread with 64 callers.
 */
function* ancestors(path: string): Generator<string> {
  for (let i = path.lastIndexOf("/"); i > 0; i = path.lastIndexOf("/", i - 1)) yield path.slice(0, i);
}

function track(s: Staged): void {
  pending.set(s.tmp, s);
  let set = byTarget.get(s.target);
  if (!set) byTarget.set(s.target, (set = new Set()));
  set.add(s);
  for (const a of ancestors(s.target)) under.set(a, (under.get(a) ?? 0) + 1);
}

function untrack(s: Staged): void {
  if (!pending.delete(s.tmp)) return;
  const set = byTarget.get(s.target);
  set?.delete(s);
  if (set?.size === 0) byTarget.delete(s.target);
  for (const a of ancestors(s.target)) {
    const n = (under.get(a) ?? 1) - 1;
    if (n > 0) under.set(a, n);
    else under.delete(a);
  }
}

function sha256(data: string | Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(data).digest("hex");
}

const near = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);

/**
 * Settles once no staged write is pending at `path`, inside it or above it;
 * undefined when none is (the common case, so callers stay synchronous).
 */
export function pendingAt(...paths: string[]): Promise<void> | undefined {
  if (pending.size === 0) return undefined;
  const waits = new Set<Promise<void>>();
  const add = (s: Staged, p: string) => near(s.target, p) && waits.add(s.done);
  for (const p of paths) {
    for (const s of byTarget.get(p) ?? []) add(s, p);
    for (const a of ancestors(p)) for (const s of byTarget.get(a) ?? []) add(s, p);
    if (under.has(p)) for (const s of pending.values()) add(s, p); // a whole tree pending: rare, looked through
  }
  return waits.size ? Promise.all(waits).then(() => {}) : undefined;
}

/**
 * How a staged file reaches the disk: `own`, its own fsync; `shared`, one
 * syncfs of its filesystem with every other call staging files now.
 */
type How = "own" | "shared";

/** Stagings with files not yet put in place or dropped: while this one is the only one, its files are written at once (see write). */
let staging = 0;

export class Staging {
  private readonly files: Staged[] = [];
  private next = 0;
  private ended = false;

  /**
   * @param tag goes into the temporary names (the call id: never reused, so
   *   no two runs' names collide)
   * @param spool directory for temporary files on its filesystem; created on first use
   * @param recordOn the filesystem of the caller's record (the ledger's)
   *   where one journal commit there persists what was written before it
   *   (commitKeepsWritten); undefined where not. Files staged on it are
   *   written out, not flushed: see `ordered`.
   */
  constructor(
    private readonly tag: string,
    private readonly spool?: string,
    private readonly recordOn?: number,
  ) {}

  get empty(): boolean {
    return this.files.length === 0;
  }

  /**
   * Every file staged lies on the record's filesystem (constructor), so one
   * protocol of a single flush serves the call: its record and its files
   * (written()) are written out to the disk together (no flush), then the
   * renames, then settle()'s journal commit, which persists all of them
   * before it persists a rename. A cut before that commit leaves the renames
   * undone (the record, if the disk kept it, is redone at boot as before);
   * no commit can carry a rename without what was written before it.
   * Otherwise files and record are each flushed before the renames, as
   * prepare() does.
   */
  get ordered(): boolean {
    return this.files.length > 0 && this.files.every((f) => f.ordered);
  }

  /** The renames commit() will make, in order: what a redo after a crash needs. */
  get plan(): StagedRename[] {
    return this.files.map(({ tmp, target, sha256 }) => ({ tmp, target, sha256 }));
  }

  /**
   * Stages `data` to replace `target` at commit (mode and owner as
   * writeFileDurable): its temporary name and digest are settled now, for the
   * plan. The file itself is written at once when no other call is staging
   * files, and, unless the call takes the one-flush protocol (`ordered`),
   * its own flush starts: it is the longest one on a lone call's path (a new
   * file's is a journal commit), and starting it here overlaps the work
   * before the caller's record is flushed (measured 235-275 µs a call on
   * ext4 with its journal, calls interleaved). With others staging it waits
   * for prepare() or written(), where one flush of the filesystem, or one
   * write-out, serves them all. Either way a power cut can leave a staged
   * file no durable record claims (the boot sweep removes it: clearSpool) or
   * a record whose staged file is not on disk (which redo reports as
   * `changed`). `opts.dev`: the target's filesystem, where the caller has
   * just looked (else its directory is).
   */
  write(target: string, data: string | Uint8Array, opts: DurableWriteOptions & { dev?: number } = {}): void {
    // A tool still running after its call ended (timed out, cancelled) stages nothing: no plan would list it.
    if (this.ended) throw new Error(`${target}: not staged: the call has ended`);
    const own = ownership(target, opts);
    const { tmp, dev } = this.tmpFor(target, opts.dev);
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const ordered = this.recordOn !== undefined && dev === this.recordOn;
    const s: Staged = { tmp, target, sha256: sha256(data), data, own, dev, fd: null, ordered, synced: null, done, release };
    if (this.files.length === 0) staging++;
    this.files.push(s);
    track(s);
    if (staging > 1) return;
    try {
      this.create(s);
      if (!ordered) this.flush(s, "own").catch(() => {}); // prepare() awaits it and reports a failure
    } catch {
      // not written: prepare() tries again and reports it
    }
  }

  /** Writes a staged file under its temporary name, once (into the page cache: no flush). */
  private create(f: Staged): number {
    if (f.fd !== null) return f.fd;
    const data = f.data as string | Uint8Array;
    try {
      f.fd = createFile(f.tmp, data, f.own);
    } catch (err) {
      // A spool removed since it was looked at: made again, once (the name is in the plan already).
      if (errorCode(err) !== "ENOENT" || this.spool === undefined || dirname(f.tmp) !== this.spool) throw err;
      spools.delete(this.spool);
      mkdirDurable(this.spool, 0o700);
      f.fd = createFile(f.tmp, data, f.own);
    }
    f.data = null;
    return f.fd;
  }

  /**
   * Starts a written file's flush, once: `own`, an fsync of the file and,
   * where that does not keep a new name (fs-kind.ts), of its directory,
   * shared with concurrent writers into it; `shared`, the flush of its whole
   * filesystem with every other call staging files now (syncfs.ts).
   */
  private flush(f: Staged, how: How): Promise<void> {
    if (f.synced) return f.synced;
    const fd = f.fd as number;
    if (how === "shared") f.synced = syncFilesystemShared(f.dev, dirname(f.tmp));
    else if (fsyncKeepsNewName(f.dev)) f.synced = fsyncAsync(fd);
    else f.synced = Promise.all([fsyncAsync(fd), syncDir(dirname(f.tmp))]).then(() => {});
    return f.synced;
  }

  private tmpFor(target: string, known?: number): { tmp: string; dev: number } {
    const name = `${this.tag}.${this.next++}`;
    // The target's filesystem: where its temporary file goes and which filesystem's flush covers both (syncfs.ts).
    const dev = known ?? statSync(dirname(target)).dev;
    const beside = { tmp: join(dirname(target), `.${basename(target)}.aios-${name}`), dev };
    if (this.spool !== undefined) {
      let spoolDev: number | null | undefined = spools.get(this.spool);
      if (spoolDev === undefined) {
        try {
          mkdirDurable(this.spool, 0o700);
          spoolDev = statSync(this.spool).dev;
          spools.set(this.spool, spoolDev);
        } catch {
          spoolDev = null; // tried again by the next call
        }
      }
      if (spoolDev === dev) return { tmp: join(this.spool, name), dev };
    }
    return beside;
  }

  /**
   * Writes every staged file and makes it durable, content and name (in
   * parallel); `shared`: other calls are staging files too, and one flush of
   * each filesystem serves them all. Measured with 64 callers on ext4 with
   * its journal, this beat writing the files on the thread pool (1.4×):
   * there every thread's fsync is a journal commit of its own, and the hops
   * cost the main thread more than the writes do.
   */
  async prepare(shared = false): Promise<void> {
    const synced: Promise<void>[] = [];
    try {
      for (const f of this.files) {
        this.create(f);
        synced.push(this.flush(f, shared ? "shared" : "own"));
      }
    } finally {
      await Promise.allSettled(synced); // none left running on a descriptor abort() closes
    }
    await Promise.all(synced); // their descriptors are closed by commit() or abort()
  }

  /**
   * For the one-flush protocol (`ordered`): writes every staged file, not
   * flushed, and returns their descriptors, for the caller to write out to
   * the disk with its record (libc writeOut) before commit().
   */
  written(): number[] {
    return this.files.map((f) => this.create(f));
  }

  /** Puts each staged file in place (atomic renames, in order, not yet durable: settle() makes them so). */
  commit(): void {
    this.closed();
    for (const f of this.files) {
      renameSync(f.tmp, f.target);
      this.closeFd(f); // after: the rename is what the call waits for
    }
  }

  /**
   * Makes the renames durable (and, `ordered`, the files and the record
   * written out before them: this is a flush of the record's filesystem),
   * then lets waiting writers of the same paths go on. `alone`: the caller
   * has nothing else in flight (see mayBlock). The targets' directories only: the old name in the spool is no
   * promise. If a power cut brings it back, it is the file now in place under
   * a second name, which boot's redo (while the plan is recorded) or the
   * spool sweep (once it is not) deals with; syncing the spool here would be
   * a third flush on every call's path for nothing.
   */
  async settle(shared = false, alone = false): Promise<void> {
    const dirs = new Map(this.files.map((f) => [dirname(f.target), f.dev]));
    // One-flush protocol: a directory's fsync is the journal commit needed; a syncfs would also write
    // back every file other calls are staging now, for nothing.
    const fs = shared && !this.ordered;
    try {
      // A call with nothing else in flight waits on this thread while the disk answers quickly (mayBlock).
      if (alone && !shared && mayBlock() && isSyncing()) for (const dir of dirs.keys()) timedFlush(() => fsyncPath(dir));
      else await Promise.all([...dirs].map(([dir, dev]) => (fs ? syncFilesystemShared(dev, dir) : syncDir(dir))));
    } finally {
      this.release();
    }
  }

  /** Drops what was staged and not put in place. */
  abort(): void {
    this.closed();
    for (const f of this.files) {
      f.data = null;
      rmSync(f.tmp, { force: true }); // written on this thread, so never half written now
      // Closed once no flush runs on it: the descriptor's number could be reused for another file first.
      const close = () => this.closeFd(f);
      if (f.synced) void f.synced.then(close, close);
      else close();
    }
    this.release();
  }

  /** Ended (commit or abort): no longer among the stagings in progress, and nothing more is staged. */
  private closed(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.files.length > 0) staging--;
  }

  private closeFd(f: Staged): void {
    if (f.fd === null) return;
    closeSync(f.fd);
    f.fd = null;
  }

  private release(): void {
    for (const f of this.files) {
      untrack(f);
      f.release();
    }
  }
}

export interface RedoOutcome {
  target: string;
  /**
   * redone: the staged file was there, intact, and is now in place;
   * applied: already in place; changed: not staged any more and the target
   * holds other content (changed since, or lost); damaged: the staged file
   * does not match its digest and was removed, the target left as it was.
   */
  outcome: "redone" | "applied" | "changed" | "damaged";
}

/** After a crash: finishes the renames of a plan whose record reached the disk (idempotent). */
export function redoStaged(plan: readonly StagedRename[]): RedoOutcome[] {
  return plan.map(({ tmp, target, sha256: want }) => {
    if (existsSync(tmp)) {
      if (sha256(readFileSync(tmp)) !== want) {
        rmSync(tmp, { force: true });
        return { target, outcome: "damaged" as const };
      }
      renameDurable(tmp, target);
      return { target, outcome: "redone" as const };
    }
    let have: string | null = null;
    try {
      have = sha256(readFileSync(target));
    } catch {
      // gone
    }
    return { target, outcome: have === want ? ("applied" as const) : ("changed" as const) };
  });
}

/** Empties a spool directory of what no plan claims any more (staged by calls whose record never reached the disk). */
export function clearSpool(spool: string): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(spool);
  } catch {
    return 0;
  }
  for (const name of names) {
    if ([...pending.values()].some((s) => s.tmp === join(spool, name))) continue;
    rmSync(join(spool, name), { recursive: true, force: true });
    removed++;
  }
  if (removed) fsyncPath(spool);
  return removed;
}
