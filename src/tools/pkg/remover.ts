/**
 * Taking an installed package off the system, exactly: every file it
 * recorded (a file it replaced, such as a BusyBox applet link, is put back),
 * then the directories it made that nothing else claims, deepest first, then
 * the accounts it made. Also used to roll back a package whose unpacking
 * failed half way.
 *
 * Conffiles the admin changed are kept on remove and reported; purge deletes
 * them (their content goes into the undo record) and also deletes what runtime
 * left in directories the package made (logs, caches), as the package's own
 * postrm purge would.
 *
 * Durable as the installer is: a file put back is staged beside its place,
 * synced and renamed in; everything is synced (syncfs) before the package is
 * forgotten, so a power cut never leaves a package recorded whose removal
 * is half on disk without boot seeing its files missing.
 */
import { copyFileSync, chmodSync, existsSync, lchownSync, readFileSync, renameSync, rmdirSync, rmSync, unlinkSync } from "node:fs";
import type { AccountRow, InstalledDirRow, InstalledFileRow, PackageStore } from "./store";
import { errorCode, fsyncParent, fsyncPath, symlinkDurable, syncFilesystem } from "../../sys";
import { AccountDb } from "./accounts";
import { hostOf, lstatOrNull } from "./paths";

/** What was at a path before a package replaced it. */
export type Replaced =
  | { type: "file"; backup: string; mode: number; uid: number; gid: number }
  | { type: "symlink"; target: string };

export interface SavedConffile {
  path: string;
  /** base64 */
  content: string;
  mode: number;
}

export interface RemovedPackage {
  name: string;
  version: string;
  files: number;
  /** Changed by the admin and kept (remove without purge). */
  conffilesKept: string[];
  /** Changed conffiles purge deleted, saved for undo. */
  conffilesPurged: SavedConffile[];
  /** Paths of the base image (or other unowned files) put back. */
  restored: string[];
  directoriesRemoved: string[];
  /** Directories the package made that still hold something it did not install (remove without purge). */
  leftBehind: string[];
  usersRemoved: string[];
  groupsRemoved: string[];
  /** Purge: runtime files the package's own service units name (PIDFile=), as its postrm purge would clean. */
  runtimeRemoved: string[];
}

const UNIT = /^\/(usr\/)?lib\/systemd\/system\/[^/]+\.service$/;

