import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { checkOutput, parseArgs } from "../schema";
import { call, makeCtx, makeEnv } from "../fs/testing";
import { leadingTime, linesBackward, logSources, monitorLogs, resolveLog, resolveVarLog } from "./logs";

const t = makeEnv();
afterAll(() => t.cleanup());
const logDir = t.env.paths.log;
const ts = (minute: number) => `2025-01-31T12:${String(minute).padStart(2, "0")}:00.000Z`;

// The main log as src/sys/log.ts writes it; minute 7 has a continuation line.
const MAIN = Array.from({ length: 10 }, (_, i) => `${ts(i)} ${i % 3 === 0 ? "warn" : "info"} message ${i}${i === 7 ? "\n  continued 7" : ""}`).join("\n") + "\n";
writeFileSync(join(logDir, "aios.log"), MAIN);
mkdirSync(join(logDir, "services"), { recursive: true });
writeFileSync(join(logDir, "services", "web.log"), "listening on :80\nGET / 200\nGET /x 404\n");
mkdirSync(join(logDir, "spawn"), { recursive: true });
writeFileSync(join(logDir, "spawn", "c1.log"), "hello from a detached process\n");
writeFileSync(join(t.dir, "secret.txt"), "do not read\n");
symlinkSync(join(t.dir, "secret.txt"), join(logDir, "escape.log"));

async function collect(path: string, chunk: number): Promise<string[]> {
  const out: string[] = [];
  for await (const l of linesBackward(path, undefined, chunk)) out.push(l);
  return out;
}

describe("linesBackward", () => {
  test("same lines at any chunk size, multi-byte characters intact", async () => {
    const p = join(t.dir, "utf8.txt");
    writeFileSync(p, "première ligne\n\nzweite Zeile – ü\nlast, no newline");
    const expected = ["last, no newline", "zweite Zeile – ü", "", "première ligne"];
    for (const chunk of [1, 2, 3, 7, 64, 65536]) expect(await collect(p, chunk)).toEqual(expected);
  });
  test("empty file, a lone newline, a leading empty line", async () => {
    const p = join(t.dir, "edge.txt");
    writeFileSync(p, "");
    expect(await collect(p, 4)).toEqual([]);
    writeFileSync(p, "\n");
    expect(await collect(p, 4)).toEqual([""]);
    writeFileSync(p, "\nabc\n");
    expect(await collect(p, 2)).toEqual(["abc", ""]);
  });
});

describe("leadingTime", () => {
  test("ISO stamps with and without zone or fraction; undated lines", () => {
    expect(leadingTime(`${ts(5)} info x`)).toBe(Date.parse(ts(5)));
    expect(leadingTime("2025-01-31 12:05:00 x")).toBe(Date.parse("2025-01-31T12:05:00"));
    expect(leadingTime("2025-01-31T12:05:00+01:00 x")).toBe(Date.parse("2025-01-31T11:05:00Z"));
    expect(leadingTime("  continued")).toBeUndefined();
  });
});

describe("sources", () => {
  test("logs by name, services with a prefix", () => {
    expect(logSources(logDir)).toEqual(["aios", "service:web", "spawn:c1"]);
    expect(resolveLog(logDir, "service:web").file).toBe("services/web.log");
    expect(resolveLog(logDir, "spawn:c1").file).toBe("spawn/c1.log");
    expect(resolveLog(logDir, "aios.log").file).toBe("aios.log");
  });
  test("a symlink leading out of the log directory is refused", () => {
    expect(() => resolveLog(logDir, "escape")).toThrow("monitor.logs escape: leads outside the log directory");
  });
  test("an unknown source lists the ones there are", () => {
    expect(() => resolveLog(logDir, "nginx")).toThrow("monitor.logs nginx: no such log (have: aios, service:web, spawn:c1)");
    expect(() => resolveLog(logDir, "nosuchdir:x")).toThrow("monitor.logs nosuchdir:x: no such log");
  });
});

