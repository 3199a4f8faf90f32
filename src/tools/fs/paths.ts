/**
 * Path confinement, the heart of fs safety, and the one module for it: every
 * tool argument that is a path (fs.*, a home directory, a working directory,
 * a service's cwd, ...) goes through `resolvePath`. Tools take guest paths (`/etc/x`);
 * they resolve under `env.root` ("/" in the VM, the sandbox in dev mode) and
 * must stay inside `env.fsRoots`. `..` is resolved lexically before the kernel
 * ever sees the path, and symlinks are followed here, component by component,
 * with the kernel's own rules (an absolute target restarts at the HOST root),
 * so a link anywhere along the way that leads out is caught. The host path
 * returned is the resolved one, so the kernel walks only what was checked.
 *
 * What remains is the usual check-then-use window: a symlink swapped in between
 * the check and the syscall. Only aiOS writes under the roots in the VM.
 *
 * Whatever the roots allow, a protected set is refused to every agent tool:
 * aiOS's secrets, ledger, undo copies, memory databases, models, its own
 * configuration (/etc/aios) and /boot (issue 11: the fs tools could rewrite
 * the schedules database and config.toml, files that steer the system). A
 * tool made for exactly one of them (models import, the audit queries) goes
 * through its own host service, never a path argument. Sensitive system files
 * (/etc/shadow, /etc/sudoers, ...) are not refused but raise a call's risk
 * (`pathRisk`), so the autonomy gate asks a person.
 */
import { lstatSync, readlinkSync, type Stats } from "node:fs";
import { dirname, join } from "node:path";
import { errorCode } from "../../sys";
import type { Risk, ToolEnv } from "../define";
import { FsPathError, fsFailure } from "./errors";

/** The kernel's limit (MAXSYMLINKS) on links followed while resolving one path. */
const MAX_LINKS = 40;

export interface Resolved {
  /** The path as asked, normalized (`/etc/nginx/../x` → `/etc/x`). */
  guest: string;
  /** The guest path the operation acts on once symlinks are followed. */
  real: string;
  /** Host path of `real`, for node:fs. */
  host: string;
  /**
   * lstat of `host` as the walk that resolved it found it (null: nothing
   * there), in this same turn; undefined when the walk did not look at it.
   * A tool that would lstat `host` next takes this instead.
   */
  stat?: Stats | null;
}

export interface ResolveOptions {
  /** Follow a symlink in the final component (read, write, chmod); false for operations on the link itself (delete, move, lstat). Default true. */
  follow?: boolean;
}

interface Roots {
  /** `env.root` with its own symlinks resolved. */
  realRoot: string;
  /** The allowed guest roots, as configured and with their symlinks resolved. */
  allowed: string[];
  /** aiOS's own directories that lie inside the guest tree (none in dev mode: they are outside the sandbox). */
  reserved: string[];
}

const rootsCache = new WeakMap<ToolEnv, Roots>();

/** aiOS's own places as guest paths: protected in the VM and, lexically, in dev mode's sandbox alike. */
export const PROTECTED = [
  "/etc/aios",
  "/boot",
  "/usr/sbin/aios-init",
  "/init",
  "/var/lib/aios/secrets",
  "/var/lib/aios/ledger",
  "/var/lib/aios/memory",
  "/var/lib/aios/models",
  "/var/lib/aios/vectors",
  "/var/lib/aios/cache/undo",
  "/var/lib/aios/cache/staging",
  "/var/lib/aios/config",
] as const;

/** Under /var/lib/aios (env.paths.data), the directories the protected set names. */
const PROTECTED_DATA = ["ledger", "memory", "models", "vectors", "cache/undo", "cache/staging", "config"];

/** Files whose change (or, for secrets, whose reading) is high risk whoever asks. */
const SENSITIVE_WRITE = ["/etc/shadow", "/etc/gshadow", "/etc/passwd", "/etc/group", "/etc/sudoers", "/etc/sudoers.d", "/etc/ssh", "/root", "/etc/pam.d", "/etc/security", "/etc/init.d", "/etc/profile", "/etc/profile.d"];
const SENSITIVE_READ = ["/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/sudoers.d", "/etc/ssh", "/root/.ssh"];

function roots(env: ToolEnv): Roots {
  let r = rootsCache.get(env);
  if (r) return r;
  const realRoot = walk("/", env.root.split("/"), true);
  const allowed = new Set<string>();
  for (const root of env.fsRoots) {
    const lexical = normalizeGuest(root);
    if (lexical === null) throw new Error(`fs roots: ${root} must be an absolute path that does not climb above /`);
    allowed.add(lexical);
    // A root that is itself a symlink (/var/run -> /run) allows where it leads: the admin chose it.
    const real = hostToGuest(realRoot, walk(realRoot, lexical.split("/"), true));
    if (real !== null) allowed.add(real);
  }
  const reserved = new Set<string>();
  const hosts = [env.paths.secrets, ...PROTECTED_DATA.map((d) => join(env.paths.data, d)), ...(env.paths.etc ? [env.paths.etc] : [])];
  for (const host of hosts) {
    const guest = hostToGuest(realRoot, walk("/", host.split("/"), true));
    if (guest !== null) reserved.add(guest);
  }
  for (const guest of PROTECTED) {
    reserved.add(guest);
    const real = hostToGuest(realRoot, walk(realRoot, guest.split("/"), true));
    if (real !== null) reserved.add(real);
  }
  r = { realRoot, allowed: [...allowed], reserved: [...reserved] };
  rootsCache.set(env, r);
  return r;
}

