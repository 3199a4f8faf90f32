import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { ToolEnv } from "../define";
import { checkOutput } from "../schema";
import { diskUsage, fsDu } from "./du";
import { FsPathError } from "./errors";
import { call, makeCtx, makeEnv } from "./testing";

const t = makeEnv(["/srv", "/var/log", "/var/lib/aios"]);
afterAll(() => t.cleanup());
const host = (p: string) => join(t.root, p);
const KiB = 1024;

/** `du -s -x -B1 DIR`: allocated bytes as coreutils counts them. */
function du(dir: string): number {
  const r = Bun.spawnSync(["du", "-s", "-x", "-B1", dir]);
  if (r.exitCode !== 0) throw new Error(`du ${dir}: ${r.stderr.toString()}`);
  return Number(r.stdout.toString().split("\t")[0]);
}

mkdirSync(host("/srv/site/assets/img"), { recursive: true });
writeFileSync(host("/srv/site/assets/img/logo.png"), Buffer.alloc(300 * KiB, 7));
writeFileSync(host("/srv/site/index.html"), "<h1>hi</h1>\n");
linkSync(host("/srv/site/assets/img/logo.png"), host("/srv/site/logo-again.png")); // same blocks, counted once
mkdirSync(host("/srv/data"));
// Sparse: 64 MiB long, one 4 KiB block written.
const fd = openSync(host("/srv/data/sparse.img"), "w");
writeSync(fd, Buffer.alloc(4 * KiB, 1), 0, 4 * KiB, 64 * 1024 * KiB - 4 * KiB);
closeSync(fd);
writeFileSync(host("/srv/outside.txt"), "not walked through the link\n");
symlinkSync("/", host("/srv/data/root-link")); // never followed

/** Enough entries under /var/log for the walk to reach its first yield (every 512 entries), made once. */
const MANY = 1000;
let made = false;
function manyFiles(): void {
  if (made) return;
  mkdirSync(host("/var/log/many"), { recursive: true });
  for (let i = 0; i < MANY; i++) writeFileSync(host(`/var/log/many/f${i}`), "");
  made = true;
}

