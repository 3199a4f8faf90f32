/**
 * The installed-packages store (working tier, /var/lib/aios/memory/working.db,
 * component "packages"): each installed package with its control data, every
 * file it put down (digest, mode, owner, what it replaced), the directories
 * and system accounts it made or shares. pkg.remove reads it to take away
 * exactly what was installed, no more.
 *
 * Directories and accounts are claims: several packages may need /var/www or
 * the www-data user, and `created` marks the claim whose package made it.
 * When that package goes while others still claim it, the mark moves to one
 * of them, so the last claimant's removal takes it away.
 */
import { applyMigrations, type Db, type Migration, openDatabase, type Statement } from "../../memory";
import packages from "./migrations/001_packages.sql" with { type: "text" };

const PACKAGES_MIGRATIONS: readonly Migration[] = [{ version: 1, name: "packages", sql: packages }];

export interface InstalledPackageRow {
  name: string;
  version: string;
  architecture: string;
  auto: boolean;
  /** The control stanza from the .deb. */
  control: string;
  /** Of the .deb, kept in the package cache. */
  sha256: string;
  repository: string;
  installedAt: number;
  callId: string | null;
  scriptsSkipped: string[];
}

export type InstalledFileType = "file" | "symlink" | "hardlink";

export interface InstalledFileRow {
  path: string;
  package: string;
  type: InstalledFileType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  sha256: string | null;
  target: string | null;
  conffile: boolean;
  /** What was at the path before (JSON-able), put back when the package goes. */
  replaced: unknown;
}

export interface InstalledDirRow {
  package: string;
  path: string;
  mode: number;
  created: boolean;
  state: boolean;
}

export type AccountKind = "user" | "group";

export interface AccountRow {
  kind: AccountKind;
  name: string;
  id: number;
  package: string;
  created: boolean;
  /** The passwd or group line that was written. */
  line: string;
}

interface RawPackage {
  name: string; version: string; architecture: string; auto: number; control: string; sha256: string;
  repository: string; installed_at: number; call_id: string | null; scripts_skipped: string;
}
interface RawFile {
  path: string; package: string; type: InstalledFileType; mode: number; uid: number; gid: number; size: number;
  sha256: string | null; target: string | null; conffile: number; replaced: string | null;
}
interface RawDir { package: string; path: string; mode: number; created: number; state: number }
interface RawAccount { kind: AccountKind; name: string; id: number; package: string; created: number; line: string }

const pkgRow = (r: RawPackage): InstalledPackageRow => ({
  name: r.name, version: r.version, architecture: r.architecture, auto: r.auto === 1, control: r.control, sha256: r.sha256,
  repository: r.repository, installedAt: r.installed_at, callId: r.call_id, scriptsSkipped: JSON.parse(r.scripts_skipped) as string[],
});
const fileRow = (r: RawFile): InstalledFileRow => ({
  path: r.path, package: r.package, type: r.type, mode: r.mode, uid: r.uid, gid: r.gid, size: r.size, sha256: r.sha256,
  target: r.target, conffile: r.conffile === 1, replaced: r.replaced === null ? null : JSON.parse(r.replaced),
});
const dirRow = (r: RawDir): InstalledDirRow => ({ package: r.package, path: r.path, mode: r.mode, created: r.created === 1, state: r.state === 1 });
const accountRow = (r: RawAccount): AccountRow => ({ kind: r.kind, name: r.name, id: r.id, package: r.package, created: r.created === 1, line: r.line });

export interface PackageRecordInput {
  pkg: InstalledPackageRow;
  files: Array<Omit<InstalledFileRow, "package">>;
  dirs: Array<Omit<InstalledDirRow, "package">>;
  accounts: Array<Omit<AccountRow, "package">>;
}

export class PackageStore {
  readonly db: Db;
  private readonly ownsDb: boolean;
  private readonly s: Record<string, Statement>;

