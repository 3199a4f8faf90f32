import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { type Db, openDatabase } from "../../memory";
import { capLogFile, log, logToFile, setSink, spawn } from "../../sys";
import { call, makeCtx, makeEnv, type TestEnv, undo } from "../fs/testing";
import { checkOutput } from "../schema";
import { hostOfLog, OWN_LOG } from "./paths";
import { LogRotation, MAX_PER_PASS } from "./rotation";
import { LogPolicyStore } from "./store";
import { logPolicies, logRotate, logSetPolicy } from "./tools";

let t: TestEnv;
let db: Db;
let clock: number;
let logs: LogRotation;
let restoreSink: ReturnType<typeof setSink>;
const DAY = 86_400_000;
const ctx = () => makeCtx(t.env, { logs });
const host = (guest: string) => hostOfLog(t.env, guest);
function put(guest: string, content: string): string {
  mkdirSync(dirname(host(guest)), { recursive: true });
  writeFileSync(host(guest), content);
  return host(guest);
}
const ls = (guestDir: string) => readdirSync(host(guestDir)).sort();

beforeEach(() => {
  restoreSink = setSink(() => {});
  t = makeEnv(["/etc"]);
  db = openDatabase(join(t.env.paths.data, "memory/working.db"));
  clock = Date.now();
  logs = new LogRotation(t.env, new LogPolicyStore(db), () => clock);
});
afterEach(() => {
  logs.close();
  logToFile(undefined);
  capLogFile(undefined);
  db.close();
  t.cleanup();
  setSink(restoreSink);
});

describe("policies", () => {
  test("the most specific policy is in force: a literal path, then the glob with more literal text; aiOS's own log has a built-in one a stored one replaces", () => {
    logs.store.set({ pattern: "/var/log/**/*.log", maxBytes: null, maxAgeDays: 30, keep: 2 });
    logs.store.set({ pattern: "/var/log/nginx/*.log", maxBytes: 1 << 20, maxAgeDays: null, keep: 7 });
    logs.store.set({ pattern: "/var/log/nginx/error.log", maxBytes: null, maxAgeDays: 1, keep: 3 });
    expect(logs.policyFor("/var/log/nginx/access.log")?.pattern).toBe("/var/log/nginx/*.log");
    expect(logs.policyFor("/var/log/nginx/error.log")?.pattern).toBe("/var/log/nginx/error.log");
    expect(logs.policyFor("/var/log/app/x.log")?.pattern).toBe("/var/log/**/*.log");
    expect(logs.policyFor("/var/log/syslog")).toBeNull();
    expect(logs.policyFor(OWN_LOG)).toMatchObject({ pattern: OWN_LOG, builtin: true, maxBytes: 4 << 20, keep: 5 });
    logs.store.set({ pattern: OWN_LOG, maxBytes: 1 << 20, maxAgeDays: null, keep: 2 });
    expect(logs.policyFor(OWN_LOG)).toMatchObject({ builtin: false, maxBytes: 1 << 20, keep: 2 });
    expect(logs.policies().filter((p) => p.pattern === OWN_LOG)).toHaveLength(1);
  });

  test("size rule: a file at maxBytes is rotated by the periodic pass, a smaller one is not", async () => {
    logs.store.set({ pattern: "/var/log/*.log", maxBytes: 1024, maxAgeDays: null, keep: 3 });
    put("/var/log/big.log", "x".repeat(1024));
    put("/var/log/small.log", "x".repeat(1023));
    put("/var/log/big.log.1", "rotated before\n");
    const r = await logs.rotateDue();
    expect(r.rotated.map((x) => [x.path, x.reason])).toEqual([["/var/log/big.log", "size"]]);
    expect(ls("/var/log")).toEqual(["big.log", "big.log.1", "big.log.2.gz", "small.log"]);
    expect(gunzipSync(readFileSync(host("/var/log/big.log.2.gz"))).toString()).toBe("rotated before\n");
    expect((await logs.rotateDue()).rotated).toEqual([]);
  });

  test("age rule: counted from when the live file began (first seen or last rotated), not its mtime", async () => {
    logs.store.set({ pattern: "/var/log/*.log", maxBytes: null, maxAgeDays: 2, keep: 2 });
    put("/var/log/app.log", "a\n");
    // An old mtime alone does not make a file due: its lines may be new to this file.
    utimesSync(host("/var/log/app.log"), new Date(clock - 10 * DAY), new Date(clock - 10 * DAY));
    const born = logs.store.fileState("/var/log/app.log");
    expect(born).toBeNull();
    expect((await logs.rotateDue()).rotated).toEqual([]);
    const since = logs.store.fileState("/var/log/app.log")!.since;
    clock = since + 2 * DAY - 1;
    expect((await logs.rotateDue()).rotated).toEqual([]);
    clock = since + 2 * DAY;
    expect((await logs.rotateDue()).rotated.map((x) => x.reason)).toEqual(["age"]);
    expect(logs.store.fileState("/var/log/app.log")).toMatchObject({ since: clock, rotatedAt: clock, rotations: 1 });
    writeFileSync(host("/var/log/app.log"), "b\n");
    clock += DAY;
    expect((await logs.rotateDue()).rotated).toEqual([]);
  });

  test("keep rule: past keep, the oldest generations go; generations and archives are never taken for live logs", async () => {
    logs.store.set({ pattern: "/var/log/*", maxBytes: 1024, maxAgeDays: null, keep: 2 });
    put("/var/log/syslog", "s".repeat(2000));
    put("/var/log/syslog.1", "one\n");
    put("/var/log/syslog.2.gz", "two");
    put("/var/log/syslog.3.gz", "three");
    put("/var/log/old.log.old", "o".repeat(5000));
    const r = await logs.rotateDue();
    expect(r.rotated.map((x) => x.path)).toEqual(["/var/log/syslog"]);
    expect(r.rotated[0]!.removed.sort()).toEqual(["syslog.2.gz", "syslog.3.gz"]);
    expect(ls("/var/log")).toEqual(["old.log.old", "syslog", "syslog.1", "syslog.2.gz"]);
  });

  test("bounded: at most MAX_PER_PASS files per pass, the rest in the next", async () => {
    logs.store.set({ pattern: "/var/log/many/*.log", maxBytes: 1024, maxAgeDays: null, keep: 1 });
    for (let i = 0; i < MAX_PER_PASS + 3; i++) put(`/var/log/many/f${String(i).padStart(3, "0")}.log`, "x".repeat(1024));
    const first = await logs.rotateDue();
    expect(first.rotated).toHaveLength(MAX_PER_PASS);
    expect(first.notes).toContain("3 more files are left for the next pass");
    expect((await logs.rotateDue()).rotated).toHaveLength(3);
  });

  test("a generation another process holds open is not compressed (its writer loses nothing)", async () => {
    logs.store.set({ pattern: "/var/log/*.log", maxBytes: null, maxAgeDays: null, keep: 3 });
    put("/var/log/daemon.log", "new\n");
    const held = put("/var/log/daemon.log.1", "still written\n");
    const child = spawn(["sh", "-c", `exec 3>>'${held}'; echo ready; exec sleep 30`], { stdout: "pipe" });
    try {
      await new Response(child.stdout as ReadableStream).body!.getReader().read();
      const r = await call(logRotate, { path: "/var/log/daemon.log" }, ctx());
      expect(r.rotated[0]!.compressed).toBeNull();
      expect(r.notes).toEqual(["/var/log/daemon.log: daemon.log.1 is still open in a process; left uncompressed"]);
      expect(ls("/var/log")).toEqual(["daemon.log", "daemon.log.1", "daemon.log.2"]);
    } finally {
      child.kill();
      await child.exited;
    }
  });
});

