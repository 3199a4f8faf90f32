/**
 * Unpacking a verified package under the target root and recording all it
 * put down, the way dpkg does it: every file, link and hard link is first
 * written beside its final name (.aios-new, as dpkg's .dpkg-new) with owner,
 * mode and mtime from the archive, and every file it replaces copied aside;
 * one syncfs of the target (and of the backups' filesystem) makes all of
 * that durable; only then are they renamed into place, a second syncfs makes
 * the renames durable, and the package is recorded as installed. A power cut
 * leaves each path with its old content or its new one, and an unrecorded
 * package is found and put back or removed as any interrupted call is.
 *
 * An existing file that no installed package owns (a BusyBox applet link of
 * the base image, say) is saved and put back when the package goes. A
 * conffile already there with other content is the admin's and is kept (the
 * package's version is not written; the result says so). If anything fails
 * half way, what this package wrote so far is taken away again.
 *
 * Maintainer scripts are not run: accounts and state directories they would
 * have made are made from what scripts.ts reads in them.
 */
import { chmodSync, copyFileSync, existsSync, lchownSync, linkSync, lstatSync, mkdirSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { syncFilesystem } from "../../sys";
import { type Account, AccountDb } from "./accounts";
import type { Deb } from "./deb";
import { PkgFileConflictError } from "./errors";
import { canonical, hostOf, parentOf } from "./paths";
import { type Replaced, removeRecorded, sha256File } from "./remover";
import { type AccountNeed, scanScripts, stateNames } from "./scripts";
import type { AccountRow, InstalledDirRow, InstalledFileRow, PackageStore } from "./store";

export interface UnpackTarget {
  /** Host directory of the guest's "/". */
  root: string;
  store: PackageStore;
  /** Host directory where replaced files are kept until their package goes. */
  backupDir: string;
  callId: string | null;
  /** Owners that cannot be set are ignored (dev mode without root). */
  lenientOwners: boolean;
  /**
   * Makes everything written to the filesystem holding a path durable;
   * default syncfs(2). The benchmark passes a no-op to measure what durability costs.
   */
  syncfs?(path: string): void;
}

/** syncfs of each distinct filesystem among `paths` (the target root, the backups). */
function syncAll(paths: readonly string[], syncfs: (p: string) => void): void {
  const seen = new Set<number>();
  for (const p of paths) {
    const dev = statSync(p).dev;
    if (seen.has(dev)) continue;
    seen.add(dev);
    syncfs(p);
  }
}

export interface PackageMeta {
  sha256: string;
  repository: string;
  auto: boolean;
}

export interface UnpackedPackage {
  name: string;
  version: string;
  auto: boolean;
  files: number;
  bytes: number;
  /** Maintainer scripts present in the package and not run. */
  scriptsSkipped: string[];
  /** Control members with effects dpkg would implement (triggers), not acted on. */
  controlIgnored: string[];
  directoriesCreated: string[];
  /** Made on behalf of the skipped scripts (/var/log/<pkg>, ...). */
  stateDirectories: string[];
  usersCreated: string[];
  groupsCreated: string[];
  /** Existing unowned paths replaced, put back on remove. */
  replaced: string[];
  /** Conffiles already present with other content, kept as they were. */
  conffilesKept: string[];
  /** Device nodes and fifos, which packages should not ship and are not created. */
  entriesSkipped: string[];
  /** Service definitions it ships (systemd units, init scripts), for whoever supervises it. */
  serviceFiles: string[];
}

function lstatOrNull(p: string) {
  try {
    return lstatSync(p);
  } catch {
    return null;
  }
}

const guestOf = (entryPath: string) => `/${entryPath}`;

/**
 * Refuses, before anything is written, a plan in which a file would land on
 * another installed package's file, on a directory, or on a file another
 * package of the same plan ships.
 */
export function checkFiles(debs: readonly Deb[], root: string, store: PackageStore): void {
  const planned = new Map<string, string>();
  for (const deb of debs) {
    const name = deb.record.name;
    for (const e of deb.entries) {
      if (e.path === "") continue;
      const guest = guestOf(e.path);
      const canon = canonical(root, guest, e.type === "dir");
      const st = lstatOrNull(hostOf(root, canon));
      if (e.type === "dir") {
        if (st && !st.isDirectory()) throw new PkgFileConflictError(name, guest, "ships a directory where a file is");
        continue;
      }
      if (st?.isDirectory()) throw new PkgFileConflictError(name, guest, "ships a file where a directory is");
      const owner = store.owner(canon);
      if (owner && owner.package !== name) throw new PkgFileConflictError(name, guest, `also in installed package ${owner.package}`);
      const other = planned.get(canon);
      if (other && other !== name) throw new PkgFileConflictError(name, guest, `also in ${other}, installed by the same call`);
      planned.set(canon, name);
    }
  }
}

export function unpack(deb: Deb, meta: PackageMeta, t: UnpackTarget): UnpackedPackage {
  const name = deb.record.name;
  const files: Array<Omit<InstalledFileRow, "package">> = [];
  const dirs: Array<Omit<InstalledDirRow, "package">> = [];
  const accounts: Account[] = [];
  const report: UnpackedPackage = {
    name, version: deb.record.version, auto: meta.auto, files: 0, bytes: 0,
    scriptsSkipped: [...deb.scripts.keys()], controlIgnored: deb.ignored,
    directoriesCreated: [], stateDirectories: [], usersCreated: [], groupsCreated: [], replaced: [], conffilesKept: [], entriesSkipped: [], serviceFiles: [],
  };
  const db = new AccountDb(t.root);
  const conffiles = new Set(deb.conffiles.map((p) => canonical(t.root, p)));

  const chown = (host: string, uid: number, gid: number) => {
    try {
      lchownSync(host, uid, gid);
    } catch (err) {
      if (!t.lenientOwners) throw err;
    }
  };
  const uids = new Map<string, number | null>();
  const gids = new Map<string, number | null>();
  const owner = (uname: string, gname: string, uid: number, gid: number): [number, number] => {
    if (uname && !uids.has(uname)) uids.set(uname, db.uid(uname));
    if (gname && !gids.has(gname)) gids.set(gname, db.gid(gname));
    return [(uname ? uids.get(uname) : null) ?? uid, (gname ? gids.get(gname) : null) ?? gid];
  };

  const mkdirs = (canon: string, mode: number, state: boolean) => {
    const missing: string[] = [];
    for (let p = canon; p !== "/" && !existsSync(hostOf(t.root, p)); p = parentOf(p)) missing.unshift(p);
    for (const p of missing) {
      mkdirSync(hostOf(t.root, p));
      const m = p === canon ? mode : 0o755;
      chmodSync(hostOf(t.root, p), m);
      dirs.push({ path: p, mode: m, created: true, state: state && p === canon });
      report.directoriesCreated.push(p);
    }
  };

  /** Renames phase 2 makes, in order: a staged `.aios-new` over its final name. */
  const staged: Array<{ tmp: string; host: string }> = [];
  /** Where each staged path's content is until it is renamed (a hard link's target, a chown). */
  const stagedAt = new Map<string, string>();
  const backups: string[] = [];
  const stage = (canon: string, host: string, make: (tmp: string) => void) => {
    const tmp = `${host}.aios-new`;
    rmSync(tmp, { force: true }); // left by an earlier unpack that a crash cut off
    staged.push({ tmp, host });
    stagedAt.set(canon, tmp);
    make(tmp);
    return tmp;
  };

  /** What is at a path now, copied aside (not removed: the staged file's rename replaces it). */
  const backup = (host: string, canon: string): Replaced | null => {
    const st = lstatOrNull(host);
    if (!st) return null;
    let r: Replaced;
    if (st.isSymbolicLink()) {
      r = { type: "symlink", target: readlinkSync(host) };
    } else {
      const id = new Bun.CryptoHasher("sha256").update(`${name}\0${canon}`).digest("hex");
      mkdirSync(t.backupDir, { recursive: true });
      const dest = join(t.backupDir, id);
      copyFileSync(host, dest);
      backups.push(dest);
      r = { type: "file", backup: dest, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
    }
    report.replaced.push(canon);
    return r;
  };

  let renamed = 0;
  try {
    // Accounts first: the archive's owners and the scripts' chown lines need them.
    const needs = scanScripts(deb.scripts, stateNames(name, deb.record.source));
    const tarNeeds: AccountNeed[] = [];
    for (const e of deb.entries) {
      if (e.uname && e.uname !== "root" && !tarNeeds.some((n) => n.kind === "user" && n.name === e.uname)) tarNeeds.push({ kind: "user", name: e.uname, why: `owns /${e.path}` });
      if (e.gname && e.gname !== "root" && !tarNeeds.some((n) => n.kind === "group" && n.name === e.gname)) tarNeeds.push({ kind: "group", name: e.gname, why: `owns /${e.path}` });
    }
    const merged = [...needs.accounts];
    for (const n of tarNeeds) if (!merged.some((m) => m.kind === n.kind && m.name === n.name)) merged.push(n);
    for (const a of db.ensure(merged)) {
      accounts.push(a);
      if (a.created) (a.kind === "user" ? report.usersCreated : report.groupsCreated).push(a.name);
    }

    // Phase 1: directories made, everything else staged beside its final name, replaced files copied aside.
    const written = new Map<string, Omit<InstalledFileRow, "package">>();
    for (const e of deb.entries) {
      if (e.path === "") continue;
      const guest = guestOf(e.path);
      const [uid, gid] = owner(e.uname, e.gname, e.uid, e.gid);
      if (e.type === "dir") {
        const canon = canonical(t.root, guest, true);
        const host = hostOf(t.root, canon);
        if (existsSync(host)) {
          if (!dirs.some((d) => d.path === canon)) dirs.push({ path: canon, mode: e.mode, created: false, state: false });
        } else {
          mkdirs(canon, e.mode, false);
          chown(host, uid, gid);
          chmodSync(host, e.mode);
        }
        continue;
      }
      if (e.type !== "file" && e.type !== "symlink" && e.type !== "hardlink") {
        report.entriesSkipped.push(`${guest} (${e.type})`);
        continue;
      }
      const canon = canonical(t.root, guest);
      mkdirs(parentOf(canon), 0o755, false);
      const host = hostOf(t.root, canon);
      const isConf = conffiles.has(canon);

      if (e.type === "symlink") {
        const replaced = backup(host, canon);
        stage(canon, host, (tmp) => {
          symlinkSync(e.linkname, tmp);
          chown(tmp, uid, gid);
        });
        const f = { path: canon, type: "symlink" as const, mode: 0o777, uid, gid, size: 0, sha256: null, target: e.linkname, conffile: false, replaced };
        files.push(f);
        written.set(canon, f);
        continue;
      }

      if (e.type === "hardlink") {
        const target = canonical(t.root, guestOf(e.linkname));
        const src = written.get(target);
        if (!src) throw new PkgFileConflictError(name, guest, `hard link to ${target}, which the package does not ship before it`);
        const replaced = backup(host, canon);
        stage(canon, host, (tmp) => linkSync(stagedAt.get(target) ?? hostOf(t.root, target), tmp));
        const f = { ...src, path: canon, type: "hardlink" as const, target, conffile: isConf, replaced };
        files.push(f);
        written.set(canon, f);
        report.bytes += src.size;
        continue;
      }

      const sha = new Bun.CryptoHasher("sha256").update(e.data).digest("hex");
      const st = lstatOrNull(host);
      if (isConf && st?.isFile() && sha256File(host) !== sha) {
        // The admin's conffile stays; recorded with the package's digest, so remove sees it as changed and keeps it.
        report.conffilesKept.push(canon);
        const f = { path: canon, type: "file" as const, mode: e.mode, uid, gid, size: e.data.length, sha256: sha, target: null, conffile: true, replaced: null };
        files.push(f);
        written.set(canon, f);
        continue;
      }
      const replaced = isConf && st?.isFile() ? null : backup(host, canon);
      stage(canon, host, (tmp) => {
        writeFileSync(tmp, e.data, { flag: "wx" });
        chown(tmp, uid, gid);
        chmodSync(tmp, e.mode);
        utimesSync(tmp, e.mtime, e.mtime);
      });
      const f = { path: canon, type: "file" as const, mode: e.mode, uid, gid, size: e.data.length, sha256: sha, target: null, conffile: isConf, replaced };
      files.push(f);
      written.set(canon, f);
      report.bytes += e.data.length;
      if (/^\/(usr\/)?lib\/systemd\/system\/[^/]+\.(service|socket|timer)$/.test(canon) || /^\/etc\/init\.d\/[^/]+$/.test(canon)) report.serviceFiles.push(canon);
    }

    for (const d of needs.stateDirs) {
      const canon = canonical(t.root, d, true);
      const shipped = dirs.find((x) => x.path === canon);
      if (shipped) {
        shipped.state = shipped.created;
        continue;
      }
      if (existsSync(hostOf(t.root, canon))) continue;
      mkdirs(canon, 0o755, true);
      report.stateDirectories.push(canon);
    }

    for (const c of needs.chowns) {
      const canon = canonical(t.root, c.path, true);
      const file = written.get(canon);
      if (!file && !dirs.some((d) => d.path === canon)) continue;
      const host = stagedAt.get(canon) ?? hostOf(t.root, canon);
      const st = lstatOrNull(host);
      if (!st) continue;
      const uid = c.user ? (db.uid(c.user) ?? st.uid) : st.uid;
      const gid = c.group ? (db.gid(c.group) ?? st.gid) : st.gid;
      chown(host, uid, gid);
      if (st.isFile() || st.isDirectory()) chmodSync(host, st.mode & 0o7777); // chown clears setuid bits
      if (file) {
        file.uid = uid;
        file.gid = gid;
      }
    }

    // Phase 2: all of it on disk, then in place, then that on disk, then recorded.
    const syncfs = t.syncfs ?? syncFilesystem;
    syncAll(backups.length ? [t.root, t.backupDir] : [t.root], syncfs);
    for (const { tmp, host } of staged) {
      renameSync(tmp, host);
      renamed++;
    }
    syncfs(t.root);
    report.files = files.length;
    t.store.record({
      pkg: {
        name, version: deb.record.version, architecture: deb.record.architecture, auto: meta.auto, control: deb.controlText,
        sha256: meta.sha256, repository: meta.repository, installedAt: Date.now(), callId: t.callId, scriptsSkipped: report.scriptsSkipped,
      },
      files,
      dirs,
      accounts: accounts.map((a): Omit<AccountRow, "package"> => ({ kind: a.kind, name: a.name, id: a.id, created: a.created, line: a.line })),
    });
    return report;
  } catch (err) {
    // Take back what this package wrote; the error is what the caller sees.
    try {
      for (const { tmp } of staged.slice(renamed)) rmSync(tmp, { force: true });
      const inPlace = new Set(staged.slice(0, renamed).map((x) => x.host));
      const kept = new Set(report.conffilesKept);
      // Files staged and not renamed never replaced anything: their originals are untouched, their backups dropped.
      const putDown = files.filter((f) => !kept.has(f.path) && inPlace.has(hostOf(t.root, f.path)));
      for (const f of files) {
        const r = f.replaced as Replaced | null;
        if (!inPlace.has(hostOf(t.root, f.path)) && r?.type === "file") rmSync(r.backup, { force: true });
      }
      removeRecorded(putDown, dirs.filter((d) => d.created), accounts.filter((a) => a.created), { root: t.root, purge: true, lenientOwners: true });
    } catch {
      // the original error matters more than a failed cleanup
    }
    throw err;
  }
}
