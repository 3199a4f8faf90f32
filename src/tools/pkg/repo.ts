/**
 * The repository client: apt's layout (`dists/<suite>/<component>/binary-<arch>/Packages[.gz|.xz]`,
 * `pool/...`) read from a `file://` directory or an `http://` mirror. Indexes
 * are cached decompressed under the cache directory and refreshed by
 * `update()`; a file:// index whose source changed since is re-read by itself.
 * When the suite has a Release file, each index is checked against the sha256
 * it lists (integrity only: signatures are not verified, there is no gpg in
 * the image). Every .deb is checked against the sha256 of its index entry
 * before it is used, and kept in the cache, which is what undoing a removal
 * reinstalls from.
 */
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { mkdirDurable, writeFileDurable } from "../../sys";
import { forEachStanzaText, indexRecord, type PackageRecord, parseStanzas, type Stanza } from "./control";
import { compressionOf, decompress } from "./decompress";
import { PkgChecksumError, PkgRepoError } from "./errors";
import { PackageSet } from "./pkgset";

export interface RepoSpec {
  /** `file:///mnt/repo` or `http://deb.debian.org/debian`. */
  url: string;
  suite: string;
  components: string[];
}

export interface RepoClientOptions {
  repositories: readonly RepoSpec[];
  architecture: string;
  /** Host directory for `lists/` and `debs/`. */
  cacheDir: string;
  /** Per HTTP request. */
  timeoutMs: number;
  /** Host path of a file:// URL's path (dev mode puts guest paths under a directory). Default: as is. */
  hostPath?(guestPath: string): string;
  /** Called before a file:// repository is read (mounts the repository disk in the VM). */
  prepare?(repo: RepoSpec, hostDir: string): Promise<void> | void;
}

/** An index record with the repository it came from. */
export interface IndexedRecord extends PackageRecord {
  repository: string;
}

export interface IndexInfo {
  url: string;
  suite: string;
  component: string;
  /** Which file was read (Packages.gz, ...). */
  file: string;
  packages: number;
  bytes: number;
  fetchedAt: number;
  /** The index matched the sha256 the suite's Release file lists (false: there was no Release file). */
  releaseVerified: boolean;
}

interface CacheMeta extends IndexInfo {
  /** file:// sources: the source file's size and mtime when read, to notice a new repository disk. */
  sourceStamp?: string;
}

const INDEX_FILES = ["Packages.gz", "Packages.xz", "Packages"] as const;