/** PIDFile= paths in the package's service units. */
function pidFiles(root: string, files: readonly Pick<InstalledFileRow, "path" | "type">[]): string[] {
  const out: string[] = [];
  for (const f of files) {
    if (f.type !== "file" || !UNIT.test(f.path)) continue;
    try {
      for (const m of readFileSync(hostOf(root, f.path), "utf8").matchAll(/^PIDFile=(\/\S+)\s*$/gm)) out.push(m[1]!.replace(/^\/var\/run\//, "/run/"));
    } catch {
      // already gone
    }
  }
  return out;
}

export function sha256File(path: string): string {
  return new Bun.CryptoHasher("sha256").update(readFileSync(path)).digest("hex");
}

/** Puts back what a package replaced: staged, synced, renamed in, synced; only then is the backup dropped. */
function restore(root: string, path: string, r: Replaced, lenientOwners: boolean): void {
  const host = hostOf(root, path);
  if (r.type === "symlink") {
    symlinkDurable(r.target, host);
    return;
  }
  if (!existsSync(r.backup)) return;
  const tmp = `${host}.aios-new`;
  copyFileSync(r.backup, tmp);
  try {
    lchownSync(tmp, r.uid, r.gid);
  } catch (err) {
    if (!lenientOwners) throw err;
  }
  chmodSync(tmp, r.mode);
  fsyncPath(tmp);
  renameSync(tmp, host);
  fsyncParent(host);
  rmSync(r.backup, { force: true });
}

export interface Removal {
  root: string;
  purge: boolean;
  lenientOwners: boolean;
  /** As UnpackTarget.syncfs. */
  syncfs?(path: string): void;
}

/** Conffiles the admin changed that a purge of `files` would delete, with their content (for undo, saved before). */
export function purgedConffiles(files: readonly Omit<InstalledFileRow, "package">[], root: string): SavedConffile[] {
  const out: SavedConffile[] = [];
  for (const f of files) {
    if (!f.conffile || !f.sha256) continue;
    const host = hostOf(root, f.path);
    const st = lstatOrNull(host);
    if (st?.isFile() && sha256File(host) !== f.sha256) out.push({ path: f.path, content: readFileSync(host).toString("base64"), mode: st.mode & 0o7777 });
  }
  return out;
}

/** Removes recorded files, then the given directories (deepest first), then the given accounts. */
export function removeRecorded(
  files: readonly Omit<InstalledFileRow, "package">[],
  dirs: readonly Pick<InstalledDirRow, "path">[],
  accounts: readonly Pick<AccountRow, "kind" | "name">[],
  t: Removal,
): Omit<RemovedPackage, "name" | "version"> {
  const out: Omit<RemovedPackage, "name" | "version"> = {
    files: 0, conffilesKept: [], conffilesPurged: [], restored: [], directoriesRemoved: [], leftBehind: [], usersRemoved: [], groupsRemoved: [], runtimeRemoved: [],
  };
  const owned = new Set(files.map((f) => f.path));
  for (const p of t.purge ? pidFiles(t.root, files) : []) {
    if (owned.has(p)) continue;
    const st = lstatOrNull(hostOf(t.root, p));
    if (st?.isFile()) {
      unlinkSync(hostOf(t.root, p));
      out.runtimeRemoved.push(p);
    }
  }
  for (const f of [...files].sort((a, b) => b.path.localeCompare(a.path))) {
    const host = hostOf(t.root, f.path);
    const st = lstatOrNull(host);
    if (st) {
      if (st.isDirectory()) {
        out.leftBehind.push(f.path);
        continue;
      }
      if (f.conffile && st.isFile() && f.sha256 && sha256File(host) !== f.sha256) {
        if (!t.purge) {
          out.conffilesKept.push(f.path);
          continue;
        }
        out.conffilesPurged.push({ path: f.path, content: readFileSync(host).toString("base64"), mode: st.mode & 0o7777 });
      }
      unlinkSync(host);
      out.files++;
    }
    if (f.replaced) {
      restore(t.root, f.path, f.replaced as Replaced, t.lenientOwners);
      out.restored.push(f.path);
    }
  }
  for (const d of [...dirs].sort((a, b) => b.path.split("/").length - a.path.split("/").length || b.path.localeCompare(a.path))) {
    const host = hostOf(t.root, d.path);
    const st = lstatOrNull(host);
    if (!st?.isDirectory()) continue;
    try {
      rmdirSync(host);
      out.directoriesRemoved.push(d.path);
    } catch (err) {
      if (errorCode(err) !== "ENOTEMPTY" && errorCode(err) !== "EEXIST") throw err;
      if (t.purge) {
        rmSync(host, { recursive: true, force: true });
        out.directoriesRemoved.push(d.path);
      } else out.leftBehind.push(d.path);
    }
  }
  const db = new AccountDb(t.root);
  for (const a of [...accounts].sort((x, y) => (x.kind === y.kind ? 0 : x.kind === "user" ? -1 : 1))) {
    if (db.remove(a.kind, a.name)) (a.kind === "user" ? out.usersRemoved : out.groupsRemoved).push(a.name);
  }
  (t.syncfs ?? syncFilesystem)(t.root);
  return out;
}

/** Removes one installed package and forgets it. */
export function removeInstalled(store: PackageStore, name: string, t: Removal): RemovedPackage {
  const pkg = store.get(name);
  if (!pkg) throw new Error(`${name}: not installed`);
  const released = store.releases(name);
  const r = removeRecorded(store.files(name), released.dirs, released.accounts, t);
  store.forget(name);
  return { name, version: pkg.version, ...r };
}
