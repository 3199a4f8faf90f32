import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { snapshotTree } from "../contract.testing";
import { parseStanzas, toRecord } from "./control";
import { readDeb } from "./deb";
import { PkgChecksumError, PkgFileConflictError, PkgNeededError, PkgResolveError } from "./errors";
import { unpack } from "./installer";
import { type InstallUndo, PkgManager, type RemoveUndo, type Target } from "./manager";
import { writeRepository } from "./repowrite";
import { PackageStore } from "./store";
import { buildDeb, readBytes } from "./testing";

const dir = mkdtempSync(join(tmpdir(), "aios-pkg-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ROOTFS = join(import.meta.dir, "../../../rootfs");

const BASE = parseStanzas(`Package: libc6
Version: 2.36-9+deb12u14
Architecture: amd64

Package: busybox-static
Version: 1:1.35.0-4+deb12u1+b1
Architecture: amd64
Provides: busybox
`).map(toRecord);

const debs = join(dir, "debs");
const WEB_COMMON = {
  name: "web-common",
  version: "1.0-1",
  architecture: "all",
  depends: "debconf (>= 0.5) | busybox",
  files: {
    "/etc/web/web.conf": "listen 80;\n",
    "/etc/web/sites/default": "root /var/www;\n",
    "/lib/systemd/system/web.service": "[Service]\nExecStart=/usr/sbin/web\n",
    "/var/log/web": { dir: true as const },
    "/bin/webctl": { content: "#!/bin/sh\necho ctl\n", mode: 0o755 },
    "/bin/ip": { content: "#!/bin/sh\necho real ip\n", mode: 0o755 },
    "/usr/share/doc/web-common/copyright": "free\n",
  },
  conffiles: ["/etc/web/web.conf", "/etc/web/sites/default"],
  scripts: {
    postinst: "#!/bin/sh\nset -e\nif [ \"$1\" = configure ]; then\n  chown root:adm /var/log/web\n  touch /var/log/web/access.log; chown www-data:adm $logdir\nfi\n",
    postrm: "#!/bin/sh\nrm -rf /var/log/web\n",
  },
};
const WEB = {
  name: "web",
  version: "1.0-1",
  depends: "libc6 (>= 2.34), web-common (= 1.0-1)",
  files: {
    "/usr/sbin/web": { content: "#!/bin/sh\necho web\n", mode: 0o755 },
    "/usr/sbin/web-suid": { content: "x", mode: 0o4755 },
    "/usr/share/doc/web/copyright": "free\n",
    "/usr/share/doc/web/README": { symlink: "copyright" },
  },
  scripts: { preinst: "#!/bin/sh\nadduser --system --group --home /var/lib/webd --no-create-home webd\nmkdir -p /var/lib/web\n" },
};
const built = {
  webCommon: buildDeb(debs, WEB_COMMON),
  web: buildDeb(debs, WEB),
  tool: buildDeb(debs, { name: "tool", version: "2", depends: "web", files: { "/usr/bin/tool": "t" }, compression: "gzip" }),
  conflicty: buildDeb(debs, { name: "conflicty", version: "1", conflicts: "web", files: { "/usr/bin/conflicty": "c" } }),
  orphan: buildDeb(debs, { name: "orphan", version: "1", depends: "libnothere (>= 2)", files: { "/usr/bin/orphan": "o" } }),
  clash: buildDeb(debs, { name: "clash", version: "1", files: { "/usr/sbin/web": "not web" } }),
  badsum: buildDeb(debs, { name: "badsum", version: "1", files: { "/usr/bin/badsum": "b" } }),
  oldlibc: buildDeb(debs, { name: "oldlibc-user", version: "1", depends: "libc6 (>= 2.40)", files: { "/usr/bin/x": "x" } }),
};

const repo = join(dir, "repo");
await writeRepository(repo, Object.values(built), { suite: "bookworm", component: "main", architecture: "amd64" });
// Corrupt one pool file after its digest went into the index.
const badPath = join(repo, "pool/main/b/badsum/badsum_1_amd64.deb");
const bad = readBytes(badPath);
bad[bad.length - 10] = bad[bad.length - 10]! ^ 0xff;
writeFileSync(badPath, bad);

const root = join(dir, "root");
const cacheDir = join(dir, "cache");
let store: PackageStore;
let pkg: PkgManager;

function freshRoot(keepCache = false): void {
  rmSync(root, { recursive: true, force: true });
  if (!keepCache) rmSync(cacheDir, { recursive: true, force: true });
  for (const d of ["etc", "usr/bin", "usr/sbin", "usr/lib", "var/log", "var/lib", "run", "tmp"]) mkdirSync(join(root, d), { recursive: true });
  for (const f of ["passwd", "group"]) copyFileSync(join(ROOTFS, "etc", f), join(root, "etc", f));
  writeFileSync(join(root, "usr/bin/busybox"), "busybox binary");
  symlinkSync("busybox", join(root, "usr/bin/ip"));
  symlinkSync("usr/bin", join(root, "bin"));
  symlinkSync("usr/lib", join(root, "lib"));
}

const target = (): Target => ({ root, callId: "call-1", lenientOwners: process.getuid?.() !== 0 });

beforeEach(() => {
  freshRoot();
  store?.close();
  rmSync(join(dir, "working.db"), { force: true });
  rmSync(join(dir, "working.db-wal"), { force: true });
  rmSync(join(dir, "working.db-shm"), { force: true });
  store = PackageStore.open(join(dir, "working.db"));
  pkg = new PkgManager(store, {
    repositories: [{ url: `file://${repo}`, suite: "bookworm", components: ["main"] }],
    architecture: "amd64",
    cacheDir,
    timeoutMs: 5000,
    provided: BASE,
  });
});

const read = (p: string) => readFileSync(join(root, p), "utf8");

describe("install", () => {
  test("the closure lands in dependency order, every file recorded with digest and mode", async () => {
    let undo: InstallUndo | undefined;
    const r = await pkg.install(["web"], target(), { saveUndo: (u) => (undo = u) });
    expect(r.installed.map((p) => [p.name, p.auto])).toEqual([["web-common", true], ["web", false]]);
    expect(undo?.packages.map((p) => p.name)).toEqual(["web-common", "web"]);
    expect(read("usr/sbin/web")).toBe("#!/bin/sh\necho web\n");
    expect(statSync(join(root, "usr/sbin/web")).mode & 0o7777).toBe(0o755);
    expect(statSync(join(root, "usr/sbin/web-suid")).mode & 0o7777).toBe(0o4755);
    expect(readlinkSync(join(root, "usr/share/doc/web/README"))).toBe("copyright");
    // Merged /usr: /bin/webctl is /usr/bin/webctl, recorded under its real path.
    expect(lstatSync(join(root, "bin")).isSymbolicLink()).toBe(true);
    expect(read("usr/bin/webctl")).toContain("ctl");
    const files = store.files("web-common");
    expect(files.map((f) => f.path)).toContain("/usr/bin/webctl");
    expect(files.map((f) => f.path)).toContain("/usr/lib/systemd/system/web.service");
    const conf = files.find((f) => f.path === "/etc/web/web.conf")!;
    expect(conf).toMatchObject({ type: "file", conffile: true, mode: 0o644 });
    expect(conf.sha256).toBe(new Bun.CryptoHasher("sha256").update("listen 80;\n").digest("hex"));
    expect(r.serviceFiles).toEqual(["/usr/lib/systemd/system/web.service"]);
    expect(store.get("web")).toMatchObject({ version: "1.0-1", auto: false, callId: "call-1" });
    expect(store.get("web-common")?.auto).toBe(true);
  });

  test("maintainer scripts are not run, and what they need is made", async () => {
    const r = await pkg.install(["web"], target());
    expect(r.scriptsSkipped).toEqual([{ package: "web-common", scripts: ["postinst", "postrm"] }, { package: "web", scripts: ["preinst"] }]);
    expect(r.note).toContain("not run");
    expect(existsSync(join(root, "var/log/web/access.log"))).toBe(false); // `touch` in postinst did not run
    // adduser --system --group webd; chown root:adm; chown www-data:adm (owner read, path a variable)
    expect(r.usersCreated.sort()).toEqual(["webd", "www-data"]);
    expect(r.groupsCreated.sort()).toEqual(["adm", "webd", "www-data"]);
    expect(read("etc/passwd")).toContain("www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n");
    expect(read("etc/passwd")).toMatch(/\nwebd:x:100:100::\/var\/lib\/webd:\/usr\/sbin\/nologin\n/);
    expect(read("etc/group")).toContain("adm:x:4:\n");
    // mkdir -p /var/lib/web in preinst: a state directory named after the package.
    expect(r.stateDirectories).toEqual(["/var/lib/web"]);
    expect(statSync(join(root, "var/lib/web")).isDirectory()).toBe(true);
    if (process.getuid?.() === 0) expect(statSync(join(root, "var/log/web")).gid).toBe(4);
  });

  test("an unowned file of the base image is replaced, and put back on remove", async () => {
    const r = await pkg.install(["web"], target());
    expect(r.replaced).toEqual(["/usr/bin/ip"]);
    expect(read("usr/bin/ip")).toContain("real ip");
    await pkg.remove(["web"], target());
    expect(readlinkSync(join(root, "usr/bin/ip"))).toBe("busybox");
  });

  test("dry run plans without writing", async () => {
    const before = snapshotTree(root);
    const r = await pkg.install(["tool"], target(), { dryRun: true });
    expect(r.installed.map((p) => p.name)).toEqual(["web-common", "web", "tool"]);
    expect(snapshotTree(root)).toEqual(before);
    expect(store.list()).toEqual([]);
  });

  test("installing what is installed or provided changes nothing", async () => {
    await pkg.install(["web"], target());
    const r = await pkg.install(["web", "libc6", "busybox"], target());
    expect(r.installed).toEqual([]);
    expect(r.alreadyInstalled.map((a) => `${a.name}:${a.origin}`)).toEqual(["web:installed", "libc6:base", "busybox-static:base"]);
  });
});

describe("refusals leave everything as it was", () => {
  async function refused(fn: () => Promise<unknown>): Promise<Error> {
    const before = snapshotTree(root);
    const installed = store.list();
    const err = await fn().then(() => null, (e) => e as Error);
    expect(err).not.toBeNull();
    expect(snapshotTree(root)).toEqual(before);
    expect(store.list()).toEqual(installed);
    return err!;
  }

  test("a bad checksum", async () => {
    const err = await refused(() => pkg.install(["badsum"], target()));
    expect(err).toBeInstanceOf(PkgChecksumError);
    expect(err.message).toContain("badsum 1");
    expect(err.message).toContain("nothing was installed");
    expect(existsSync(join(cacheDir, "debs")) ? readdirSync(join(cacheDir, "debs")).filter((f) => f.startsWith("badsum")) : []).toEqual([]);
  });

  test("a missing dependency, named", async () => {
    const err = await refused(() => pkg.install(["orphan"], target()));
    expect(err).toBeInstanceOf(PkgResolveError);
    expect(err.message).toContain("orphan 1 depends on libnothere (>= 2): no repository has libnothere");
  });

  test("a dependency the base image has too old", async () => {
    const err = await refused(() => pkg.install(["oldlibc-user"], target()));
    expect(err.message).toContain("libc6 (>= 2.40)");
  });

  test("a conflict with an installed package", async () => {
    await pkg.install(["web"], target());
    const err = await refused(() => pkg.install(["conflicty"], target()));
    expect((err as PkgResolveError).code).toBe("conflict");
    expect(err.message).toContain("conflicts with installed web 1.0-1");
  });

  test("a file owned by another installed package", async () => {
    await pkg.install(["web"], target());
    const err = await refused(() => pkg.install(["clash"], target()));
    expect(err).toBeInstanceOf(PkgFileConflictError);
    expect(err.message).toBe("clash: /usr/sbin/web: also in installed package web; refused, nothing was installed");
  });

  test("removing what another installed package needs", async () => {
    await pkg.install(["tool"], target());
    const err = await refused(() => pkg.remove(["web"], target(), { autoremove: true }));
    expect(err).toBeInstanceOf(PkgNeededError);
    expect(err.message).toContain("web is needed by installed tool 2");
  });
});

describe("remove", () => {
  test("leaves no file behind: the tree is what it was before install", async () => {
    const before = snapshotTree(root);
    await pkg.install(["web"], target());
    const r = await pkg.remove(["web"], target());
    expect(r.removed.map((p) => p.name)).toEqual(["web", "web-common"]);
    expect(r.usersRemoved.sort()).toEqual(["webd", "www-data"]);
    expect(r.groupsRemoved.sort()).toEqual(["adm", "webd", "www-data"]);
    expect(r.restored).toEqual(["/usr/bin/ip"]);
    expect(snapshotTree(root)).toEqual(before);
    expect(store.list()).toEqual([]);
  });

  test("cascade takes the dependents too", async () => {
    await pkg.install(["tool"], target());
    const r = await pkg.remove(["web-common"], target(), { cascade: true });
    expect(r.removed.map((p) => p.name)).toEqual(["tool", "web", "web-common"]);
  });

  test("without autoremove the dependencies stay", async () => {
    await pkg.install(["web"], target());
    const r = await pkg.remove(["web"], target(), { autoremove: false });
    expect(r.removed.map((p) => p.name)).toEqual(["web"]);
    expect(store.get("web-common")).not.toBeNull();
  });

  test("a changed conffile is kept without purge, deleted with it", async () => {
    await pkg.install(["web"], target());
    writeFileSync(join(root, "etc/web/web.conf"), "listen 8080;\n");
    writeFileSync(join(root, "var/log/web/access.log"), "GET /\n");
    const r = await pkg.remove(["web"], target());
    expect(r.conffilesKept).toEqual(["/etc/web/web.conf"]);
    expect(read("etc/web/web.conf")).toBe("listen 8080;\n");
    expect(r.leftBehind.sort()).toEqual(["/etc/web", "/var/log/web"]);
    expect(existsSync(join(root, "etc/web/sites"))).toBe(false);

    freshRoot();
    const before = snapshotTree(root);
    await pkg.install(["web"], target());
    writeFileSync(join(root, "etc/web/web.conf"), "listen 8080;\n");
    writeFileSync(join(root, "var/log/web/access.log"), "GET /\n");
    const p = await pkg.remove(["web"], target(), { purge: true });
    expect(p.conffilesPurged).toEqual(["/etc/web/web.conf"]);
    expect(p.leftBehind).toEqual([]);
    expect(snapshotTree(root)).toEqual(before);
  });

  test("a kept conffile is adopted, not overwritten, on the next install", async () => {
    await pkg.install(["web"], target());
    writeFileSync(join(root, "etc/web/web.conf"), "mine\n");
    await pkg.remove(["web"], target());
    const r = await pkg.install(["web"], target());
    expect(r.conffilesKept).toEqual(["/etc/web/web.conf"]);
    expect(read("etc/web/web.conf")).toBe("mine\n");
  });
});

describe("undo", () => {
  test("undo of install removes exactly what the call installed", async () => {
    await pkg.install(["web"], target());
    const before = snapshotTree(root);
    const listed = store.list();
    let undo: InstallUndo | undefined;
    await pkg.install(["tool"], target(), { saveUndo: (u) => (undo = u) });
    expect(undo!.packages.map((p) => p.name)).toEqual(["tool"]);
    await pkg.undoInstall(undo!, target());
    expect(snapshotTree(root)).toEqual(before);
    expect(store.list()).toEqual(listed);
  });

  test("undo of remove reinstalls the same versions from the cache, purged conffiles included", async () => {
    await pkg.install(["web"], target());
    writeFileSync(join(root, "etc/web/web.conf"), "changed\n");
    const before = snapshotTree(root);
    const listed = store.list().map(({ installedAt, callId, ...rest }) => rest);
    let undo: RemoveUndo | undefined;
    await pkg.remove(["web"], target(), { purge: true, saveUndo: (u) => (undo = u) });
    expect(undo!.packages.map((p) => p.name)).toEqual(["web", "web-common"]);
    expect(undo!.conffiles.map((c) => c.path)).toEqual(["/etc/web/web.conf"]);
    // The repository may be gone by then: the cache is what undo uses.
    await pkg.undoRemove(undo!, { ...target(), callId: "undo" });
    expect(snapshotTree(root)).toEqual(before);
    expect(store.list().map(({ installedAt, callId, ...rest }) => rest)).toEqual(listed);
  });

  test("a purge's conffiles are in the undo record when it is saved, before anything is deleted (the record goes to disk first)", async () => {
    await pkg.install(["web"], target());
    writeFileSync(join(root, "etc/web/web.conf"), "changed\n");
    const saved: Array<{ conffiles: string[]; onDisk: boolean }> = [];
    await pkg.remove(["web"], target(), {
      purge: true,
      saveUndo: (u) => saved.push({ conffiles: u.conffiles.map((c) => c.path), onDisk: existsSync(join(root, "etc/web/web.conf")) }),
    });
    expect(saved).toEqual([{ conffiles: ["/etc/web/web.conf"], onDisk: true }]);
  });

  test("a package that fails half way is taken back", async () => {
    const deb = await readDeb(readBytes(built.web), "web.deb");
    // A hard link to a file the package does not ship: the unpacker refuses it after writing the others.
    deb.entries.push({ ...deb.entries.find((e) => e.type === "file")!, path: "usr/sbin/web-hard", type: "hardlink", linkname: "usr/sbin/missing", data: new Uint8Array(0) });
    const before = snapshotTree(root);
    expect(() => unpack(deb, { sha256: "x", repository: "test", auto: false }, { root, store, backupDir: join(cacheDir, "replaced"), callId: null, lenientOwners: true })).toThrow("hard link");
    expect(snapshotTree(root)).toEqual(before);
    expect(store.get("web")).toBeNull();
  });
});

describe("restore", () => {
  test("after a reboot wiped the RAM root, installed packages come back from the cache", async () => {
    const pristine = snapshotTree(root);
    await pkg.install(["web"], target());
    const installed = snapshotTree(root);
    freshRoot(true); // the VM's / is the initramfs: a reboot brings back the image; the data disk keeps the cache
    const r = await pkg.restore(target());
    expect(r).toEqual({ restored: ["web-common", "web"], failed: [] });
    expect(snapshotTree(root)).toEqual(installed);
    // Nothing missing: nothing done.
    expect(await pkg.restore(target())).toEqual({ restored: [], failed: [] });
    // And it still comes off without a trace, the image's files put back.
    await pkg.remove(["web"], target(), { purge: true });
    expect(snapshotTree(root)).toEqual(pristine);
    expect(store.list()).toEqual([]);
  });
});

describe("search, info, list", () => {
  test("search by name and description", async () => {
    const r = await pkg.search("web", 10);
    expect(r.results.map((x) => x.name)).toEqual(["web", "web-common"]);
    const libc = await pkg.search("libc6", 10);
    expect(libc.results[0]).toMatchObject({ name: "libc6", provided: true });
  });

  test("info of an available, an installed and a virtual package", async () => {
    const a = await pkg.info("web");
    expect(a.available).toMatchObject({ version: "1.0-1", depends: "libc6 (>= 2.34), web-common (= 1.0-1)" });
    expect(a.available!.description).toContain("built by src/tools/pkg/testing.ts");
    expect(a.installed).toBeNull();
    await pkg.install(["web"], target());
    const b = await pkg.info("web");
    expect(b.installed!.files.map((f) => f.path)).toContain("/usr/sbin/web");
    expect(b.installed!.scriptsSkipped).toEqual(["preinst"]);
    const v = await pkg.info("busybox");
    expect(v).toMatchObject({ virtual: true, providers: ["busybox-static"] });
  });

  test("list shows installed and provided packages", async () => {
    await pkg.install(["web"], target());
    const l = pkg.list();
    expect(l.packages.map((p) => `${p.name}${p.auto ? " (auto)" : ""}`)).toEqual(["web", "web-common (auto)"]);
    expect(l.provided.map((p) => p.name)).toEqual(["libc6", "busybox-static"]);
  });
});

describe("http repository", () => {
  test("the same code against a mirror over HTTP, Release checked", async () => {
    const server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch(req) {
        const path = join(repo, decodeURIComponent(new URL(req.url).pathname).replace(/^\/debian\//, ""));
        return existsSync(path) && statSync(path).isFile() ? new Response(Bun.file(path)) : new Response("not found", { status: 404 });
      },
    });
    try {
      pkg.configure({ repositories: [{ url: `http://127.0.0.1:${server.port}/debian`, suite: "bookworm", components: ["main"] }] });
      const idx = await pkg.update();
      expect(idx).toHaveLength(1);
      expect(idx[0]).toMatchObject({ file: "Packages.gz", releaseVerified: true, packages: 8 });
      const before = snapshotTree(root);
      const r = await pkg.install(["web"], target());
      expect(r.downloadedBytes).toBeGreaterThan(0);
      expect(read("usr/sbin/web")).toContain("web");
      await expect(pkg.install(["badsum"], target())).rejects.toBeInstanceOf(PkgChecksumError);
      await pkg.remove(["web"], target());
      expect(snapshotTree(root)).toEqual(before);
    } finally {
      server.stop(true);
    }
  });

  test("an index that does not match the Release file is refused", async () => {
    const server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch(req) {
        const rel = new URL(req.url).pathname.slice(1);
        if (rel.endsWith("Packages.gz")) return new Response(Bun.gzipSync(new TextEncoder().encode("Package: evil\nVersion: 1\n")));
        const path = join(repo, rel);
        return existsSync(path) && statSync(path).isFile() ? new Response(Bun.file(path)) : new Response("not found", { status: 404 });
      },
    });
    try {
      pkg.configure({ repositories: [{ url: `http://127.0.0.1:${server.port}`, suite: "bookworm", components: ["main"] }] });
      await expect(pkg.update()).rejects.toBeInstanceOf(PkgChecksumError);
    } finally {
      server.stop(true);
    }
  });

  test("an unreachable repository is named", async () => {
    pkg.configure({ repositories: [{ url: `file://${join(dir, "nowhere")}`, suite: "bookworm", components: ["main"] }] });
    await expect(pkg.install(["web"], target())).rejects.toThrow(`repository file://${join(dir, "nowhere")}: no dists/bookworm/main/binary-amd64/Packages`);
  });
});
