/**
 * Writing an apt repository from .deb files: `pool/<component>/<prefix>/<source>/`
 * and `dists/<suite>/<component>/binary-<arch>/Packages(.gz)` with a Release
 * file listing their digests, laid out as Debian's archive is. `make repo`
 * builds the offline repository disk with it; the tests build theirs.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readDebControl } from "./deb";

export interface RepoWriteOptions {
  suite: string;
  component: string;
  architecture: string;
  /** Release Date; default now (make repo passes SOURCE_DATE_EPOCH for reproducible output). */
  date?: Date;
  label?: string;
}

export interface WrittenPackage {
  name: string;
  version: string;
  architecture: string;
  filename: string;
  size: number;
  sha256: string;
}

function digest(alg: "sha256" | "md5", data: Uint8Array | string): string {
  return new Bun.CryptoHasher(alg).update(data).digest("hex");
}

/** Debian's pool prefix: `libssl3` goes under `libs/`, `nginx` under `n/`. */
export function poolPrefix(source: string): string {
  return source.startsWith("lib") && source.length > 3 ? source.slice(0, 4) : source.slice(0, 1);
}

export async function writeRepository(dir: string, debs: readonly string[], opts: RepoWriteOptions): Promise<WrittenPackage[]> {
  const entries: Array<{ pkg: WrittenPackage; stanza: string }> = [];
  for (const path of debs) {
    const bytes = new Uint8Array(readFileSync(path));
    const ctl = await readDebControl(bytes, path);
    const r = ctl.record;
    const filename = `pool/${opts.component}/${poolPrefix(r.source)}/${r.source}/${r.name}_${r.version.replace(/^\d+:/, "")}_${r.architecture}.deb`;
    const dest = join(dir, filename);
    mkdirSync(join(dest, ".."), { recursive: true });
    if (!existsSync(dest)) copyFileSync(path, dest);
    const pkg = { name: r.name, version: r.version, architecture: r.architecture, filename, size: bytes.length, sha256: digest("sha256", bytes) };
    const control = ctl.controlText.replace(/\n+$/, "");
    entries.push({ pkg, stanza: `${control}\nFilename: ${filename}\nSize: ${bytes.length}\nMD5sum: ${digest("md5", bytes)}\nSHA256: ${pkg.sha256}\n` });
  }
  entries.sort((a, b) => a.pkg.name.localeCompare(b.pkg.name) || a.pkg.version.localeCompare(b.pkg.version));

  const sub = `${opts.component}/binary-${opts.architecture}`;
  const dists = join(dir, "dists", opts.suite);
  mkdirSync(join(dists, sub), { recursive: true });
  const packages = entries.map((e) => e.stanza).join("\n");
  const gz = Bun.gzipSync(new TextEncoder().encode(packages), { level: 9 });
  writeFileSync(join(dists, sub, "Packages"), packages);
  writeFileSync(join(dists, sub, "Packages.gz"), gz);

  const files: Array<[string, Uint8Array | string]> = [[`${sub}/Packages`, packages], [`${sub}/Packages.gz`, gz]];
  const size = (d: Uint8Array | string) => (typeof d === "string" ? Buffer.byteLength(d) : d.length);
  const list = (alg: "sha256" | "md5") => files.map(([p, d]) => ` ${digest(alg, d)} ${String(size(d)).padStart(8)} ${p}`).join("\n");
  const release = [
    `Origin: aiOS`,
    `Label: ${opts.label ?? "aiOS offline repository"}`,
    `Suite: ${opts.suite}`,
    `Codename: ${opts.suite}`,
    `Date: ${(opts.date ?? new Date()).toUTCString()}`,
    `Architectures: ${opts.architecture}`,
    `Components: ${opts.component}`,
    `Description: packages for pkg.install without a network (make repo)`,
    `MD5Sum:\n${list("md5")}`,
    `SHA256:\n${list("sha256")}`,
  ].join("\n");
  writeFileSync(join(dists, "Release"), `${release}\n`);
  return entries.map((e) => e.pkg);
}
