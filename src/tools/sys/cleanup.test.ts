import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { closeSync, existsSync, mkdirSync, openSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Db, openDatabase } from "../../memory";
import { PackageStore } from "../pkg/store";
import { setSink } from "../../sys";
import type { HostPart } from "../catalog";
import { call, makeCtx, makeEnv } from "../fs/testing";
import { pkgHost, workingDb } from "../pkg";
import { checkOutput } from "../schema";
import * as v from "valibot";
import { ROTATED, sysCleanup } from "./cleanup";

const restoreSink = setSink(() => {});
const t = makeEnv(["/etc", "/tmp", "/var/log"]);
const OLD = new Date(Date.now() - 30 * 86_400_000);
const SHA = (c: string) => c.repeat(64);
let pkg: HostPart;
let records: PackageStore;
let working: Db;

function put(host: string, content: string, old: boolean): string {
  mkdirSync(dirname(host), { recursive: true });
  writeFileSync(host, content);
  if (old) utimesSync(host, OLD, OLD);
  return host;
}
const sandbox = (p: string) => join(t.root, p);
const debs = () => join(t.env.paths.data, "cache/pkg/debs");

beforeAll(async () => {
  // The real package manager on this environment, with nginx recorded as installed in its real store.
  working = openDatabase(workingDb(t.env));
  records = new PackageStore(working);
  pkg = await pkgHost({ env: t.env, working, host: {} });
  records.record({
    pkg: { name: "nginx", version: "1.22.1-9", architecture: "amd64", auto: false, control: "Package: nginx\n", sha256: SHA("a"), repository: "file:///repo", installedAt: Date.now(), callId: null, scriptsSkipped: [] },
    files: [],
    dirs: [],
    accounts: [],
  });
});
afterAll(async () => {
  await pkg.stop?.();
  working.close();
  t.cleanup();
  setSink(restoreSink);
});

let held: number | undefined;
beforeEach(() => {
  for (const d of [sandbox("tmp"), sandbox("var/log"), t.env.paths.log, debs(), join(t.env.paths.data, "cache/undo")]) {
    rmSync(d, { recursive: true, force: true });
    mkdirSync(d, { recursive: true });
  }
  put(join(debs(), `nginx_${SHA("a")}.deb`), "installed", true);
  put(join(debs(), `curl_${SHA("b")}.deb`), "not installed", true);
  put(join(debs(), `curl_${SHA("c")}.deb`), "fresh", false);
  put(join(debs(), `zlib_${SHA("d")}.deb.tmp`), "partial", true);
  put(sandbox("tmp/old.txt"), "old", true);
  put(sandbox("tmp/new.txt"), "new", false);
  put(sandbox("tmp/held.so"), "in use", true);
  mkdirSync(sandbox("tmp/emptied/deeper"), { recursive: true });
  put(sandbox("tmp/emptied/deeper/x"), "x", true);
  utimesSync(sandbox("tmp/emptied/deeper"), OLD, OLD);
  utimesSync(sandbox("tmp/emptied"), OLD, OLD);
  put(sandbox("var/log/nginx/error.log.2.gz"), "rotated", true);
  put(sandbox("var/log/nginx/access.log"), "live", true);
  put(join(t.env.paths.log, "services/web.log.1"), "rotated ours", true);
  put(join(t.env.paths.data, "cache/undo/call-old/copy"), "undo copy", true);
  utimesSync(join(t.env.paths.data, "cache/undo/call-old"), OLD, OLD);
  put(join(t.env.paths.data, "cache/undo/call-new/copy"), "undo copy", false);
  held = openSync(sandbox("tmp/held.so"), "r");
});

const run = (args: Record<string, unknown>) => call(sysCleanup, args, makeCtx(t.env, pkg.host));
const ALL = (days: number) => ({ scopes: [{ kind: "logs", olderThanDays: days }, { kind: "package-cache", olderThanDays: days }, { kind: "tmp", olderThanDays: days }] });