describe("monitor.logs", () => {
  test("the last lines of the main log by default, oldest first", async () => {
    const r = await call(monitorLogs, { lines: 3 }, makeCtx(t.env));
    expect(r).toEqual({ source: "aios", file: "aios.log", lines: ["  continued 7", `${ts(8)} info message 8`, `${ts(9)} warn message 9`], truncated: true, scannedLines: 4 });
    expect(() => checkOutput(monitorLogs, r)).not.toThrow();
    const all = await call(monitorLogs, {}, makeCtx(t.env));
    expect(all.lines).toHaveLength(11);
    expect(all.truncated).toBe(false);
  });

  test("grep as a substring, as a regex, ignoring case", async () => {
    const warn = await call(monitorLogs, { grep: "warn" }, makeCtx(t.env));
    expect(warn.lines.map((l) => l.split(" ").pop())).toEqual(["0", "3", "6", "9"]);
    const two = await call(monitorLogs, { grep: "warn", lines: 2 }, makeCtx(t.env));
    expect(two).toMatchObject({ lines: [`${ts(6)} warn message 6`, `${ts(9)} warn message 9`], truncated: true });
    const re = await call(monitorLogs, { grep: "message [12]$", regex: true }, makeCtx(t.env));
    expect(re.lines).toEqual([`${ts(1)} info message 1`, `${ts(2)} info message 2`]);
    // as a substring the same text matches nothing
    expect((await call(monitorLogs, { grep: "message [12]$" }, makeCtx(t.env))).lines).toEqual([]);
    expect((await call(monitorLogs, { grep: "WARN", ignoreCase: true }, makeCtx(t.env))).lines).toHaveLength(4);
    expect((await call(monitorLogs, { grep: "W.RN", regex: true, ignoreCase: true }, makeCtx(t.env))).lines).toHaveLength(4);
  });

  test("since keeps lines from that time on, with their continuation lines, and stops reading there", async () => {
    const r = await call(monitorLogs, { since: ts(7) }, makeCtx(t.env));
    expect(r.lines).toEqual([`${ts(7)} info message 7`, "  continued 7", `${ts(8)} info message 8`, `${ts(9)} warn message 9`]);
    expect(r.scannedLines).toBe(5); // 9, 8, continued, 7, and 6 which is too old
    const later = await call(monitorLogs, { since: "2030-01-01T00:00:00Z" }, makeCtx(t.env));
    expect(later.lines).toEqual([]);
    const grepped = await call(monitorLogs, { since: ts(7), grep: "continued" }, makeCtx(t.env));
    expect(grepped.lines).toEqual(["  continued 7"]);
  });

  test("a service log without timestamps: since goes by when the file was last written", async () => {
    const web = join(logDir, "services", "web.log");
    utimesSync(web, new Date("2025-01-31T12:00:00Z"), new Date("2025-01-31T12:00:00Z"));
    expect((await call(monitorLogs, { source: "service:web", since: "2025-02-01T00:00:00Z" }, makeCtx(t.env))).lines).toEqual([]);
    const r = await call(monitorLogs, { source: "service:web", since: "2025-01-01T00:00:00Z", grep: "GET" }, makeCtx(t.env));
    expect(r).toMatchObject({ source: "service:web", file: "services/web.log", lines: ["GET / 200", "GET /x 404"] });
  });

  test("a large log: the last lines cost only the end of the file", async () => {
    const big = join(logDir, "big.log");
    const line = `${ts(0)} info ${"x".repeat(100)}\n`;
    writeFileSync(big, line.repeat(200_000) + `${ts(30)} error the end\n`); // ~24 MB
    const start = performance.now();
    const r = await call(monitorLogs, { source: "big", lines: 1 }, makeCtx(t.env));
    expect(r.lines).toEqual([`${ts(30)} error the end`]);
    expect(r.scannedLines).toBeLessThan(1000);
    expect(performance.now() - start).toBeLessThan(1000);
  });

  test("cancellation stops a long scan", async () => {
    const ctx = makeCtx(t.env);
    setTimeout(() => ctx.controller.abort(new Error("stop scanning")), 5);
    await expect(call(monitorLogs, { source: "big", grep: "never there" }, ctx)).rejects.toThrow("stop scanning");
  });

  test("a catastrophic regex runs in linear time (issue 11)", async () => {
    writeFileSync(join(logDir, "evil.log"), `${"a".repeat(40)}!\n`.repeat(20));
    const r = await call(monitorLogs, { source: "evil", grep: "^(a+)+$", regex: true }, makeCtx(t.env));
    expect(r).toMatchObject({ lines: [], scannedLines: 20 });
    expect(() => parseArgs(monitorLogs, { grep: "(?=a)", regex: true })).toThrow("args.grep: must be a valid regular expression");
    rmSync(join(logDir, "evil.log")); // other tests list the log directory
  });

  test("arguments are checked: traversal, slashes, bad regex, bad time, limits", () => {
    expect(parseArgs(monitorLogs, {})).toEqual({ lines: 100, regex: false, ignoreCase: false });
    for (const source of ["../etc/passwd", "services/web", "/etc/passwd", "a..b", "..", ".hidden", "service:../x", "..:x", "a:b:c", "Up:x"]) {
      expect(() => parseArgs(monitorLogs, { source })).toThrow("args.source");
    }
    expect(() => parseArgs(monitorLogs, { source: "x/y" })).toThrow("args.source: must be a log name such as aios or service:web");
    expect(() => parseArgs(monitorLogs, { source: "a..b" })).toThrow("args.source: must not contain ..");
    expect(() => parseArgs(monitorLogs, { grep: "(", regex: true })).toThrow("args.grep: must be a valid regular expression");
    expect(parseArgs(monitorLogs, { grep: "(" })).toMatchObject({ grep: "(" }); // a substring may be anything
    expect(() => parseArgs(monitorLogs, { grep: "" })).toThrow("args.grep: must not be empty");
    expect(() => parseArgs(monitorLogs, { lines: 1001 })).toThrow("args.lines: must be at most 1000");
    expect(() => parseArgs(monitorLogs, { since: "yesterday" })).toThrow("args.since: must be an ISO time");
    expect(() => parseArgs(monitorLogs, { since: "2025-13-45T00:00:00Z" })).toThrow("args.since: must be an ISO time");
    expect(parseArgs(monitorLogs, { since: "2025-01-31" })).toMatchObject({ since: "2025-01-31" });
  });
});