describe("aiOS's own log", () => {
  test("rotates by size as it is written, through its built-in policy, with no line lost", async () => {
    logs.store.set({ pattern: OWN_LOG, maxBytes: 4096, maxAgeDays: null, keep: 3 });
    logToFile(host(OWN_LOG));
    logs.applyOwnCap();
    const dir = dirname(host(OWN_LOG));
    const rotations = () => logs.store.fileState(OWN_LOG)?.rotations ?? 0;
    let n = 0;
    for (let round = 1; round <= 4; round++) {
      // Past the cap within a round; the writer asks once and goes on writing meanwhile.
      for (let i = 0; i < 60; i++) log.info(`line ${n++} ${"y".repeat(60)}`);
      for (let end = Date.now() + 5000; rotations() < round || readdirSync(dir).some((f) => f.includes("aios-tmp")); await Bun.sleep(2)) {
        if (Date.now() > end) throw new Error(`rotation ${round} did not happen`);
      }
    }
    log.info(`line ${n++} last`);
    const names = readdirSync(dir).sort();
    expect(names).toEqual(["aios.log", "aios.log.1", "aios.log.2.gz", "aios.log.3.gz"]);
    const text = names.map((n) => (n.endsWith(".gz") ? gunzipSync(readFileSync(join(dir, n))).toString() : readFileSync(join(dir, n), "utf8"))).join("");
    const seen = [...text.matchAll(/line (\d+) /g)].map((m) => Number(m[1]));
    // keep 3 dropped the oldest lines; those kept are every line from some point to the last, none missing.
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: seen.length }, (_, i) => n - seen.length + i));
    expect(seen.length).toBe(n - 60);
    expect(rotations()).toBe(4);
  });
});