/** `/a/./b/../c` → `/a/c`; null when `..` climbs above `/` or the path is relative. */
export function normalizeGuest(path: string): string | null {
  if (!path.startsWith("/")) return null;
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(part);
  }
  return `/${out.join("/")}`;
}

export function within(path: string, root: string): boolean {
  return root === "/" || path === root || path.startsWith(`${root}/`);
}

function hostToGuest(realRoot: string, host: string): string | null {
  if (realRoot === "/") return host;
  if (host === realRoot) return "/";
  return host.startsWith(`${realRoot}/`) ? host.slice(realRoot.length) : null;
}

/**
 * Resolves `components` from the real directory `start` the way the kernel
 * does: `..` goes to the parent of what was actually reached, a symlink's
 * target is spliced in (absolute targets restart at `/`). Stops at the first
 * component that does not exist and appends the rest; those cannot be links.
 * `seen.stat` gets the lstat of the path returned, where the walk made it
 * (null: nothing there), so its caller need not make it again.
 */
export function walk(start: string, components: readonly string[], followFinal: boolean, seen?: { stat?: Stats | null }): string {
  let done = start;
  const todo = [...components].reverse();
  let links = 0;
  let last: Stats | null | undefined;
  while (todo.length > 0) {
    const name = todo.pop() as string;
    if (name === "" || name === ".") continue;
    if (name === "..") {
      done = dirname(done);
      last = undefined;
      continue;
    }
    const next = done === "/" ? `/${name}` : `${done}/${name}`;
    let st: Stats | undefined;
    let notDir = false;
    try {
      st = lstatSync(next, { throwIfNoEntry: false });
    } catch (err) {
      if (errorCode(err) !== "ENOTDIR") throw err;
      notDir = true;
    }
    if (!st) {
      // Nothing there, so nothing below it either; but a path through a file is an error its lstat names.
      if (seen) seen.stat = notDir ? undefined : null;
      return join(next, ...todo.reverse());
    }
    if (st.isSymbolicLink() && (todo.length > 0 || followFinal)) {
      if (++links > MAX_LINKS) throw Object.assign(new Error(`${next}: too many levels of symbolic links`), { code: "ELOOP" });
      const target = readlinkSync(next);
      if (target.startsWith("/")) done = "/";
      const parts = target.split("/");
      for (let i = parts.length - 1; i >= 0; i--) todo.push(parts[i] as string);
      last = undefined; // where the link leads is looked at next, if anywhere
      continue;
    }
    done = next;
    last = st;
  }
  if (seen) seen.stat = done === start ? undefined : last;
  return done;
}

function printable(path: string): string {
  return path.replace(/\0/g, "\\0");
}

/**
 * The walk pathRisk made last, for the resolvePath that follows it: the
 * executor assesses a call's risk and then runs its tool in the same turn,
 * and the tool's first step is to resolve the same path. The first
 * resolvePath after it takes it (when it asks for the same path, following
 * links) or drops it, and the turn's end drops it, so it never outlives a
 * moment in which this process could have changed the tree.
 */
let lastWalk: { env: ToolEnv; guest: string; host: string; stat?: Stats | null } | null = null;

function rememberWalk(env: ToolEnv, guest: string, host: string, stat: Stats | null | undefined): void {
  if (lastWalk === null) queueMicrotask(() => (lastWalk = null));
  lastWalk = { env, guest, host, stat };
}

/** Checks a guest path and returns where it really leads; throws FsPathError naming the path and the reason. */
export function resolvePath(env: ToolEnv, tool: string, path: string, opts: ResolveOptions = {}): Resolved {
  const walked = lastWalk;
  lastWalk = null;
  if (path.includes("\0")) throw new FsPathError("invalid_path", tool, printable(path), "contains a NUL byte");
  if (!path.startsWith("/")) throw new FsPathError("invalid_path", tool, path, "must be an absolute path");
  const guest = normalizeGuest(path);
  const r = roots(env);
  if (guest === null || !r.allowed.some((root) => within(guest, root))) {
    throw new FsPathError("outside_roots", tool, path, "outside the allowed roots");
  }
  let host: string;
  const seen: { stat?: Stats | null } = {};
  try {
    const follow = opts.follow ?? true;
    if (follow && walked?.env === env && walked.guest === guest) {
      host = walked.host;
      seen.stat = walked.stat;
    } else host = walk(r.realRoot, guest.split("/"), follow, seen);
  } catch (err) {
    throw fsFailure(tool, path, err);
  }
  const real = hostToGuest(r.realRoot, host);
  if (real === null || !r.allowed.some((root) => within(real, root))) {
    throw new FsPathError("outside_roots", tool, path, "outside the allowed roots (through a symlink)");
  }
  if (r.reserved.some((d) => within(guest, d) || within(real, d))) throw reservedError(tool, path);
  return { guest, real, host, stat: seen.stat };
}