describe("monitor.logs path: files under /var/log", () => {
  const varLog = join(t.root, "var/log");
  mkdirSync(join(varLog, "nginx"), { recursive: true });
  writeFileSync(join(varLog, "syslog"), Array.from({ length: 80 }, (_, i) => `Jan 31 12:00:${String(i % 60).padStart(2, "0")} host kernel: line ${i}`).join("\n") + "\n");
  writeFileSync(join(varLog, "nginx/error.log"), "2025/01/31 12:00:00 [error] 12#12: open() failed\n");
  writeFileSync(join(varLog, "nginx/access.log.2.gz"), gzipSync("GET / 200\nGET /old 404\n"));
  writeFileSync(join(varLog, "bomb.gz"), gzipSync(Buffer.alloc(65 * 1024 * 1024)));
  writeFileSync(join(varLog, "broken.gz"), "not gzip at all");
  writeFileSync(join(t.dir, "outside.log"), "secret\n");
  symlinkSync(join(t.dir, "outside.log"), join(varLog, "sneaky.log"));
  symlinkSync("nginx/error.log", join(varLog, "error.log")); // a link that stays inside is fine

  test("the last lines of a file under /var/log", async () => {
    const r = await call(monitorLogs, { path: "/var/log/syslog", lines: 50 }, makeCtx(t.env));
    expect(r.source).toBe("/var/log/syslog");
    expect(r.file).toBe("/var/log/syslog");
    expect(r.lines).toHaveLength(50);
    expect(r.lines[0]).toEndWith("line 30");
    expect(r.lines.at(-1)).toEndWith("line 79");
    expect(r.truncated).toBe(true);
    const grepped = await call(monitorLogs, { path: "/var/log/nginx/error.log", grep: "failed" }, makeCtx(t.env));
    expect(grepped.lines).toEqual(["2025/01/31 12:00:00 [error] 12#12: open() failed"]);
    expect((await call(monitorLogs, { path: "/var/log/error.log" }, makeCtx(t.env))).file).toBe("/var/log/nginx/error.log");
  });

  test("a gzip'd rotation is read; a bomb and a broken file are refused by name", async () => {
    const r = await call(monitorLogs, { path: "/var/log/nginx/access.log.2.gz", lines: 1 }, makeCtx(t.env));
    expect(r).toMatchObject({ lines: ["GET /old 404"], truncated: true });
    await expect(call(monitorLogs, { path: "/var/log/bomb.gz" }, makeCtx(t.env))).rejects.toThrow("monitor.logs /var/log/bomb.gz: inflates to more than 64 MiB");
    await expect(call(monitorLogs, { path: "/var/log/broken.gz" }, makeCtx(t.env))).rejects.toThrow("monitor.logs /var/log/broken.gz: not a readable gzip file");
  });

  test("confinement: only below /var/log, no .., no links out, files only", async () => {
    for (const path of ["/etc/passwd", "/var/log", "/var/log/", "/var/logs/x", "var/log/syslog", "/var/log/../../etc/passwd", "/var/log/a\0b"]) {
      expect(() => parseArgs(monitorLogs, { path })).toThrow("args.path");
    }
    expect(() => parseArgs(monitorLogs, { path: "/var/log/syslog", source: "aios" })).toThrow("args.path: give source or path, not both");
    expect(() => resolveVarLog(t.env, "/var/log/sneaky.log")).toThrow("monitor.logs /var/log/sneaky.log: leads outside /var/log");
    expect(() => resolveVarLog(t.env, "/var/log/nginx")).toThrow("monitor.logs /var/log/nginx: is a directory; it has: access.log.2.gz, error.log");
    expect(() => resolveVarLog(t.env, "/var/log/messages")).toThrow("monitor.logs /var/log/messages: no such log file; /var/log has: bomb.gz, broken.gz, error.log, nginx/, sneaky.log, syslog");
  });

  test("a service name that is no aiOS log points at /var/log when the program logs there", async () => {
    await expect(call(monitorLogs, { source: "service:nginx" }, makeCtx(t.env))).rejects.toThrow(
      "monitor.logs service:nginx: no such log (have: aios, big, service:web, spawn:c1); /var/log/nginx has: access.log.2.gz, error.log (ask with path)",
    );
    await expect(call(monitorLogs, { source: "syslog" }, makeCtx(t.env))).rejects.toThrow("; /var/log/syslog exists (ask with path)");
  });
});

