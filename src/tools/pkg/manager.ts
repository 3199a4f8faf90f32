/**
 * The package manager the pkg.* tools share (ToolHost.pkg): repositories,
 * the base image's package list, the installed-packages store, and the
 * operations on them. Changes run one at a time.
 *
 * Install: resolve → download and verify every .deb → read them all → check
 * file conflicts → only then write, package by package in dependency order.
 * A refusal at any step before writing leaves the system untouched; a failure
 * while writing takes back what the call wrote.
 */
import { existsSync, lstatSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { formatRelation, formatRelations, type PackageRecord, parseStanzas, toRecord } from "./control";
import { type Deb, readDeb } from "./deb";
import { PkgFormatError, PkgNotFoundError, PkgRepoError } from "./errors";
import { checkFiles, type UnpackedPackage, unpack } from "./installer";
import { hostOf } from "./paths";
import { type IndexedRecord, type IndexInfo, RepoClient } from "./repo";
import { purgedConffiles, type RemovedPackage, removeInstalled } from "./remover";
import { writeFileDurable } from "../../sys";
import type { InstalledPackageRow, PackageStore } from "./store";
import { type InstallResult, type InstallUndo, type PkgSettings, type RemoveResult, type RemoveUndo, SCRIPTS_NOTE, type Target } from "./types";
import { dependencyOrder, parseRequest, type Present, resolveInstall, resolveRemove } from "./resolver";
import { PackageSet } from "./pkgset";

export type { InstallResult, InstallUndo, PkgSettings, PlannedPackage, RemoveResult, RemoveUndo, Target } from "./types";
export { SCRIPTS_NOTE } from "./types";

/** A dangling symlink (nginx-common ships one) exists even though existsSync says no. */
function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function recordOfInstalled(row: InstalledPackageRow): PackageRecord {
  const st = parseStanzas(row.control)[0];
  if (!st) throw new PkgFormatError(row.name, "installed control data is empty");
  return toRecord(st);
}

/** Reads the base image's package list (deb822, see build/provided.ts). */
export function readProvided(path: string): PackageRecord[] {
  return parseStanzas(readFileSync(path, "utf8")).map(toRecord);
}

export class PkgManager {
  readonly store: PackageStore;
  private settings: PkgSettings;
  private client: RepoClient;
  private baseCache: PackageRecord[] | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  /** Settles once the packages recorded as installed are back on disk (boot runs restore in the background). */
  restored: Promise<void> = Promise.resolve();

  constructor(store: PackageStore, settings: PkgSettings) {
    this.store = store;
    this.settings = settings;
    this.client = this.makeClient();
  }

  private makeClient(): RepoClient {
    const s = this.settings;
    return new RepoClient({ repositories: s.repositories, architecture: s.architecture, cacheDir: s.cacheDir, timeoutMs: s.timeoutMs, hostPath: s.hostPath, prepare: s.prepare });
  }

  /** Changes settings (boot applies config.toml's [pkg]; tests point at their own repository). */
  configure(changes: Partial<PkgSettings>): void {
    this.settings = { ...this.settings, ...changes };
    this.client = this.makeClient();
    this.baseCache = null;
  }

  get config(): Readonly<PkgSettings> {
    return this.settings;
  }

  get repo(): RepoClient {
    return this.client;
  }

  /** One change at a time: two installs interleaving their checks and writes would defeat both. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => {});
    return run;
  }

  base(): PackageRecord[] {
    if (this.baseCache) return this.baseCache;
    const p = this.settings.provided;
    this.baseCache = p === null ? [] : typeof p === "string" ? (existsSync(p) ? readProvided(p) : []) : p;
    return this.baseCache;
  }

  present(): Map<string, Present> {
    const m = new Map<string, Present>();
    for (const r of this.base()) m.set(r.name, { record: r, origin: "base" });
    for (const row of this.store.list()) m.set(row.name, { record: recordOfInstalled(row), origin: "installed", auto: row.auto });
    return m;
  }

  async update(signal?: AbortSignal): Promise<IndexInfo[]> {
    return this.exclusive(() => this.client.update(signal));
  }

  /** The repositories' index; an unreachable repository yields an empty one and the reason. */
  private async indexOrEmpty(signal?: AbortSignal): Promise<{ index: PackageSet; error?: string }> {
    try {
      return { index: await this.client.load(signal) };
    } catch (err) {
      if (err instanceof PkgRepoError) return { index: new PackageSet(), error: err.message };
      throw err;
    }
  }

  async search(query: string, limit: number, signal?: AbortSignal) {
    const index = await this.client.load(signal);
    const q = query.toLowerCase();
    const present = this.present();
    const rank = (r: PackageRecord) => (r.name === q ? 0 : r.name.startsWith(q) ? 1 : r.name.includes(q) ? 2 : 3);
    const hits: PackageRecord[] = [];
    const seen = new Set<string>();
    for (const r of [...index.latest(), ...[...present.values()].map((p) => p.record)]) {
      if (seen.has(r.name)) continue;
      if (r.name.includes(q) || r.summary.toLowerCase().includes(q)) {
        seen.add(r.name);
        hits.push(r);
      }
    }
    hits.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
    return {
      total: hits.length,
      results: hits.slice(0, limit).map((r) => {
        const p = present.get(r.name);
        const latest = index.get(r.name);
        return {
          name: r.name,
          version: latest?.version ?? r.version,
          summary: r.summary,
          installed: p?.origin === "installed" ? p.record.version : null,
          provided: p?.origin === "base",
        };
      }),
    };
  }

  async info(name: string, signal?: AbortSignal) {
    const { index, error } = await this.indexOrEmpty(signal);
    const present = this.present().get(name);
    const avail = index.get(name) as IndexedRecord | undefined;
    if (!avail && !present) {
      const providers = [...new Set([...index.providers(name), ...this.base().filter((b) => b.provides.some((p) => p.name === name))].map((p) => p.name))].sort();
      // Not installed and unknown to every repository (or none could be read) is an answer, not a failure:
      // "is docker installed?" must get "docker is not installed; no repository has it".
      return { name, virtual: providers.length > 0, providers, available: null, installed: null, provided: null, repositoryError: error ?? null };
    }
    const st = avail ? this.client.stanza(avail) : null;
    const row = present?.origin === "installed" ? this.store.get(name) : null;
    const files = row ? this.store.files(name) : [];
    const FILES_SHOWN = 2000;
    return {
      name,
      virtual: false,
      providers: [] as string[],
      available: avail
        ? {
            version: avail.version,
            versions: index.versions(name).map((r) => r.version),
            architecture: avail.architecture,
            section: avail.section,
            priority: avail.priority,
            summary: avail.summary,
            description: st?.get("description") ?? avail.summary,
            depends: formatRelations(avail.depends),
            preDepends: formatRelations(avail.preDepends),
            provides: avail.provides.map(formatRelation).join(", "),
            conflicts: avail.conflicts.map(formatRelation).join(", "),
            breaks: avail.breaks.map(formatRelation).join(", "),
            size: avail.size,
            installedSize: avail.installedSize,
            filename: avail.filename,
            sha256: avail.sha256,
            repository: avail.repository,
          }
        : null,
      installed: row
        ? {
            version: row.version,
            auto: row.auto,
            installedAt: new Date(row.installedAt).toISOString(),
            callId: row.callId,
            scriptsSkipped: row.scriptsSkipped,
            filesTotal: files.length,
            files: files.slice(0, FILES_SHOWN).map((f) => ({
              path: f.path, type: f.type, mode: `0${(f.mode & 0o7777).toString(8).padStart(3, "0")}`, size: f.size,
              sha256: f.sha256, target: f.target, conffile: f.conffile, replaced: f.replaced !== null,
            })),
            directories: this.store.dirs(name).map((d) => ({ path: d.path, created: d.created })),
            accounts: this.store.accounts(name).map((a) => ({ kind: a.kind, name: a.name, id: a.id, created: a.created })),
          }
        : null,
      provided: present?.origin === "base" ? { version: present.record.version } : null,
      repositoryError: error ?? null,
    };
  }

  list() {
    return {
      packages: this.store.list().map((r) => ({ name: r.name, version: r.version, auto: r.auto, installedAt: new Date(r.installedAt).toISOString(), files: this.store.fileCount(r.name) })),
      provided: this.base().map((r) => ({ name: r.name, version: r.version })),
    };
  }

  async install(specs: readonly string[], t: Target, opts: { dryRun?: boolean; saveUndo?(u: InstallUndo): void } = {}): Promise<InstallResult> {
    return this.exclusive(async () => {
      const index = await this.client.load(t.signal);
      const plan = resolveInstall(specs.map(parseRequest), { available: index, present: this.present(), architecture: this.settings.architecture });
      const result: InstallResult = {
        dryRun: Boolean(opts.dryRun),
        installed: plan.install.map((p) => ({ name: p.record.name, version: p.record.version, auto: p.auto, reason: p.reason, size: p.record.size })),
        alreadyInstalled: plan.already,
        downloadedBytes: 0, scriptsSkipped: [], note: SCRIPTS_NOTE, usersCreated: [], groupsCreated: [], stateDirectories: [],
        replaced: [], conffilesKept: [], serviceFiles: [], entriesSkipped: [],
      };
      if (opts.dryRun || plan.install.length === 0) return result;

      // Everything is fetched, verified and read before the first write.
      const debs: Array<{ deb: Deb; record: IndexedRecord; auto: boolean }> = [];
      for (const p of plan.install) {
        const record = p.record as IndexedRecord;
        const got = await this.client.fetchDeb(record, t.signal);
        if (got.downloaded) result.downloadedBytes += got.bytes;
        const deb = await readDeb(new Uint8Array(readFileSync(got.path)), `${record.name}_${record.version}.deb`, t.signal);
        if (deb.record.name !== record.name || deb.record.version !== record.version) {
          throw new PkgFormatError(`${record.name} ${record.version}`, `the .deb says it is ${deb.record.name} ${deb.record.version}; refused, nothing was installed`);
        }
        debs.push({ deb, record, auto: p.auto });
      }
      checkFiles(debs.map((d) => d.deb), t.root, this.store);
      t.signal?.throwIfAborted();
      opts.saveUndo?.({ packages: debs.map((d) => ({ name: d.record.name, version: d.record.version, sha256: d.record.sha256 })) });

      const done = this.unpackAll(debs.map((d) => ({ deb: d.deb, meta: { sha256: d.record.sha256, repository: d.record.repository, auto: d.auto } })), t);
      for (const u of done) {
        const entry = result.installed.find((x) => x.name === u.name)!;
        Object.assign(entry, { files: u.files, bytes: u.bytes, scriptsSkipped: u.scriptsSkipped });
        if (u.scriptsSkipped.length || u.controlIgnored.length) result.scriptsSkipped.push({ package: u.name, scripts: [...u.scriptsSkipped, ...u.controlIgnored] });
        result.usersCreated.push(...u.usersCreated);
        result.groupsCreated.push(...u.groupsCreated);
        result.stateDirectories.push(...u.stateDirectories);
        result.replaced.push(...u.replaced);
        result.conffilesKept.push(...u.conffilesKept);
        result.serviceFiles.push(...u.serviceFiles);
        result.entriesSkipped.push(...u.entriesSkipped);
      }
      return result;
    });
  }

  /** Unpacks in order; when one fails, those this call already installed are removed again. */
  private unpackAll(items: Array<{ deb: Deb; meta: { sha256: string; repository: string; auto: boolean } }>, t: Target): UnpackedPackage[] {
    const done: UnpackedPackage[] = [];
    const target = { root: t.root, store: this.store, backupDir: join(this.settings.cacheDir, "replaced"), callId: t.callId, lenientOwners: t.lenientOwners };
    for (const item of items) {
      try {
        t.signal?.throwIfAborted();
        done.push(unpack(item.deb, item.meta, target));
      } catch (err) {
        for (const u of [...done].reverse()) {
          try {
            removeInstalled(this.store, u.name, { root: t.root, purge: true, lenientOwners: true });
          } catch {
            // keep going: the first error is the one to report
          }
        }
        const msg = err instanceof Error ? err.message : String(err);
        throw new PkgFormatError(`${item.deb.record.name} ${item.deb.record.version}`, `unpacking failed: ${msg}${done.length ? `; the ${done.length} package(s) installed before it by this call were removed again` : ""}`, { cause: err });
      }
    }
    return done;
  }

  async remove(
    names: readonly string[],
    t: Target,
    opts: { purge?: boolean; cascade?: boolean; autoremove?: boolean; dryRun?: boolean; saveUndo?(u: RemoveUndo): void } = {},
  ): Promise<RemoveResult> {
    return this.exclusive(async () => this.removeNow(names, t, opts));
  }

  private removeNow(
    names: readonly string[],
    t: Target,
    opts: { purge?: boolean; cascade?: boolean; autoremove?: boolean; dryRun?: boolean; saveUndo?(u: RemoveUndo): void },
  ): RemoveResult {
    const plan = resolveRemove(names.map((n) => n.toLowerCase()), this.present(), { cascade: Boolean(opts.cascade), autoremove: opts.autoremove ?? true });
    const result: RemoveResult = {
      dryRun: Boolean(opts.dryRun),
      removed: plan.remove.map((p) => ({ name: p.record.name, version: p.record.version, reason: p.reason })),
      conffilesKept: [], conffilesPurged: [], leftBehind: [], restored: [], directoriesRemoved: 0, usersRemoved: [], groupsRemoved: [], runtimeRemoved: [],
    };
    if (opts.dryRun) return result;
    const undo: RemoveUndo = {
      packages: plan.remove.map((p) => {
        const row = this.store.get(p.record.name)!;
        return { name: row.name, version: row.version, sha256: row.sha256, repository: row.repository, auto: row.auto };
      }),
      // What a purge will delete is kept before it is deleted (the undo record is on disk before the change).
      conffiles: opts.purge ? plan.remove.flatMap((p) => purgedConffiles(this.store.files(p.record.name), t.root)) : [],
    };
    opts.saveUndo?.(undo);
    const removal = { root: t.root, purge: Boolean(opts.purge), lenientOwners: t.lenientOwners };
    for (const p of plan.remove) {
      const r: RemovedPackage = removeInstalled(this.store, p.record.name, removal);
      result.removed.find((x) => x.name === r.name)!.files = r.files;
      result.conffilesKept.push(...r.conffilesKept);
      result.conffilesPurged.push(...r.conffilesPurged.map((c) => c.path));
      result.leftBehind.push(...r.leftBehind);
      result.restored.push(...r.restored);
      result.directoriesRemoved += r.directoriesRemoved.length;
      result.usersRemoved.push(...r.usersRemoved);
      result.groupsRemoved.push(...r.groupsRemoved);
      result.runtimeRemoved.push(...r.runtimeRemoved);
    }
    return result;
  }

  /**
   * Puts back installed packages whose files are missing, from the cached
   * .debs. In the VM "/" is the initramfs, in RAM, while this store and the
   * cache live on the data disk: after a reboot every installed package is
   * recorded but gone, and boot runs this before services start. A package
   * whose files are all present is left alone.
   */
  async restore(t: Target): Promise<{ restored: string[]; failed: Array<{ name: string; error: string }> }> {
    return this.exclusive(async () => {
      const rows = new Map(this.store.list().map((r) => [r.name, r]));
      const records = new Map([...rows.values()].map((r) => [r.name, recordOfInstalled(r)]));
      const restored: string[] = [];
      const failed: Array<{ name: string; error: string }> = [];
      const target = { root: t.root, store: this.store, backupDir: join(this.settings.cacheDir, "replaced"), lenientOwners: t.lenientOwners };
      for (const rec of dependencyOrder([...records.values()], records)) {
        const row = rows.get(rec.name)!;
        if (this.store.files(row.name).every((f) => existsSync(hostOf(t.root, f.path)) || isLink(hostOf(t.root, f.path)))) continue;
        try {
          const path = this.client.cached(row.name, row.sha256);
          if (!path) throw new Error(`its .deb (sha256 ${row.sha256.slice(0, 12)}...) is not in ${this.client.debsDir()}`);
          const deb = await readDeb(new Uint8Array(readFileSync(path)), `${row.name}_${row.version}.deb`, t.signal);
          this.store.forget(row.name);
          unpack(deb, { sha256: row.sha256, repository: row.repository, auto: row.auto }, { ...target, callId: row.callId });
          restored.push(row.name);
        } catch (err) {
          failed.push({ name: row.name, error: err instanceof Error ? err.message : String(err) });
        }
      }
      return { restored, failed };
    });
  }

  /** Undo of pkg.install: removes exactly the packages that call installed, with everything they made. */
  async undoInstall(u: InstallUndo, t: Target): Promise<void> {
    await this.exclusive(async () => {
      const names = u.packages.filter((p) => {
        const row = this.store.get(p.name);
        return row && row.version === p.version && row.sha256 === p.sha256;
      }).map((p) => p.name);
      if (names.length === 0) return;
      const plan = resolveRemove(names, this.present(), { cascade: false, autoremove: false });
      for (const p of plan.remove) removeInstalled(this.store, p.record.name, { root: t.root, purge: true, lenientOwners: t.lenientOwners });
    });
  }

  /** Undo of pkg.remove: reinstalls the same versions from the cached .debs, then puts purged conffiles back. */
  async undoRemove(u: RemoveUndo, t: Target): Promise<void> {
    await this.exclusive(async () => {
      const items: Array<{ deb: Deb; meta: { sha256: string; repository: string; auto: boolean } }> = [];
      for (const p of [...u.packages].reverse()) {
        if (this.store.get(p.name)) continue;
        const path = this.client.cached(p.name, p.sha256);
        if (!path) throw new PkgNotFoundError(p.name, `the cached ${p.name} ${p.version} (.deb sha256 ${p.sha256.slice(0, 12)}...) is gone from ${this.client.debsDir()}; cannot reinstall it`);
        const deb = await readDeb(new Uint8Array(readFileSync(path)), `${p.name}_${p.version}.deb`, t.signal);
        items.push({ deb, meta: { sha256: p.sha256, repository: p.repository, auto: p.auto } });
      }
      checkFiles(items.map((i) => i.deb), t.root, this.store);
      this.unpackAll(items, t);
      for (const c of u.conffiles) writeFileDurable(hostOf(t.root, c.path), Buffer.from(c.content, "base64"), { mode: c.mode });
    });
  }
}
