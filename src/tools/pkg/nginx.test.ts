/**
 * The real thing: nginx and its closure from the repository `make repo`
 * builds (out/build/repo, the content of out/repo.img), installed into a
 * sandbox laid out like the image (merged /usr, BusyBox applet links, the
 * pinned libc6's libraries), run there with chroot when this runs as root,
 * then removed without a trace. Skipped, saying why, when the repository or
 * the base image's package list has not been built.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { snapshotTree } from "../contract.testing";
import { type InstallUndo, PkgManager, type RemoveUndo, readProvided, type Target } from "./manager";
import { PackageStore } from "./store";

const CHECKOUT = join(import.meta.dir, "../../..");
const REPO = join(CHECKOUT, "out/build/repo");
const PROVIDED = join(CHECKOUT, "out/build/provided");
const LIBC = join(CHECKOUT, "out/build/pkg/libc/lib/x86_64-linux-gnu");
const LIBC_LIBS = ["ld-linux-x86-64.so.2", "libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2"];
const missing = [REPO, PROVIDED].filter((p) => !existsSync(p));
const why = missing.length ? ` (skipped: no ${missing.map((p) => p.slice(CHECKOUT.length + 1)).join(", ")}; run make repo)` : "";
const asRoot = process.getuid?.() === 0;

// Bun runs a skipped describe's body to collect its tests, and this body builds a tree from build outputs.
if (missing.length > 0) test.skip(`nginx from the offline repository${why}`, () => {});
else describe("nginx from the offline repository", () => {
  const dir = mkdtempSync(join(tmpdir(), "aios-nginx-"));
  const root = join(dir, "root");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The image's layout: merged /usr, BusyBox with its applet links, the pinned libc6 subset, /etc from rootfs/. */
  mkdirSync(root);
  for (const d of ["usr/bin", "usr/sbin", "usr/lib/x86_64-linux-gnu", "usr/lib64", "etc/aios/pkg", "var/log", "var/lib/aios", "run", "tmp", "mnt/repo", "proc", "dev"]) mkdirSync(join(root, d), { recursive: true });
  for (const [link, to] of [["bin", "usr/bin"], ["sbin", "usr/sbin"], ["lib", "usr/lib"], ["lib64", "usr/lib64"]]) symlinkSync(to!, join(root, link!));
  for (const f of ["passwd", "group", "nsswitch.conf", "hosts"]) copyFileSync(join(CHECKOUT, "rootfs/etc", f), join(root, "etc", f));
  copyFileSync(PROVIDED, join(root, "etc/aios/pkg/provided"));
  copyFileSync(join(CHECKOUT, "out/build/pkg/busybox/bin/busybox"), join(root, "usr/bin/busybox"));
  for (const applet of ["sh", "ip", "tc", "ls", "cat"]) symlinkSync("busybox", join(root, "usr/bin", applet));
  // BusyBox's sbin applets have a second link in /usr/sbin (build/initramfs-list.sh).
  for (const applet of ["ip", "tc"]) symlinkSync("../bin/busybox", join(root, "usr/sbin", applet));
  for (const lib of LIBC_LIBS) if (existsSync(join(LIBC, lib))) copyFileSync(join(LIBC, lib), join(root, "usr/lib/x86_64-linux-gnu", lib));
  symlinkSync("../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", join(root, "usr/lib64/ld-linux-x86-64.so.2"));

  const store = PackageStore.open(join(dir, "working.db"));
  afterAll(() => store.close());
  const pkg = new PkgManager(store, {
    repositories: [{ url: `file://${REPO}`, suite: "bookworm", components: ["main"] }],
    architecture: "amd64",
    cacheDir: join(dir, "cache"),
    timeoutMs: 30_000,
    provided: readProvided(join(root, "etc/aios/pkg/provided")),
  });
  const target: Target = { root, callId: "nginx-test", lenientOwners: !asRoot };
  const pristine = snapshotTree(root);
  const chroot = (argv: string[]) => Bun.spawnSync(["chroot", root, ...argv], { stdout: "pipe", stderr: "pipe", env: { PATH: "/usr/sbin:/usr/bin" } });

  let installUndo: InstallUndo | undefined;
  test("the closure resolves to the locked package list, minus what the image provides", async () => {
    const plan = await pkg.install(["nginx"], target, { dryRun: true });
    const locked = readFileSync(join(CHECKOUT, "build/repo.lock"), "utf8").split("\n").filter((l) => l && !l.startsWith("#")).map((l) => l.split(/\s+/)[0]);
    expect(plan.installed.map((p) => p.name).sort()).toEqual(locked.sort() as string[]);
    expect(plan.installed.map((p) => p.name)).not.toContain("libc6");
    expect(plan.installed.at(-1)!.name).toBe("nginx");
  });

  test("install nginx: files, users, the replaced applet links", async () => {
    const t0 = performance.now();
    const r = await pkg.install(["nginx"], target, { saveUndo: (u) => (installUndo = u) });
    const ms = performance.now() - t0;
    console.log(`  nginx closure: ${r.installed.length} packages, ${r.installed.reduce((n, p) => n + (p.files ?? 0), 0)} files, ${(r.installed.reduce((n, p) => n + (p.bytes ?? 0), 0) / 1048576).toFixed(1)} MiB written in ${ms.toFixed(0)} ms`);
    expect(r.installed).toHaveLength(26);
    expect(statSync(join(root, "usr/sbin/nginx")).mode & 0o111).toBeTruthy();
    expect(existsSync(join(root, "usr/lib/x86_64-linux-gnu/libssl.so.3"))).toBe(true);
    expect(r.usersCreated).toContain("www-data");
    expect(r.groupsCreated).toContain("adm");
    expect(r.replaced.sort()).toEqual(["/usr/bin/ip", "/usr/sbin/ip", "/usr/sbin/tc"]);
    expect(r.serviceFiles).toContain("/usr/lib/systemd/system/nginx.service");
    expect(r.scriptsSkipped.find((s) => s.package === "nginx-common")?.scripts).toEqual(["preinst", "postinst", "prerm", "postrm", "config"]);
    expect(readFileSync(join(root, "etc/passwd"), "utf8")).toContain("www-data:x:33:33:");
    expect(store.get("nginx")?.auto).toBe(false);
    expect(store.get("libssl3")?.auto).toBe(true);
  });

  test.skipIf(!asRoot)("nginx and iproute2 run in the image's layout (chroot; needs root)", () => {
    const t = chroot(["/usr/sbin/nginx", "-t"]);
    expect(t.stderr.toString()).toContain("test is successful");
    const ip = chroot(["/usr/bin/ip", "-V"]);
    expect(ip.exitCode).toBe(0);
    expect(ip.stdout.toString()).toContain("iproute2");
  });

  let removeUndo: RemoveUndo | undefined;
  test("remove nginx with purge leaves no file of it behind", async () => {
    const r = await pkg.remove(["nginx"], target, { purge: true, saveUndo: (u) => (removeUndo = u) });
    expect(r.removed).toHaveLength(26);
    expect(r.restored.sort()).toEqual(["/usr/bin/ip", "/usr/sbin/ip", "/usr/sbin/tc"]);
    expect(readlinkSync(join(root, "usr/bin/ip"))).toBe("busybox");
    // `nginx -t` leaves an empty /run/nginx.pid; purge takes the PIDFile= of nginx.service.
    if (asRoot) expect(r.runtimeRemoved).toEqual(["/run/nginx.pid"]);
    expect(snapshotTree(root)).toEqual(pristine);
    expect(store.list()).toEqual([]);
  });

  test("undo of the removal reinstalls it; undo of the install takes it away again", async () => {
    await pkg.undoRemove(removeUndo!, target);
    expect(store.list()).toHaveLength(26);
    if (asRoot) expect(chroot(["/usr/sbin/nginx", "-t"]).stderr.toString()).toContain("test is successful");
    // Undo of an install purges, PID file included.
    await pkg.undoInstall(installUndo!, target);
    expect(store.list()).toEqual([]);
    expect(snapshotTree(root)).toEqual(pristine);
  });
});