describe("fs.du", () => {
  test("agrees with du -sxB1: allocated blocks, hard links once, symlinks as themselves, sparse files as written", async () => {
    const r = await call(fsDu, { path: "/srv" }, makeCtx(t.env));
    expect(() => checkOutput(fsDu, r)).not.toThrow();
    expect(r.totalBytes).toBe(du(host("/srv")));
    expect(r.scope).toEqual(["/srv"]);
    expect(r.entries.map((e) => [e.path, e.type, e.depth])).toEqual([
      ["/srv/site", "dir", 1],
      ["/srv/data", "dir", 1],
      ["/srv/outside.txt", "file", 1],
    ]);
    expect(r.entries[0]!.bytes).toBe(du(host("/srv/site")));
    expect(r.entries[1]!.bytes).toBeLessThan(1024 * KiB); // 64 MiB apparent, one block allocated
    expect(r).toMatchObject({ measure: "allocated", files: 6, dirs: 5, truncated: false, complete: true, errors: 0, otherFilesystems: [] });
  });

  test("depth and limit: deeper entries, the largest kept, truncated said", async () => {
    const r = await call(fsDu, { path: "/srv", depth: 3, limit: 3 }, makeCtx(t.env));
    expect(r.entries.map((e) => e.path)).toEqual(["/srv/site", "/srv/site/assets", "/srv/site/assets/img"]);
    expect(r.truncated).toBe(true);
    expect(fsDu.summarize!(r, { path: "/srv", depth: 3, limit: 3, oneFilesystem: true })).toMatch(
      /^\/srv: \d+\.\d KiB allocated in 6 files and 5 directories\.\nLargest: \/srv\/site 3\d\d\.\d KiB, \/srv\/site\/assets 30\d\.\d KiB, \/srv\/site\/assets\/img 30\d\.\d KiB, …$/,
    );
  });

  test("a file is measured alone", async () => {
    const r = await call(fsDu, { path: "/srv/site/index.html" }, makeCtx(t.env));
    expect(r).toMatchObject({ totalBytes: du(host("/srv/site/index.html")), files: 1, dirs: 0, entries: [] });
  });

  test("/ stands for the allowed roots when it is not one of them", async () => {
    writeFileSync(host("/var/log/app.log"), Buffer.alloc(40 * KiB, 1));
    const r = await call(fsDu, {}, makeCtx(t.env));
    expect(r.path).toBe("/");
    expect(r.scope).toEqual(["/srv", "/var/lib/aios", "/var/log"]);
    expect(r.entries.map((e) => e.path)).toEqual(["/srv", "/var/log", "/var/lib/aios"]);
    expect(r.totalBytes).toBe(du(host("/srv")) + du(host("/var/log")) + du(host("/var/lib/aios")));
    expect(fsDu.summarize!(r, { path: "/", depth: 1, limit: 10, oneFilesystem: true })).toStartWith("/ (the allowed roots: /srv, /var/lib/aios, /var/log): ");
  });

  test("the path is confined like every fs read", async () => {
    await expect(call(fsDu, { path: "/etc" }, makeCtx(t.env))).rejects.toBeInstanceOf(FsPathError);
    await expect(call(fsDu, { path: "/srv/../etc" }, makeCtx(t.env))).rejects.toThrow("fs.du /srv/../etc: outside the allowed roots");
    await expect(call(fsDu, { path: "/srv/nope" }, makeCtx(t.env))).rejects.toThrow("fs.du /srv/nope: ENOENT (no such file or directory)");
  });

  test("aiOS's reserved directories count in totals but are never listed inside", async () => {
    // In the VM the data directory lies inside the guest tree; here it is put there.
    const data = host("/var/lib/aios");
    const env: ToolEnv = { ...t.env, paths: { ...t.env.paths, data, secrets: join(data, "secrets") } };
    mkdirSync(join(data, "secrets"), { recursive: true });
    writeFileSync(join(data, "secrets/api-token"), Buffer.alloc(20 * KiB, 1));
    mkdirSync(join(data, "memory"), { recursive: true });
    writeFileSync(join(data, "memory/working.db"), Buffer.alloc(8 * KiB, 1));
    const r = await call(fsDu, { path: "/var/lib/aios", depth: 4 }, makeCtx(env));
    // The memory databases are protected too (issue 11): counted, never listed inside.
    expect(r.entries.map((e) => e.path).sort()).toEqual(["/var/lib/aios/memory", "/var/lib/aios/secrets"]);
    expect(r.totalBytes).toBe(du(data));
    await expect(call(fsDu, { path: "/var/lib/aios/secrets" }, makeCtx(env))).rejects.toThrow("fs.du /var/lib/aios/secrets: is protected");
  });

  test.skipIf(process.getuid?.() === 0)("an unreadable directory is counted as an error, not fatal", async () => {
    mkdirSync(host("/srv/locked/inner"), { recursive: true, mode: 0o700 });
    Bun.spawnSync(["chmod", "000", host("/srv/locked")]);
    try {
      const r = await call(fsDu, { path: "/srv" }, makeCtx(t.env));
      expect(r.errors).toBe(1);
      expect(r.errorSamples).toEqual([{ path: "/srv/locked", code: "EACCES" }]);
    } finally {
      Bun.spawnSync(["chmod", "755", host("/srv/locked")]);
    }
  });

  test("a cancelled walk stops", async () => {
    manyFiles();
    const ctx = makeCtx(t.env);
    ctx.controller.abort(new Error("cancelled"));
    await expect(call(fsDu, { path: "/var/log" }, ctx)).rejects.toThrow("cancelled");
  });

  test("out of time: what was counted, marked incomplete", async () => {
    manyFiles();
    const r = await diskUsage(t.env, { path: "/var/log", depth: 1, limit: 10, oneFilesystem: true }, new AbortController().signal, 0);
    expect(r.complete).toBe(false);
    expect(r.files).toBeGreaterThan(0);
    expect(r.files).toBeLessThan(MANY);
    expect(fsDu.summarize!(r, { path: "/var/log", depth: 1, limit: 10, oneFilesystem: true })).toContain("(walk stopped at its time limit: partial figures)");
  });

  // The host's own tree: other filesystems below the path are left out and named.
  const mounts = readFileSync("/proc/mounts", "utf8");
  test.skipIf(!/ \/dev\/shm /.test(mounts) || !/ \/dev /.test(mounts))("this host: /dev without /dev/shm and /dev/pts, as du -x", async () => {
    const env: ToolEnv = { mode: "pid1", root: "/", fsRoots: ["/dev"], paths: t.env.paths };
    const r = await call(fsDu, { path: "/dev" }, makeCtx(env));
    expect(r.otherFilesystems).toEqual(expect.arrayContaining(["/dev/shm"]));
    expect(r.complete).toBe(true);
    expect(r.totalBytes).toBe(du("/dev"));
  });
  test.skipIf(!/ \/dev\/pts devpts /.test(mounts) || !/ \/dev\/shm /.test(mounts))("this host: crossing mounts on request, but never into a kernel pseudo filesystem", async () => {
    const env: ToolEnv = { mode: "pid1", root: "/", fsRoots: ["/dev"], paths: t.env.paths };
    const r = await call(fsDu, { path: "/dev", oneFilesystem: false }, makeCtx(env));
    expect(r.otherFilesystems).toContain("/dev/pts");
    expect(r.otherFilesystems).not.toContain("/dev/shm");
    expect(r.totalBytes).toBe(Number(Bun.spawnSync(["du", "-s", "-B1", "/dev"]).stdout.toString().split("\t")[0]));
  });
  test("this host: a system directory agrees with du", async () => {
    const env: ToolEnv = { mode: "pid1", root: "/", fsRoots: ["/usr/share"], paths: t.env.paths };
    const r = await call(fsDu, { path: "/usr/share/zoneinfo", depth: 2, limit: 100 }, makeCtx(env));
    expect(r.totalBytes).toBe(du("/usr/share/zoneinfo"));
  });
});
