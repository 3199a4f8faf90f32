/**
 * The steps of one package's unpack, in the order installer.ts's unpack()
 * lists them. They share what was made, staged, copied aside and renamed so
 * far, so that state is this class's, and takeBack() after a failure sees
 * exactly how far the steps got.
 */
import { chmodSync, copyFileSync, existsSync, lchownSync, linkSync, mkdirSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { AccountRow, InstalledDirRow, InstalledFileRow, PackageStore } from "./store";
import { syncFilesystem } from "../../sys";
import { type Account, AccountDb } from "./accounts";
import type { Deb } from "./deb";
import { PkgFileConflictError } from "./errors";
import { canonical, hostOf, lstatOrNull, parentOf } from "./paths";
import { type Replaced, removeRecorded, sha256File } from "./remover";
import { type AccountNeed, type OwnerChange, type ScriptNeeds, scanScripts, stateNames } from "./scripts";
import type { TarEntry } from "./tar";

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

type FileRow = Omit<InstalledFileRow, "package">;

export const guestOf = (entryPath: string) => `/${entryPath}`;

const SERVICE_FILE = [/^\/(usr\/)?lib\/systemd\/system\/[^/]+\.(service|socket|timer)$/, /^\/etc\/init\.d\/[^/]+$/];

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

export class Unpacking {
  readonly report: UnpackedPackage;
  private readonly name: string;
  private readonly files: FileRow[] = [];
  private readonly dirs: Array<Omit<InstalledDirRow, "package">> = [];
  private readonly accounts: Account[] = [];
  private readonly db: AccountDb;
  private readonly conffiles: Set<string>;
  private readonly uids = new Map<string, number | null>();
  private readonly gids = new Map<string, number | null>();
  /** What each path of the package was recorded as so far (hard links and chowns look them up). */
  private readonly written = new Map<string, FileRow>();
  /** Renames the second phase makes, in order: a staged `.aios-new` over its final name. */
  private readonly staged: Array<{ tmp: string; host: string }> = [];
  /** Where each staged path's content is until it is renamed (a hard link's target, a chown). */
  private readonly stagedAt = new Map<string, string>();
  private readonly backups: string[] = [];
  private renamed = 0;

  constructor(
    private readonly deb: Deb,
    private readonly meta: PackageMeta,
    private readonly t: UnpackTarget,
  ) {
    this.name = deb.record.name;
    this.report = {
      name: this.name, version: deb.record.version, auto: meta.auto, files: 0, bytes: 0,
      scriptsSkipped: [...deb.scripts.keys()], controlIgnored: deb.ignored,
      directoriesCreated: [], stateDirectories: [], usersCreated: [], groupsCreated: [], replaced: [], conffilesKept: [], entriesSkipped: [], serviceFiles: [],
    };
    this.db = new AccountDb(t.root);
    this.conffiles = new Set(deb.conffiles.map((p) => canonical(t.root, p)));
  }

  /** What the skipped maintainer scripts would have made: accounts, state directories, owner changes. */
  readScripts(): ScriptNeeds {
    return scanScripts(this.deb.scripts, stateNames(this.name, this.deb.record.source));
  }

  /** The accounts the scripts make and the archive's owners name, made if missing. */
  makeAccounts(needs: ScriptNeeds): void {
    const tarNeeds: AccountNeed[] = [];
    for (const e of this.deb.entries) {
      if (e.uname && e.uname !== "root" && !tarNeeds.some((n) => n.kind === "user" && n.name === e.uname)) tarNeeds.push({ kind: "user", name: e.uname, why: `owns /${e.path}` });
      if (e.gname && e.gname !== "root" && !tarNeeds.some((n) => n.kind === "group" && n.name === e.gname)) tarNeeds.push({ kind: "group", name: e.gname, why: `owns /${e.path}` });
    }
    const merged = [...needs.accounts];
    for (const n of tarNeeds) if (!merged.some((m) => m.kind === n.kind && m.name === n.name)) merged.push(n);
    for (const a of this.db.ensure(merged)) {
      this.accounts.push(a);
      if (a.created) (a.kind === "user" ? this.report.usersCreated : this.report.groupsCreated).push(a.name);
    }
  }

  /** Directories made; files, links and hard links staged beside their final names; what they replace copied aside. */
  stageEntries(): void {
    for (const e of this.deb.entries) {
      if (e.path === "") continue;
      if (e.type === "dir") this.makeShippedDir(e);
      else if (e.type === "symlink") this.stageSymlink(e);
      else if (e.type === "hardlink") this.stageHardlink(e);
      else if (e.type === "file") this.stageFile(e);
      else this.report.entriesSkipped.push(`${guestOf(e.path)} (${e.type})`);
    }
  }

  /** State directories the scripts would have made, unless the package ships them or they are there. */
  makeStateDirs(stateDirs: readonly string[]): void {
    for (const d of stateDirs) {
      const canon = canonical(this.t.root, d, true);
      const shipped = this.dirs.find((x) => x.path === canon);
      if (shipped) {
        shipped.state = shipped.created;
        continue;
      }
      if (existsSync(hostOf(this.t.root, canon))) continue;
      this.mkdirs(canon, 0o755, true);
      this.report.stateDirectories.push(canon);
    }
  }

  /** The scripts' chown lines, on the package's own paths only (staged content where it is staged). */
  applyChowns(chowns: readonly OwnerChange[]): void {
    for (const c of chowns) {
      const canon = canonical(this.t.root, c.path, true);
      const file = this.written.get(canon);
      if (!file && !this.dirs.some((d) => d.path === canon)) continue;
      const host = this.stagedAt.get(canon) ?? hostOf(this.t.root, canon);
      const st = lstatOrNull(host);
      if (!st) continue;
      const uid = c.user ? (this.db.uid(c.user) ?? st.uid) : st.uid;
      const gid = c.group ? (this.db.gid(c.group) ?? st.gid) : st.gid;
      this.chown(host, uid, gid);
      if (st.isFile() || st.isDirectory()) chmodSync(host, st.mode & 0o7777); // chown clears setuid bits
      if (file) {
        file.uid = uid;
        file.gid = gid;
      }
    }
  }

  /** One syncfs per filesystem written: the staged files and the copies aside are on disk before anything is renamed. */
  syncStaged(): void {
    syncAll(this.backups.length ? [this.t.root, this.t.backupDir] : [this.t.root], this.syncfs);
  }

  renameStaged(): void {
    for (const { tmp, host } of this.staged) {
      renameSync(tmp, host);
      this.renamed++;
    }
  }

  /** The renames on disk, before the package is recorded as installed. */
  syncRenames(): void {
    this.syncfs(this.t.root);
  }

  record(): void {
    const { deb, meta, t } = this;
    this.report.files = this.files.length;
    t.store.record({
      pkg: {
        name: this.name, version: deb.record.version, architecture: deb.record.architecture, auto: meta.auto, control: deb.controlText,
        sha256: meta.sha256, repository: meta.repository, installedAt: Date.now(), callId: t.callId, scriptsSkipped: this.report.scriptsSkipped,
      },
      files: this.files,
      dirs: this.dirs,
      accounts: this.accounts.map((a): Omit<AccountRow, "package"> => ({ kind: a.kind, name: a.name, id: a.id, created: a.created, line: a.line })),
    });
  }

  /** After a failure: what this package wrote so far taken away again (a failed cleanup is swallowed: the caller sees the first error). */
  takeBack(): void {
    try {
      const { staged, renamed, files, dirs, accounts, t } = this;
      for (const { tmp } of staged.slice(renamed)) rmSync(tmp, { force: true });
      const inPlace = new Set(staged.slice(0, renamed).map((x) => x.host));
      const kept = new Set(this.report.conffilesKept);
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
  }

  private get syncfs(): (path: string) => void {
    return this.t.syncfs ?? syncFilesystem;
  }

  private makeShippedDir(e: TarEntry): void {
    const [uid, gid] = this.owner(e);
    const canon = canonical(this.t.root, guestOf(e.path), true);
    const host = hostOf(this.t.root, canon);
    if (existsSync(host)) {
      if (!this.dirs.some((d) => d.path === canon)) this.dirs.push({ path: canon, mode: e.mode, created: false, state: false });
      return;
    }
    this.mkdirs(canon, e.mode, false);
    this.chown(host, uid, gid);
    chmodSync(host, e.mode);
  }

  /** The final path of a non-directory entry, its parents made. */
  private placeOf(e: TarEntry): { canon: string; host: string } {
    const canon = canonical(this.t.root, guestOf(e.path));
    this.mkdirs(parentOf(canon), 0o755, false);
    return { canon, host: hostOf(this.t.root, canon) };
  }

  private stageSymlink(e: TarEntry): void {
    const [uid, gid] = this.owner(e);
    const { canon, host } = this.placeOf(e);
    const replaced = this.backup(host, canon);
    this.stage(canon, host, (tmp) => {
      symlinkSync(e.linkname, tmp);
      this.chown(tmp, uid, gid);
    });
    this.put({ path: canon, type: "symlink", mode: 0o777, uid, gid, size: 0, sha256: null, target: e.linkname, conffile: false, replaced });
  }

  private stageHardlink(e: TarEntry): void {
    const { canon, host } = this.placeOf(e);
    const target = canonical(this.t.root, guestOf(e.linkname));
    const src = this.written.get(target);
    if (!src) throw new PkgFileConflictError(this.name, guestOf(e.path), `hard link to ${target}, which the package does not ship before it`);
    const replaced = this.backup(host, canon);
    this.stage(canon, host, (tmp) => linkSync(this.stagedAt.get(target) ?? hostOf(this.t.root, target), tmp));
    this.put({ ...src, path: canon, type: "hardlink", target, conffile: this.conffiles.has(canon), replaced });
    this.report.bytes += src.size;
  }

  private stageFile(e: TarEntry): void {
    const [uid, gid] = this.owner(e);
    const { canon, host } = this.placeOf(e);
    const isConf = this.conffiles.has(canon);
    const sha = new Bun.CryptoHasher("sha256").update(e.data).digest("hex");
    const st = lstatOrNull(host);
    if (isConf && st?.isFile() && sha256File(host) !== sha) {
      // The admin's conffile stays; recorded with the package's digest, so remove sees it as changed and keeps it.
      this.report.conffilesKept.push(canon);
      this.put({ path: canon, type: "file", mode: e.mode, uid, gid, size: e.data.length, sha256: sha, target: null, conffile: true, replaced: null });
      return;
    }
    const replaced = isConf && st?.isFile() ? null : this.backup(host, canon);
    this.stage(canon, host, (tmp) => {
      writeFileSync(tmp, e.data, { flag: "wx" });
      this.chown(tmp, uid, gid);
      chmodSync(tmp, e.mode);
      utimesSync(tmp, e.mtime, e.mtime);
    });
    this.put({ path: canon, type: "file", mode: e.mode, uid, gid, size: e.data.length, sha256: sha, target: null, conffile: isConf, replaced });
    this.report.bytes += e.data.length;
    if (SERVICE_FILE.some((re) => re.test(canon))) this.report.serviceFiles.push(canon);
  }

  private put(f: FileRow): void {
    this.files.push(f);
    this.written.set(f.path, f);
  }

  /** Writes `make`'s result beside its final name, to be renamed over it in the second phase. */
  private stage(canon: string, host: string, make: (tmp: string) => void): void {
    const tmp = `${host}.aios-new`;
    rmSync(tmp, { force: true }); // left by an earlier unpack that a crash cut off
    this.staged.push({ tmp, host });
    this.stagedAt.set(canon, tmp);
    make(tmp);
  }

  /** What is at a path now, copied aside (not removed: the staged file's rename replaces it). */
  private backup(host: string, canon: string): Replaced | null {
    const st = lstatOrNull(host);
    if (!st) return null;
    let r: Replaced;
    if (st.isSymbolicLink()) {
      r = { type: "symlink", target: readlinkSync(host) };
    } else {
      const id = new Bun.CryptoHasher("sha256").update(`${this.name}\0${canon}`).digest("hex");
      mkdirSync(this.t.backupDir, { recursive: true });
      const dest = join(this.t.backupDir, id);
      copyFileSync(host, dest);
      this.backups.push(dest);
      r = { type: "file", backup: dest, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
    }
    this.report.replaced.push(canon);
    return r;
  }

  /** Each missing directory down to `canon`, recorded as made by this package. */
  private mkdirs(canon: string, mode: number, state: boolean): void {
    const missing: string[] = [];
    for (let p = canon; p !== "/" && !existsSync(hostOf(this.t.root, p)); p = parentOf(p)) missing.unshift(p);
    for (const p of missing) {
      mkdirSync(hostOf(this.t.root, p));
      const m = p === canon ? mode : 0o755;
      chmodSync(hostOf(this.t.root, p), m);
      this.dirs.push({ path: p, mode: m, created: true, state: state && p === canon });
      this.report.directoriesCreated.push(p);
    }
  }

  /** An entry's owner: its names looked up in the target's accounts (once each), else its numeric ids. */
  private owner(e: TarEntry): [number, number] {
    const { uname, gname } = e;
    if (uname && !this.uids.has(uname)) this.uids.set(uname, this.db.uid(uname));
    if (gname && !this.gids.has(gname)) this.gids.set(gname, this.db.gid(gname));
    return [(uname ? this.uids.get(uname) : null) ?? e.uid, (gname ? this.gids.get(gname) : null) ?? e.gid];
  }

  private chown(host: string, uid: number, gid: number): void {
    try {
      lchownSync(host, uid, gid);
    } catch (err) {
      if (!this.t.lenientOwners) throw err;
    }
  }
}