function reservedError(tool: string, path: string): FsPathError {
  return new FsPathError("reserved", tool, path, "is protected: aiOS's own secrets, ledger, undo copies, memory, models, configuration or boot files; no agent tool touches them by path");
}

/**
 * The risk a path gives a call, beyond its tool's: high for the files that
 * hold accounts, privileges and logins when written, and for the secret ones
 * when read. Lexical and through symlinks; undefined when nothing special
 * (or when the path is bad: the tool refuses it anyway).
 */
export function pathRisk(env: ToolEnv, path: string, write: boolean): Risk | undefined {
  const list = write ? SENSITIVE_WRITE : SENSITIVE_READ;
  const hit = (p: string) => list.some((d) => within(p, d));
  const guest = normalizeGuest(path);
  if (guest === null) return undefined;
  if (hit(guest)) return "high";
  try {
    const r = roots(env);
    const seen: { stat?: Stats | null } = {};
    const host = walk(r.realRoot, guest.split("/"), true, seen);
    rememberWalk(env, guest, host, seen.stat);
    const real = hostToGuest(r.realRoot, host);
    if (real !== null && hit(real)) return "high";
  } catch {
    // unresolvable: the tool itself reports why
  }
  return undefined;
}

/** `riskOf` for tools whose path arguments are `fields`: the highest risk any of them gives. */
export function pathsRisk(write: boolean, ...fields: string[]): <A>(args: A, env: ToolEnv) => Risk | undefined {
  return (args, env) => {
    for (const f of fields) {
      const p = (args as Record<string, unknown>)[f];
      if (typeof p === "string" && pathRisk(env, p, write)) return "high";
    }
    return undefined;
  };
}

/**
 * The protected set is never reachable through a path argument, whatever the
 * roots allow: true for those paths. Tree walks (list, search) skip them.
 */
export function isReserved(env: ToolEnv, guest: string): boolean {
  return roots(env).reserved.some((d) => within(guest, d));
}

/** Refuses a whole-tree operation (delete, move, copy) on a directory that holds a reserved one. */
export function refuseIfHoldsReserved(env: ToolEnv, tool: string, path: string, r: Resolved): void {
  const hit = roots(env).reserved.find((d) => within(d, r.guest) || within(d, r.real));
  if (hit !== undefined) throw reservedError(tool, path);
}

/** The guest path of a host path under the root, or null when it lies outside. */
export function guestOfHost(env: ToolEnv, host: string): string | null {
  return hostToGuest(roots(env).realRoot, host);
}

/** True when a guest path lies inside one of the allowed roots. */
export function allowed(env: ToolEnv, guest: string): boolean {
  return roots(env).allowed.some((root) => within(guest, root));
}

/** True for `/` and for each configured root itself: tools refuse to delete or move those wholesale. */
export function isRootPath(env: ToolEnv, guest: string): boolean {
  return guest === "/" || env.fsRoots.some((root) => normalizeGuest(root) === guest);
}

/** A guest absolute path as the host sees it, for link targets written in dev mode. */
export function guestToHost(env: ToolEnv, guest: string): string {
  return env.root === "/" ? guest : join(env.root, guest);
}

/** A link target as the guest should see it: absolute host targets under the root lose the root prefix. */
export function linkTargetToGuest(env: ToolEnv, target: string): string {
  if (!target.startsWith("/") || env.root === "/") return target;
  const root = env.root.replace(/\/+$/, "");
  if (target === root) return "/";
  if (target.startsWith(`${root}/`)) return target.slice(root.length);
  const real = hostToGuest(roots(env).realRoot, target);
  return real ?? target;
}

/**
 * Checks where a new symlink at `link` (already resolved, not followed) with
 * `target` would lead, and returns the text to store in it. Absolute targets
 * are guest paths, written under the root in dev mode; relative ones are kept
 * and resolved from the link's real directory, as the kernel will.
 */
export function checkLinkTarget(env: ToolEnv, tool: string, link: Resolved, target: string): string {
  if (target.includes("\0")) throw new FsPathError("invalid_path", tool, printable(target), "contains a NUL byte");
  if (target === "") throw new FsPathError("invalid_path", tool, link.guest, "empty link target");
  if (target.startsWith("/")) {
    const t = resolvePath(env, tool, target);
    return guestToHost(env, t.guest);
  }
  const r = roots(env);
  let host: string;
  try {
    host = walk(dirname(link.host), target.split("/"), true);
  } catch (err) {
    throw fsFailure(tool, target, err);
  }
  const real = hostToGuest(r.realRoot, host);
  if (real === null || !r.allowed.some((root) => within(real, root))) {
    throw new FsPathError("outside_roots", tool, target, `outside the allowed roots (as the target of ${link.guest})`);
  }
  if (r.reserved.some((d) => within(real, d))) throw reservedError(tool, target);
  return target;
}