describe("the tools", () => {
  test("log.set_policy persists, lists the files it covers, and undo restores the previous policy (or none)", async () => {
    put("/var/log/app.log", "a\n");
    put("/var/log/sub/other.log", "b\n");
    const c1 = ctx();
    const r = await call(logSetPolicy, { pattern: "/var/log/*.log", maxBytes: 10 << 20, keep: 4 }, c1);
    expect(() => checkOutput(logSetPolicy, r)).not.toThrow();
    expect(r).toMatchObject({ previous: null, files: ["/var/log/app.log"], fileCount: 1 });
    expect(logSetPolicy.summarize!(r, { pattern: "/var/log/*.log", keep: 4 })).toBe("Logs matching /var/log/*.log are now rotated past 10.0 MiB, 4 generations kept; it covers 1 file now");
    const c2 = ctx();
    const r2 = await call(logSetPolicy, { pattern: "/var/log/*.log", maxAgeDays: 7, keep: 2 }, c2);
    expect(r2.previous).toMatchObject({ maxBytes: 10 << 20, keep: 4 });
    expect(new LogPolicyStore(db).get("/var/log/*.log")).toMatchObject({ maxBytes: null, maxAgeDays: 7, keep: 2 });
    await undo(logSetPolicy, c2);
    expect(logs.store.get("/var/log/*.log")).toMatchObject({ maxBytes: 10 << 20, maxAgeDays: null, keep: 4 });
    await undo(logSetPolicy, c1);
    expect(logs.store.list()).toEqual([]);
  });

  test("log.rotate: one file (no policy: 5 kept, said so), or every non-empty covered file", async () => {
    put("/var/log/syslog", "s\n");
    const one = await call(logRotate, { path: "/var/log/syslog" }, ctx());
    expect(one.rotated).toMatchObject([{ path: "/var/log/syslog", pattern: null, keep: 5, reason: "asked" }]);
    expect(one.notes).toEqual(["no policy covers /var/log/syslog; kept the default 5 generations"]);
    expect(logRotate.summarize!(one, { path: "/var/log/syslog" })).toBe("Rotated 1 log: /var/log/syslog (2 B, keep 5)\nno policy covers /var/log/syslog; kept the default 5 generations");
    logs.store.set({ pattern: "/var/log/*.log", maxBytes: null, maxAgeDays: null, keep: 2 });
    put("/var/log/a.log", "a\n");
    put("/var/log/empty.log", "");
    put(OWN_LOG, "own\n");
    const all = await call(logRotate, {}, ctx());
    expect(() => checkOutput(logRotate, all)).not.toThrow();
    expect(all.rotated.map((x) => x.path)).toEqual(["/var/log/a.log", OWN_LOG]);
    expect(existsSync(host("/var/log/syslog.1"))).toBe(true);
  });

  test("log.rotate refuses what is not a live log under /var/log: a symlink, a way out, a generation, nothing", async () => {
    put("/etc/secret", "s\n");
    mkdirSync(host("/var/log"), { recursive: true });
    symlinkSync(join(t.root, "etc"), host("/var/log/etc"));
    symlinkSync(join(t.root, "etc/secret"), host("/var/log/link.log"));
    put("/var/log/x.log.1", "old\n");
    const code = (args: unknown) => call(logRotate, args, ctx()).then(() => "ok", (e) => `${e.code}: ${e.message}`);
    expect(await code({ path: "/var/log/etc/secret" })).toBe("outside_log_dir: log.rotate /var/log/etc/secret: leads outside /var/log through a symlink");
    expect(await code({ path: "/var/log/link.log" })).toBe("not_a_file: log.rotate /var/log/link.log: is a symlink; name the file it points to");
    expect(await code({ path: "/var/log/x.log.1" })).toBe("not_a_live_log: log.rotate /var/log/x.log.1: is a rotated generation, not a live log");
    expect(await code({ path: "/var/log/none.log" })).toBe("not_found: log.rotate /var/log/none.log: no such file");
    expect(readFileSync(join(t.root, "etc/secret"), "utf8")).toBe("s\n");
  });

  test("log.policies lists the built-in policy and each policy's files with their generations", async () => {
    logs.store.set({ pattern: "/var/log/*.log", maxBytes: 1 << 20, maxAgeDays: 7, keep: 3 });
    put("/var/log/a.log", "abc\n");
    put("/var/log/a.log.1", "older\n");
    const r = await call(logPolicies, {}, ctx());
    expect(() => checkOutput(logPolicies, r)).not.toThrow();
    expect(r.policies.map((p) => p.pattern)).toEqual([OWN_LOG, "/var/log/*.log"]);
    expect(r.policies[1]).toMatchObject({ fileCount: 1, files: [{ path: "/var/log/a.log", bytes: 4, generations: [{ name: "a.log.1", bytes: 6 }] }] });
    expect(logPolicies.summarize!(r, {})).toBe(
      "/var/log/aios/aios.log (built in): rotated past 4.0 MiB, 5 generations kept; 0 files\n/var/log/*.log: rotated past 1.0 MiB or after 7 days, 3 generations kept; 1 file (/var/log/a.log 4 B, 1 rotated)",
    );
  });
});
