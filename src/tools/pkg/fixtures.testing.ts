/**
 * Contract fixtures for the pkg.* tools (see src/tools/contract.ts). Each
 * builds a two-package apt repository with the host's dpkg-deb at the
 * sandbox's /mnt/repo, where the default [pkg] configuration looks in dev
 * mode, and gives the sandbox the base /etc/passwd and /etc/group.
 */
import { expect } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ContractEnv, defineFixtures } from "../contract.testing";
import type { PkgManager, Target } from "./manager";
import { writeRepository } from "./repowrite";
import { buildDeb, hasDpkgDeb } from "./testing";

const ROOTFS_ETC = join(import.meta.dir, "../../../rootfs/etc");
const skip = hasDpkgDeb() ? undefined : "needs dpkg-deb on the host to build the test repository";

const pkgOf = (t: ContractEnv) => (t.executor.host as { pkg: PkgManager }).pkg;
const target = (t: ContractEnv): Target => ({ root: t.env.root, callId: "contract-setup", lenientOwners: process.getuid?.() !== 0 });

async function repository(t: ContractEnv): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "aios-pkg-fixture-"));
  try {
    const debs = [
      buildDeb(work, {
        name: "aios-hello",
        version: "1.0-1",
        depends: "aios-hello-data (= 1.0-1)",
        description: "says hello\n A test package for the pkg tools' contract fixtures.",
        files: { "/usr/bin/aios-hello": { content: "#!/bin/sh\necho hello\n", mode: 0o755 }, "/etc/aios-hello.conf": "greeting=hello\n" },
        conffiles: ["/etc/aios-hello.conf"],
        scripts: { postinst: "#!/bin/sh\nadduser --system --group --home /var/lib/aios-hello aioshello\n" },
      }),
      buildDeb(work, { name: "aios-hello-data", version: "1.0-1", architecture: "all", files: { "/usr/share/aios-hello/words": "hello\n" } }),
    ];
    await writeRepository(t.host("/mnt/repo"), debs, { suite: "bookworm", component: "main", architecture: "amd64" });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  mkdirSync(t.host("/etc"), { recursive: true });
  for (const f of ["passwd", "group"]) copyFileSync(join(ROOTFS_ETC, f), t.host(`/etc/${f}`));
  await pkgOf(t).update();
}

const installed = (t: ContractEnv) => pkgOf(t).list().packages.map((p) => `${p.name}=${p.version}${p.auto ? " auto" : ""}`);

async function cleanUp(t: ContractEnv): Promise<void> {
  const pkg = pkgOf(t);
  const names = pkg.list().packages.map((p) => p.name);
  if (names.length) await pkg.remove(names, target(t), { purge: true, cascade: true });
}

export const fixtures = defineFixtures({
  "pkg.update": {
    args: {},
    invalid: [{ args: { force: true }, field: "args.force" }],
    setup: repository,
    skip,
    verify: (r: { indexes: Array<{ file: string; releaseVerified: boolean }>; packages: number }) => {
      expect(r.packages).toBe(2);
      expect(r.indexes[0]).toMatchObject({ file: "Packages.gz", releaseVerified: true });
    },
  },
  "pkg.search": {
    args: { query: "hello" },
    invalid: [
      { args: { query: "" }, field: "args.query" },
      { args: { query: "x", limit: 0 }, field: "args.limit" },
    ],
    setup: repository,
    skip,
    verify: (r: { total: number; results: Array<{ name: string; installed: string | null }> }) => {
      expect(r.results.map((x) => x.name)).toEqual(["aios-hello", "aios-hello-data"]);
      expect(r.results[0]!.installed).toBeNull();
    },
  },
  "pkg.info": {
    args: { name: "aios-hello" },
    invalid: [{ args: { name: "Not A Package" }, field: "args.name" }],
    setup: repository,
    skip,
    verify: (r: { available: { version: string; depends: string; description: string } | null; installed: unknown }) => {
      expect(r.available).toMatchObject({ version: "1.0-1", depends: "aios-hello-data (= 1.0-1)" });
      expect(r.available!.description).toContain("contract fixtures");
      expect(r.installed).toBeNull();
    },
  },
  "pkg.list": {
    args: {},
    invalid: [{ args: { all: true }, field: "args.all" }],
    verify: (r: { packages: unknown[]; provided: unknown[] }) => {
      expect(Array.isArray(r.packages)).toBe(true);
      expect(Array.isArray(r.provided)).toBe(true);
    },
  },
  "pkg.install": {
    args: { names: ["aios-hello"] },
    invalid: [
      { args: { names: [] }, field: "args.names" },
      { args: { names: ["Bad Name"] }, field: "args.names.0" },
      { args: { names: ["aios-hello=not a version"] }, field: "args.names.0" },
    ],
    setup: repository,
    skip,
    state: installed,
    verify: (r: { installed: Array<{ name: string; auto: boolean }>; usersCreated: string[]; scriptsSkipped: Array<{ package: string; scripts: string[] }> }, t) => {
      expect(r.installed.map((p) => [p.name, p.auto])).toEqual([["aios-hello-data", true], ["aios-hello", false]]);
      expect(r.usersCreated).toEqual(["aioshello"]);
      expect(r.scriptsSkipped).toEqual([{ package: "aios-hello", scripts: ["postinst"] }]);
      expect(readFileSync(t.host("/usr/bin/aios-hello"), "utf8")).toContain("hello");
      expect(readFileSync(t.host("/etc/passwd"), "utf8")).toContain("\naioshello:x:");
    },
    teardown: cleanUp,
  },
  "pkg.remove": {
    args: { names: ["aios-hello"], purge: true },
    invalid: [
      { args: { names: ["aios-hello"], purge: "yes" }, field: "args.purge" },
      { args: { names: "aios-hello" }, field: "args.names" },
    ],
    setup: async (t) => {
      await repository(t);
      await pkgOf(t).install(["aios-hello"], target(t));
    },
    skip,
    state: installed,
    verify: (r: { removed: Array<{ name: string }>; usersRemoved: string[] }, t) => {
      expect(r.removed.map((p) => p.name)).toEqual(["aios-hello", "aios-hello-data"]);
      expect(r.usersRemoved).toEqual(["aioshello"]);
      expect(existsSync(t.host("/usr/bin/aios-hello"))).toBe(false);
    },
    teardown: cleanUp,
  },
});
