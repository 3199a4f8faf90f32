/**
 * The offline repository (make repo), with pkg's own code:
 *
 *   repo.ts lock LOCK PROVIDED ARCH PACKAGE...
 *     Resolves the PACKAGEs' dependency closure with pkg's resolver against the
 *     host's apt lists (`apt-cache dumpavail`), minus what the base image
 *     provides (PROVIDED), and writes LOCK: one "package version sha256 size"
 *     line per .deb, in dependency order.
 *
 *   repo.ts assemble DIR LOCK DEB...
 *     Checks each DEB against LOCK (name, version, sha256) and writes an apt
 *     repository into DIR: pool/ and dists/<suite>/main/binary-<arch>/Packages(.gz)
 *     with a Release file.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { forEachStanzaText, parseStanzas, toRecord, type PackageRecord } from "../src/tools/pkg/control";
import { readDebControl } from "../src/tools/pkg/deb";
import { readProvided } from "../src/tools/pkg/manager";
import { PackageSet } from "../src/tools/pkg/pkgset";
import { type Present, resolveInstall } from "../src/tools/pkg/resolver";
import { writeRepository } from "../src/tools/pkg/repowrite";

const SUITE = "bookworm";

function die(msg: string): never {
  console.error(`repo.ts: ${msg}`);
  process.exit(1);
}

interface Pin {
  name: string;
  version: string;
  sha256: string;
  size: number;
}

export function readLock(path: string): Pin[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((l, i) => {
      const [name, version, sha256, size] = l.split(/\s+/);
      if (!name || !version || !sha256 || !/^[0-9a-f]{64}$/.test(sha256)) die(`${path}: line ${i + 1}: want "package version sha256 size"`);
      return { name, version, sha256, size: Number(size ?? 0) };
    });
}

async function lock(out: string, providedPath: string, arch: string, wanted: string[]): Promise<void> {
  const dump = Bun.spawnSync(["apt-cache", "dumpavail"], { stdout: "pipe", stderr: "pipe" });
  if (dump.exitCode !== 0) die(`apt-cache dumpavail: ${dump.stderr.toString().trim()} (is this a Debian 12 host with apt lists? apt-get update)`);
  const available = new PackageSet();
  forEachStanzaText(dump.stdout.toString(), (text) => {
    const st = parseStanzas(text)[0];
    if (st?.get("package") && st.get("version")) available.add(toRecord(st));
  });
  const present = new Map<string, Present>(readProvided(providedPath).map((r) => [r.name, { record: r, origin: "base" }]));
  const plan = resolveInstall(wanted.map((name) => ({ name })), { available, present, architecture: arch });
  const rows = plan.install.map((p) => p.record);
  const width = (f: (r: PackageRecord) => string) => Math.max(...rows.map((r) => f(r).length));
  const [wn, wv] = [width((r) => r.name), width((r) => r.version)];
  const lines = [
    `# The offline repository (make repo): ${wanted.join(", ")} and the dependency closure`,
    "# pkg's resolver computed against Debian 12 (bookworm + bookworm-security) as the",
    "# host's apt saw it, minus what the base image provides (build/provided.ts).",
    `# Regenerate with \`make repo-lock\`. Fetched with apt-get download, verified by sha256.`,
    `# ${"package".padEnd(wn)} ${"version".padEnd(wv)} sha256${" ".repeat(59)}size`,
    ...plan.install.map((p) => `${p.record.name.padEnd(wn + 2)} ${p.record.version.padEnd(wv)} ${p.record.sha256} ${p.record.size}`),
  ];
  writeFileSync(out, `${lines.join("\n")}\n`);
  const bytes = rows.reduce((n, r) => n + r.size, 0);
  console.log(`  LOCK    ${out}: ${rows.length} packages, ${(bytes / 1048576).toFixed(1)} MiB of .debs`);
  for (const p of plan.install) console.log(`          ${p.record.name} ${p.record.version} (${p.reason})`);
}

async function assemble(dir: string, lockPath: string, debs: string[]): Promise<void> {
  const pins = readLock(lockPath);
  if (debs.length !== pins.length) die(`${lockPath} pins ${pins.length} packages, ${debs.length} .deb files given`);
  for (const deb of debs) {
    const bytes = new Uint8Array(readFileSync(deb));
    const sha = new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
    const pin = pins.find((p) => p.sha256 === sha);
    if (!pin) die(`${deb}: sha256 ${sha} is not pinned in ${lockPath}`);
    const ctl = await readDebControl(bytes, deb);
    if (ctl.record.name !== pin.name || ctl.record.version !== pin.version) die(`${deb}: is ${ctl.record.name} ${ctl.record.version}, pinned as ${pin.name} ${pin.version}`);
  }
  const epoch = Number(process.env.SOURCE_DATE_EPOCH ?? "");
  const date = Number.isFinite(epoch) && epoch > 0 ? new Date(epoch * 1000) : new Date();
  const written = await writeRepository(dir, debs, { suite: SUITE, component: "main", architecture: "amd64", date });
  const bytes = written.reduce((n, p) => n + p.size, 0);
  console.log(`  REPO    ${dir}: ${written.length} packages, ${(bytes / 1048576).toFixed(1)} MiB`);
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === "lock" && args.length >= 4) await lock(args[0]!, args[1]!, args[2]!, args.slice(3));
else if (cmd === "assemble" && args.length >= 2) await assemble(args[0]!, args[1]!, args.slice(2));
else die("usage: repo.ts lock LOCK PROVIDED ARCH PACKAGE... | assemble DIR LOCK DEB...");
