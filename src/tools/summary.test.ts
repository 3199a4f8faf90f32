/**
 * The words answers are written in, and one answer per tool family from a
 * typed output as the tool returns it (the contract suite also summarizes
 * every tool's real result; here the exact wording is held).
 */
import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import type { Tool } from "./define";
import { fsList, fsRead } from "./fs";
import { hwInfo } from "./hw";
import { monitorDisk, monitorLogs, monitorMemory } from "./monitor";
import { netCheckPort, netInterfaces } from "./net";
import { pkgInfo, pkgInstall } from "./pkg";
import { processList } from "./process";
import { scheduleList } from "./schedule";
import { auditVerify } from "./sec/audit";
import { serviceStatus } from "./service";
import { clip, indented, listOf, plural } from "./summary";
import { sysCleanup } from "./sys";
import { userCreate } from "./user";

/** A moment in local time, as the tools' ISO strings carry it: answers show local time. */
const local = (y: number, mo: number, d: number, h: number, mi: number) => new Date(y, mo - 1, d, h, mi).toISOString();

/** The tool's summary of `output`, checked against its output schema first: a fixture that drifts from the schema fails here. */
function answer<I, O>(tool: Tool<I, O>, output: O, args: unknown = {}): string {
  return tool.summarize!(v.parse(tool.output, output), v.parse(tool.input, args));
}

describe("words", () => {
  test("counts, lists and excerpts", () => {
    expect([plural(1, "file"), plural(3, "file"), plural(2, "entry", "entries")]).toEqual(["1 file", "3 files", "2 entries"]);
    expect(listOf(["a", "b", "c", "d"], 2)).toBe("a, b and 2 more");
    expect(listOf([])).toBe("none");
    expect(clip("a  long\nline", 6)).toBe("a lon…");
    expect(indented(["1", "2", "3"], 2)).toEqual(["  (1 earlier line not shown)", "  2", "  3"]);
    expect(indented(["1", "2", "3"], 2, "head")).toEqual(["  1", "  2", "  (1 more line not shown)"]);
  });
});