describe("sys.cleanup on real files", () => {
  test("removes only what is safe and old, in the scopes given, says what and how much", async () => {
    try {
      const r = await run(ALL(7));
      expect(() => checkOutput(sysCleanup, r)).not.toThrow();
      expect(r.removed.map((x) => `${x.kind} ${x.path}`).sort()).toEqual([
        "logs /var/log/aios/services/web.log.1",
        "logs /var/log/nginx/error.log.2.gz",
        `package-cache /var/lib/aios/cache/pkg/debs/curl_${SHA("b")}.deb`,
        `package-cache /var/lib/aios/cache/pkg/debs/zlib_${SHA("d")}.deb.tmp`,
        "tmp /tmp/emptied/deeper/x",
        "tmp /tmp/old.txt",
      ]);
      expect(r.freedBytes).toBe([13, 7, 12, 7, 1, 3].reduce((a, b) => a + b, 0));
      expect(r).toMatchObject({
        dryRun: false,
        removedCount: 6,
        scopes: [
          { kind: "logs", olderThanDays: 7, count: 2, bytes: 19 },
          { kind: "package-cache", olderThanDays: 7, count: 2, bytes: 20 },
          { kind: "tmp", olderThanDays: 7, count: 2, bytes: 4 },
        ],
        skipped: [],
        notes: [],
      });
      expect(sysCleanup.summarize!(r, r as never)).toBe("Freed 43 B: 2 rotated logs (19 B), 2 cached packages (20 B), 2 files in /tmp (4 B)");
      // kept: the installed package's .deb, a fresh one, live logs, fresh and in-use /tmp files, every undo copy
      for (const p of [join(debs(), `nginx_${SHA("a")}.deb`), join(debs(), `curl_${SHA("c")}.deb`), sandbox("var/log/nginx/access.log"), sandbox("tmp/new.txt"), sandbox("tmp/held.so"), join(t.env.paths.data, "cache/undo/call-old"), join(t.env.paths.data, "cache/undo/call-new")]) {
        expect(existsSync(p)).toBe(true);
      }
      expect(existsSync(sandbox("tmp/emptied"))).toBe(false);
      expect(existsSync(sandbox("tmp"))).toBe(true);
    } finally {
      closeSync(held!);
    }
  });

  test('"logs" touches rotated logs only: nothing in /tmp, the package cache or the undo copies, and never a live log', async () => {
    closeSync(held!);
    const r = await run({ scopes: [{ kind: "logs", olderThanDays: 0 }] });
    expect(r.removed.map((x) => x.path).sort()).toEqual(["/var/log/aios/services/web.log.1", "/var/log/nginx/error.log.2.gz"]);
    for (const p of [sandbox("tmp/old.txt"), join(debs(), `curl_${SHA("b")}.deb`), sandbox("var/log/nginx/access.log"), join(t.env.paths.data, "cache/undo/call-old/copy")]) expect(existsSync(p)).toBe(true);
  });

  test("each scope has its own age", async () => {
    closeSync(held!);
    const r = await run({ dryRun: true, scopes: [{ kind: "tmp", olderThanDays: 0 }, { kind: "logs", olderThanDays: 3650 }] });
    expect(r.scopes).toEqual([
      { kind: "tmp", olderThanDays: 0, count: 4, bytes: 13 },
      { kind: "logs", olderThanDays: 3650, count: 0, bytes: 0 },
    ]);
  });

  test("dryRun lists the same without deleting; olderThanDays 0 takes fresh files too", async () => {
    closeSync(held!);
    const dry = await run({ dryRun: true, ...ALL(0) });
    expect(dry.dryRun).toBe(true);
    expect(sysCleanup.summarize!(dry, dry as never)).toMatch(/^Would free /);
    expect(existsSync(sandbox("tmp/new.txt"))).toBe(true);
    expect(dry.removed.map((x) => x.path)).toContain("/tmp/new.txt");
    expect(dry.removed.map((x) => x.path)).toContain("/tmp/held.so");
    const real = await run(ALL(0));
    expect(real.removed.map((x) => x.path).sort()).toEqual(dry.removed.map((x) => x.path).sort());
    expect(existsSync(sandbox("tmp/new.txt"))).toBe(false);
    expect(existsSync(join(debs(), `nginx_${SHA("a")}.deb`))).toBe(true);
  });

  test("without a package manager the cache is left alone and the result says so", async () => {
    closeSync(held!);
    const r = await call(sysCleanup, { dryRun: true, scopes: [{ kind: "package-cache", olderThanDays: 1 }] }, makeCtx(t.env));
    expect(r.notes).toEqual(["no package manager on this host: the package cache was not looked at"]);
    expect(sysCleanup.summarize!(r, r as never)).toBe("Nothing to clean up (package-cache older than 1 day)\nno package manager on this host: the package cache was not looked at");
  });

  test("no scope, a repeated scope or a missing age is refused: nothing is deleted by default", () => {
    closeSync(held!);
    const issue = (args: unknown) => {
      const r = v.safeParse(sysCleanup.input, args);
      return r.success ? "ok" : `${r.issues[0]!.path?.map((p) => p.key).join(".") ?? ""}: ${r.issues[0]!.message}`;
    };
    expect(issue({})).toBe("scopes: Invalid key: Expected \"scopes\" but received undefined");
    expect(issue({ scopes: [] })).toBe("scopes: must name at least one scope");
    expect(issue({ scopes: [{ kind: "tmp" }] })).toMatch(/^scopes\.0\.olderThanDays: /);
    expect(issue({ scopes: [{ kind: "tmp", olderThanDays: 1 }, { kind: "tmp", olderThanDays: 2 }] })).toBe("scopes: must name each kind once");
    expect(issue({ scopes: [{ kind: "undo-cache", olderThanDays: 1 }] })).toBe("scopes.0.kind: must be logs, package-cache or tmp");
  });

  test("rotated log names", () => {
    closeSync(held!);
    expect(["syslog.1", "error.log.2.gz", "auth.log.old", "messages.gz", "x.log.10.xz"].every((n) => ROTATED.test(n))).toBe(true);
    expect(["syslog", "access.log", "aios.log", "lastlog"].some((n) => ROTATED.test(n))).toBe(false);
    expect(sysCleanup.reversible || sysCleanup.readOnly).toBe(false);
    expect(sysCleanup.risk).toBe("high");
    expect(sysCleanup.description).toContain("NOT reversible");
  });
});