export function slug(s: string): string {
  return s.replace(/^[a-z]+:\/\//, "").replace(/[^A-Za-z0-9.+-]+/g, "_").replace(/^_+|_+$/g, "");
}

function sha256(data: Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(data).digest("hex");
}

/** The part of an InRelease file that is signed, or a Release file as is. */
function releaseBody(text: string): string {
  if (!text.startsWith("-----BEGIN PGP SIGNED MESSAGE-----")) return text;
  const start = text.indexOf("\n\n");
  const end = text.indexOf("\n-----BEGIN PGP SIGNATURE-----");
  return text.slice(start + 2, end < 0 ? undefined : end).replace(/^- /gm, "");
}

/** `SHA256:` lines of a Release file: path -> { sha256, size }. */
export function releaseDigests(text: string): Map<string, { sha256: string; size: number }> {
  const st = parseStanzas(releaseBody(text))[0];
  const out = new Map<string, { sha256: string; size: number }>();
  for (const line of (st?.get("sha256") ?? "").split("\n")) {
    const [sum, size, path] = line.trim().split(/\s+/);
    if (sum && size && path) out.set(path, { sha256: sum.toLowerCase(), size: Number(size) });
  }
  return out;
}

export class RepoClient {
  private readonly opts: RepoClientOptions;
  private index: PackageSet | null = null;
  private infos: IndexInfo[] = [];

  constructor(opts: RepoClientOptions) {
    this.opts = opts;
  }

  get repositories(): readonly RepoSpec[] {
    return this.opts.repositories;
  }

  private listsDir(): string {
    return join(this.opts.cacheDir, "lists");
  }

  debsDir(): string {
    return join(this.opts.cacheDir, "debs");
  }

  private cacheName(repo: RepoSpec, component: string): string {
    return join(this.listsDir(), `${slug(repo.url)}_${repo.suite}_${component}_binary-${this.opts.architecture}_Packages`);
  }

  private filePath(url: string): string | null {
    if (!url.startsWith("file://")) return null;
    const p = decodeURIComponent(url.slice("file://".length));
    return this.opts.hostPath ? this.opts.hostPath(p) : p;
  }

  /** Reads one file of a repository; null when it does not exist there (404, ENOENT). */
  private async get(repo: RepoSpec, rel: string, signal?: AbortSignal): Promise<{ data: Uint8Array; stamp?: string } | null> {
    const local = this.filePath(repo.url);
    if (local !== null) {
      const p = join(local, rel);
      if (!existsSync(p)) return null;
      const st = statSync(p);
      return { data: new Uint8Array(readFileSync(p)), stamp: `${st.size}:${st.mtimeMs}` };
    }
    if (!/^https?:\/\//.test(repo.url)) throw new PkgRepoError(repo.url, "must be a file:// or http:// URL");
    const url = `${repo.url.replace(/\/+$/, "")}/${rel}`;
    let res: Response;
    try {
      res = await fetch(url, { signal: this.signal(signal), redirect: "follow" });
    } catch (err) {
      throw new PkgRepoError(repo.url, `GET ${rel}: ${(err as Error).message}`, { cause: err });
    }
    if (res.status === 404) return null;
    if (!res.ok) throw new PkgRepoError(repo.url, `GET ${rel}: HTTP ${res.status}`);
    return { data: new Uint8Array(await res.arrayBuffer()) };
  }

  private signal(outer?: AbortSignal): AbortSignal {
    const t = AbortSignal.timeout(this.opts.timeoutMs);
    return outer ? AbortSignal.any([outer, t]) : t;
  }

  private async before(repo: RepoSpec): Promise<void> {
    const local = this.filePath(repo.url);
    if (local !== null && this.opts.prepare) await this.opts.prepare(repo, local);
  }

  /** Downloads every index again (pkg.update). */
  async update(signal?: AbortSignal): Promise<IndexInfo[]> {
    const infos: IndexInfo[] = [];
    for (const repo of this.opts.repositories) {
      await this.before(repo);
      for (const component of repo.components) infos.push(await this.fetchIndex(repo, component, signal));
    }
    this.index = null;
    this.infos = infos;
    return infos;
  }

  private async fetchIndex(repo: RepoSpec, component: string, signal?: AbortSignal): Promise<CacheMeta> {
    const dir = `dists/${repo.suite}`;
    const sub = `${component}/binary-${this.opts.architecture}`;
    const release = (await this.get(repo, `${dir}/InRelease`, signal)) ?? (await this.get(repo, `${dir}/Release`, signal));
    const digests = release ? releaseDigests(new TextDecoder().decode(release.data)) : null;
    for (const file of INDEX_FILES) {
      const got = await this.get(repo, `${dir}/${sub}/${file}`, signal);
      if (!got) continue;
      let releaseVerified = false;
      if (digests) {
        const want = digests.get(`${sub}/${file}`);
        if (!want) throw new PkgRepoError(repo.url, `${dir}/Release does not list ${sub}/${file}`);
        const have = sha256(got.data);
        if (have !== want.sha256) throw new PkgChecksumError(`repository ${repo.url}: ${dir}/${sub}/${file}`, want.sha256, have);
        releaseVerified = true;
      }
      const text = new TextDecoder().decode(await decompress(got.data, compressionOf(file), `${repo.url} ${file}`, signal));
      let packages = 0;
      forEachStanzaText(text, () => packages++);
      const meta: CacheMeta = {
        url: repo.url, suite: repo.suite, component, file, packages, bytes: got.data.length, fetchedAt: Date.now(), releaseVerified,
        sourceStamp: got.stamp,
      };
      mkdirDurable(this.listsDir());
      const base = this.cacheName(repo, component);
      writeFileDurable(base, text);
      writeFileDurable(`${base}.json`, JSON.stringify(meta));
      return meta;
    }
    throw new PkgRepoError(repo.url, `no ${dir}/${sub}/Packages, Packages.gz or Packages.xz${this.filePath(repo.url) !== null ? " (is the repository disk attached? make run REPO=1)" : ""}`);
  }

  /** Whether a file:// index changed since it was cached (a new repository disk). */
  private stale(repo: RepoSpec, meta: CacheMeta): boolean {
    const local = this.filePath(repo.url);
    if (local === null || !meta.sourceStamp) return false;
    const p = join(local, `dists/${repo.suite}/${meta.component}/binary-${this.opts.architecture}/${meta.file}`);
    if (!existsSync(p)) return false; // disk not attached now: the cached index still describes the cached .debs
    const st = statSync(p);
    return `${st.size}:${st.mtimeMs}` !== meta.sourceStamp;
  }

  /** The merged index of all repositories, loaded from the cache (fetched when absent). */
  async load(signal?: AbortSignal): Promise<PackageSet> {
    if (this.index) return this.index;
    const set = new PackageSet();
    const infos: IndexInfo[] = [];
    for (const repo of this.opts.repositories) {
      // A repository disk that is not attached now: the cached index (and .debs) still serve.
      let unavailable: unknown = null;
      await this.before(repo).catch((err) => (unavailable = err));
      for (const component of repo.components) {
        const base = this.cacheName(repo, component);
        let meta: CacheMeta | null = existsSync(`${base}.json`) && existsSync(base) ? (JSON.parse(readFileSync(`${base}.json`, "utf8")) as CacheMeta) : null;
        if (!meta && unavailable) throw unavailable;
        if (!meta || (!unavailable && this.stale(repo, meta))) meta = await this.fetchIndex(repo, component, signal);
        infos.push(meta);
        forEachStanzaText(readFileSync(base, "utf8"), (text) => {
          const r = indexRecord(text) as IndexedRecord | null;
          if (!r) return;
          r.repository = repo.url;
          set.add(r);
        });
      }
    }
    this.index = set;
    this.infos = infos;
    return set;
  }

  /** What the last load or update read. */
  indexInfo(): IndexInfo[] {
    return this.infos;
  }

  /** The whole stanza of one package version from the cached index (pkg.info shows every field). */
  stanza(record: IndexedRecord): Stanza | null {
    for (const repo of this.opts.repositories) {
      if (repo.url !== record.repository) continue;
      for (const component of repo.components) {
        const base = this.cacheName(repo, component);
        if (!existsSync(base)) continue;
        const text = readFileSync(base, "utf8");
        for (let at = text.indexOf(`Package: ${record.name}\n`); at >= 0; at = text.indexOf(`Package: ${record.name}\n`, at + 1)) {
          if (at > 0 && text[at - 1] !== "\n") continue;
          const end = text.indexOf("\n\n", at);
          const st = parseStanzas(text.slice(at, end < 0 ? undefined : end))[0];
          if (st?.get("version") === record.version) return st;
        }
      }
    }
    return null;
  }

  /** Where a package's verified .deb is kept. */
  debPath(name: string, sha: string): string {
    return join(this.debsDir(), `${name}_${sha}.deb`);
  }

  /** The cached .deb when present and intact. */
  cached(name: string, sha: string): string | null {
    const p = this.debPath(name, sha);
    if (!existsSync(p)) return null;
    if (sha256(new Uint8Array(readFileSync(p))) === sha) return p;
    rmSync(p, { force: true });
    return null;
  }

  /**
   * The package's .deb in the cache, downloaded (or copied from a file://
   * repository) and checked against the index's sha256 first. A mismatch is
   * refused and the file deleted.
   */
  async fetchDeb(record: IndexedRecord, signal?: AbortSignal): Promise<{ path: string; bytes: number; downloaded: boolean }> {
    if (!record.sha256) throw new PkgRepoError(record.repository, `${record.name} ${record.version}: the index gives no SHA256; refusing an unverifiable package`);
    const hit = this.cached(record.name, record.sha256);
    if (hit) return { path: hit, bytes: statSync(hit).size, downloaded: false };
    const repo = this.opts.repositories.find((r) => r.url === record.repository);
    if (!repo) throw new PkgRepoError(record.repository, "no longer configured; run pkg.update");
    await this.before(repo);
    const got = await this.get(repo, record.filename, signal);
    if (!got) throw new PkgRepoError(repo.url, `${record.filename} is missing (the index is out of date? run pkg.update)`);
    const have = sha256(got.data);
    if (have !== record.sha256) throw new PkgChecksumError(`${record.name} ${record.version} (${repo.url}/${record.filename})`, record.sha256, have);
    const dest = this.debPath(record.name, record.sha256);
    // Durable before the package is recorded: boot reinstalls from it (the VM's root is in RAM).
    mkdirDurable(this.debsDir());
    writeFileDurable(dest, got.data);
    return { path: dest, bytes: got.data.length, downloaded: true };
  }
}