describe("an answer per tool family", () => {
  test("fs: a file's first lines; a directory's entries", () => {
    expect(answer(fsRead, { path: "/etc/hostname", encoding: "utf8", content: "aios\n", size: 5, bytes: 5, truncated: false }, { path: "/etc/hostname" })).toBe("/etc/hostname: 5 B\n  aios");
    const entries = [
      { path: "/srv/www/index.html", type: "file" as const, size: 12, mode: "0644", mtime: "2025-01-31T00:00:00.000Z" },
      { path: "/srv/www/img", type: "dir" as const, size: 4096, mode: "0755", mtime: "2025-01-31T00:00:00.000Z" },
    ];
    expect(answer(fsList, { path: "/srv/www", entries, truncated: false }, { path: "/srv/www" })).toBe("/srv/www: 2 entries: index.html, img/");
  });

  test("hw: cpu and memory", () => {
    const out = { cpu: { model: "QEMU Virtual CPU", vendor: null, count: 2, mhz: 2400.1, flags: ["avx2"], flagCount: 40 }, memory: { totalBytes: 2 * 2 ** 30, availableBytes: 1.5 * 2 ** 30 } };
    expect(answer(hwInfo, out)).toBe("CPU: 2 × QEMU Virtual CPU at 2400 MHz (avx2)\nMemory: 2.0 GiB, 1.5 GiB available");
  });

  test("monitor: memory, disks and a log's last lines", () => {
    const mem = { totalBytes: 2 * 2 ** 30, availableBytes: 1.25 * 2 ** 30, freeBytes: 2 ** 30, buffersBytes: 0, cachedBytes: 0, usedBytes: 0.75 * 2 ** 30, usedPercent: 37.5, swapTotalBytes: 0, swapFreeBytes: 0, swapUsedBytes: 0, swapUsedPercent: 0 };
    expect(answer(monitorMemory, mem)).toBe("Memory: 768.0 MiB used of 2.0 GiB (37.5%), 1.3 GiB available; no swap");
    const fs = { mountpoint: "/", device: "/dev/vda", fstype: "ext4", readOnly: false, sizeBytes: 10 * 2 ** 30, usedBytes: 4 * 2 ** 30, availableBytes: 6 * 2 ** 30, usedPercent: 40, inodes: { total: 1, used: 0, free: 1, usedPercent: 0 } };
    expect(answer(monitorDisk, { filesystems: [fs], skipped: [] })).toBe("/: 4.0 GiB used of 10.0 GiB (40%), 6.0 GiB free (/dev/vda, ext4)");
    const logs = { source: "service:nginx", file: "services/nginx.log", lines: ["a", "b"], truncated: true, scannedLines: 9 };
    expect(answer(monitorLogs, logs, { source: "service:nginx", lines: 2 })).toBe("Last 2 lines of service:nginx (services/nginx.log); earlier ones left out:\n  a\n  b");
  });

  test("net: a closed port; addresses and the default route", () => {
    expect(answer(netCheckPort, { host: "127.0.0.1", port: 22, open: false, state: "closed", latencyMs: 0.2, address: null }, { host: "127.0.0.1", port: 22 })).toBe(
      "Port 22 on 127.0.0.1 is closed (connection refused)",
    );
    const eth0 = {
      name: "eth0", state: "up", mac: "52:54:00:12:34:56", mtu: 1500, driver: "virtio_net", virtual: false, pci: null, speedMbps: null,
      addresses: [{ family: "IPv4" as const, address: "10.0.2.15", prefix: 24 }],
      counters: { rxBytes: 2048, txBytes: 1024, rxPackets: 1, txPackets: 1, rxErrors: 0, txErrors: 0, rxDropped: 0, txDropped: 0 },
    };
    expect(answer(netInterfaces, { interfaces: [eth0], defaultRoute: { ipv4: { iface: "eth0", gateway: "10.0.2.2", metric: 0 }, ipv6: null } })).toBe(
      "eth0 (up): 10.0.2.15/24, MAC 52:54:00:12:34:56, received 2.0 KiB, sent 1.0 KiB\nDefault route: IPv4 via 10.0.2.2 on eth0",
    );
  });

  test("pkg: installed with its version; an install with its dependencies", () => {
    const info = {
      name: "nginx", virtual: false, providers: [], available: null, provided: null, repositoryError: null,
      installed: { version: "1.22.1-9", auto: false, installedAt: local(2025, 1, 31, 12, 0), callId: "c7", scriptsSkipped: [], filesTotal: 42, files: [], directories: [], accounts: [] },
    };
    expect(answer(pkgInfo, info, { name: "nginx" })).toBe("nginx 1.22.1-9 is installed (42 files, on 2025-01-31 12:00)");
    const planned = (name: string, auto: boolean) => ({ name, version: "1.0", auto, reason: auto ? "dependency" : "requested", size: 100 });
    const install = {
      dryRun: false, installed: [planned("nginx", false), planned("libpcre2", true)], alreadyInstalled: [], downloadedBytes: 3 * 2 ** 20, scriptsSkipped: [],
      note: "", usersCreated: [], groupsCreated: [], stateDirectories: [], replaced: [], conffilesKept: [], serviceFiles: [], entriesSkipped: [],
    };
    expect(answer(pkgInstall, install, { names: ["nginx"] })).toBe("Installed nginx 1.0 with 1 dependency (libpcre2), 3.0 MiB downloaded");
  });

  test("process: the processes with their memory", () => {
    const p = (pid: number, comm: string, mib: number) => ({ pid, ppid: 1, state: "S", comm, cmdline: [comm], rssBytes: mib * 2 ** 20, utimeMs: 0 });
    expect(answer(processList, { processes: [p(412, "nginx", 12.3)], total: 1, truncated: false }, { filter: "nginx" })).toBe('1 process matching "nginx":\n  412 nginx 12.3 MiB: nginx');
  });

  test("schedule: the jobs with their next run", () => {
    const job = { name: "backup", cron: "0 3 * * *", goal: "free disk space", tool: null, args: null, agent: null, createdAt: 0, updatedAt: 0, lastRunAt: null, lastStatus: null, lastDetail: null, nextRuns: [local(2025, 2, 1, 3, 0)] };
    expect(answer(scheduleList, { jobs: [job] })).toBe('1 scheduled job:\n  backup (0 3 * * *: goal "free disk space"; next 2025-02-01 03:00)');
    expect(answer(scheduleList, { jobs: [] })).toBe("No job is scheduled");
  });

  test("sec: the ledger's chain", () => {
    expect(answer(auditVerify, { ok: true, rows: 153 })).toBe("The audit ledger is intact: 153 rows, hash chain verified");
    expect(answer(auditVerify, { ok: false, rows: 153, firstBadRow: 12, reason: "hash mismatch" })).toBe("The audit ledger is broken at row 12: hash mismatch (153 rows checked)");
  });

  test("service: state, pid and the last lines", () => {
    const status = {
      name: "nginx", state: "running" as const, enabled: true, pid: 412, since: local(2025, 1, 31, 12, 0), restarts: 0, lastExit: null, reason: null, after: [], log: "/var/log/aios/services/nginx.log",
      definition: {}, tail: ["ready"],
    };
    expect(answer(serviceStatus, status, { name: "nginx" })).toBe(
      "nginx is running (pid 412, since 2025-01-31 12:00, started at boot)\nLast 1 line of /var/log/aios/services/nginx.log:\n  ready",
    );
  });

  test("sys: what a cleanup freed", () => {
    const out = { dryRun: false, scopes: [{ kind: "logs" as const, olderThanDays: 7, count: 2, bytes: 5 * 2 ** 20 }], freedBytes: 5 * 2 ** 20, removedCount: 2, removed: [], skipped: [], notes: [] };
    expect(answer(sysCleanup, out, { scopes: [{ kind: "logs", olderThanDays: 7 }] })).toBe("Freed 5.0 MiB: 2 rotated logs (5.0 MiB)");
  });

  test("user: the account made", () => {
    const out = { name: "deploy", uid: 1001, gid: 1001, group: "deploy", groups: ["sudo"], home: "/home/deploy", shell: "/bin/sh", homeCreated: true, line: "" };
    expect(answer(userCreate, out, { name: "deploy", groups: ["sudo"] })).toBe(
      "Created user deploy (uid 1001, group deploy, also in sudo), home /home/deploy (created), shell /bin/sh; the password is locked until one is set",
    );
  });
});