  constructor(db: Db, ownsDb = false) {
    this.db = db;
    this.ownsDb = ownsDb;
    applyMigrations(db, "packages", PACKAGES_MIGRATIONS);
    const q = (sql: string) => db.query(sql);
    this.s = {
      list: q("SELECT * FROM pkg_installed ORDER BY name"),
      get: q("SELECT * FROM pkg_installed WHERE name = ?"),
      files: q("SELECT * FROM pkg_files WHERE package = ? ORDER BY path"),
      file: q("SELECT * FROM pkg_files WHERE path = ?"),
      fileCount: q("SELECT count(*) AS n FROM pkg_files WHERE package = ?"),
      dirs: q("SELECT * FROM pkg_dirs WHERE package = ? ORDER BY path"),
      dirClaims: q("SELECT * FROM pkg_dirs WHERE path = ? ORDER BY package"),
      accounts: q("SELECT * FROM pkg_accounts WHERE package = ? ORDER BY kind, name"),
      accountClaims: q("SELECT * FROM pkg_accounts WHERE kind = ? AND name = ? ORDER BY package"),
      insPkg: q(`INSERT INTO pkg_installed (name, version, architecture, auto, control, sha256, repository, installed_at, call_id, scripts_skipped)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      insFile: q(`INSERT INTO pkg_files (path, package, type, mode, uid, gid, size, sha256, target, conffile, replaced)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      insDir: q("INSERT OR REPLACE INTO pkg_dirs (package, path, mode, created, state) VALUES (?, ?, ?, ?, ?)"),
      insAccount: q("INSERT OR REPLACE INTO pkg_accounts (kind, name, id, package, created, line) VALUES (?, ?, ?, ?, ?, ?)"),
      setAuto: q("UPDATE pkg_installed SET auto = ? WHERE name = ?"),
      moveDir: q("UPDATE pkg_dirs SET created = 1, state = ? WHERE package = ? AND path = ?"),
      moveAccount: q("UPDATE pkg_accounts SET created = 1, line = ? WHERE kind = ? AND name = ? AND package = ?"),
      del: q("DELETE FROM pkg_installed WHERE name = ?"),
    };
  }

  static open(path: string): PackageStore {
    return new PackageStore(openDatabase(path), true);
  }

  close(): void {
    if (this.ownsDb) this.db.close();
  }

  list(): InstalledPackageRow[] {
    return (this.s.list!.all() as RawPackage[]).map(pkgRow);
  }

  get(name: string): InstalledPackageRow | null {
    const r = this.s.get!.get(name) as RawPackage | null;
    return r ? pkgRow(r) : null;
  }

  files(name: string): InstalledFileRow[] {
    return (this.s.files!.all(name) as RawFile[]).map(fileRow);
  }

  fileCount(name: string): number {
    return (this.s.fileCount!.get(name) as { n: number }).n;
  }

  /** The installed file at a path, whichever package owns it. */
  owner(path: string): InstalledFileRow | null {
    const r = this.s.file!.get(path) as RawFile | null;
    return r ? fileRow(r) : null;
  }

  dirs(name: string): InstalledDirRow[] {
    return (this.s.dirs!.all(name) as RawDir[]).map(dirRow);
  }

  dirClaims(path: string): InstalledDirRow[] {
    return (this.s.dirClaims!.all(path) as RawDir[]).map(dirRow);
  }

  accounts(name: string): AccountRow[] {
    return (this.s.accounts!.all(name) as RawAccount[]).map(accountRow);
  }

  accountClaims(kind: AccountKind, name: string): AccountRow[] {
    return (this.s.accountClaims!.all(kind, name) as RawAccount[]).map(accountRow);
  }

  /** Records one installed package and all it put down, in one transaction. */
  record(input: PackageRecordInput): void {
    const { pkg } = input;
    this.db.transaction(() => {
      this.s.insPkg!.run(pkg.name, pkg.version, pkg.architecture, pkg.auto ? 1 : 0, pkg.control, pkg.sha256, pkg.repository, pkg.installedAt, pkg.callId, JSON.stringify(pkg.scriptsSkipped));
      for (const f of input.files) {
        this.s.insFile!.run(f.path, pkg.name, f.type, f.mode, f.uid, f.gid, f.size, f.sha256, f.target, f.conffile ? 1 : 0, f.replaced === null || f.replaced === undefined ? null : JSON.stringify(f.replaced));
      }
      for (const d of input.dirs) this.s.insDir!.run(pkg.name, d.path, d.mode, d.created ? 1 : 0, d.state ? 1 : 0);
      for (const a of input.accounts) this.s.insAccount!.run(a.kind, a.name, a.id, pkg.name, a.created ? 1 : 0, a.line);
    })();
  }

  setAuto(name: string, auto: boolean): void {
    this.s.setAuto!.run(auto ? 1 : 0, name);
  }

  /**
   * What removing `name` must take off the system besides its files: the
   * directories and accounts it made that no other installed package claims.
   */
  releases(name: string): { dirs: InstalledDirRow[]; accounts: AccountRow[] } {
    return {
      dirs: this.dirs(name).filter((d) => d.created && this.dirClaims(d.path).every((c) => c.package === name)),
      accounts: this.accounts(name).filter((a) => a.created && this.accountClaims(a.kind, a.name).every((c) => c.package === name)),
    };
  }

  /** Forgets an installed package; what it made and others still claim passes to one of them. */
  forget(name: string): void {
    this.db.transaction(() => {
      for (const d of this.dirs(name)) {
        if (!d.created) continue;
        const heir = this.dirClaims(d.path).find((c) => c.package !== name);
        if (heir) this.s.moveDir!.run(d.state || heir.state ? 1 : 0, heir.package, d.path);
      }
      for (const a of this.accounts(name)) {
        if (!a.created) continue;
        const heir = this.accountClaims(a.kind, a.name).find((c) => c.package !== name);
        if (heir) this.s.moveAccount!.run(a.line, a.kind, a.name, heir.package);
      }
      this.s.del!.run(name);
    })();
  }
}
