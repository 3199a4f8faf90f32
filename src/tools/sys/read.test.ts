import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { osRelease } from "../../sys";
import { call, makeCtx, makeEnv } from "../fs/testing";
import { checkOutput } from "../schema";
import { writeSetting } from "./settings";
import { sysTime } from "./time";
import { sysUptime } from "./uptime";
import { busyboxVersion, parseBusyboxVersion, sysVersion } from "./version";

const t = makeEnv();
afterAll(() => t.cleanup());
const sh = (...argv: string[]) => Bun.spawnSync(argv).stdout.toString().trim();

describe("sys.uptime", () => {
  test("agrees with /proc/uptime, /proc/loadavg and the online CPUs", async () => {
    const r = await call(sysUptime, {}, makeCtx(t.env));
    expect(() => checkOutput(sysUptime, r)).not.toThrow();
    const procUptime = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]);
    expect(Math.abs(r.uptimeSeconds - procUptime)).toBeLessThanOrEqual(2);
    // btime is the boot moment on the wall clock: now minus the uptime, to a second or two.
    expect(Math.abs(Date.parse(r.bootTime) - (Date.now() - procUptime * 1000))).toBeLessThan(5_000);
    expect(r.cpuCount).toBe(Number(sh("getconf", "_NPROCESSORS_ONLN")));
    expect(r.tasks.total).toBeGreaterThan(0);
    expect(r.load.one).toBeGreaterThanOrEqual(0);
  });
  test("summary: uptime in words, the three loads against the CPUs", () => {
    const s = sysUptime.summarize!({ uptimeSeconds: 3 * 3600 + 12 * 60 + 9, bootTime: "2025-01-31T07:00:00.000Z", load: { one: 0.12, five: 0.08, fifteen: 0.05 }, cpuCount: 2, tasks: { runnable: 1, total: 97 } }, {});
    expect(s).toMatch(/^Up 3 h 12 min \(since [\d :-]+\); load 0\.12 0\.08 0\.05 on 2 CPUs; 1 of 97 tasks runnable\.$/);
  });
});

describe("sys.version", () => {
  test("BusyBox banners", () => {
    expect(parseBusyboxVersion("BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.\nBusyBox is copyrighted")).toBe("1.35.0");
    expect(parseBusyboxVersion("BusyBox v1.36.1.git (2024-01-01) multi-call binary")).toBe("1.36.1.git");
    expect(parseBusyboxVersion("sh: busybox: not found")).toBeNull();
  });
  // The image's own BusyBox, as `make image` unpacked it.
  const pinned = `${import.meta.dir}/../../../out/build/pkg/busybox/bin/busybox`;
  test.skipIf(Bun.file(pinned).size === 0)("the pinned BusyBox tells its version when run", async () => {
    const lock = readFileSync(`${import.meta.dir}/../../../build/packages.lock`, "utf8");
    const upstream = /^busybox\s+\S+\s+\d+:([\d.]+)-/m.exec(lock)![1];
    expect(await busyboxVersion(new AbortController().signal, ["/nonexistent/busybox", pinned])).toBe(upstream!);
    expect(await busyboxVersion(new AbortController().signal, ["/nonexistent/busybox"])).toBeNull();
  });
  test("this host: uname's fields, os-release, the package version", async () => {
    const r = await call(sysVersion, {}, makeCtx(t.env));
    expect(() => checkOutput(sysVersion, r)).not.toThrow();
    expect(r.hostname).toBe(sh("uname", "-n"));
    expect(r.kernel).toEqual({ name: sh("uname", "-s"), release: sh("uname", "-r"), version: sh("uname", "-v") });
    expect(r.architecture).toBe(sh("uname", "-m"));
    const pkg = JSON.parse(readFileSync(`${import.meta.dir}/../../../package.json`, "utf8"));
    expect(r.aios).toEqual({ version: pkg.version, commit: null }); // from source: no commit compiled in
    expect(r.bun).toBe(Bun.version);
    const release = osRelease();
    if (release) expect(r.os).toMatchObject({ source: "os-release", name: release.fields.NAME ?? "Linux" });
    else expect(r.os).toMatchObject({ source: "aios", name: "aiOS" });
    if (Bun.which("busybox") === "/bin/busybox" || Bun.which("busybox") === "/usr/bin/busybox") expect(r.busybox).toMatch(/^\d+\.\d+/);
  });
  test("summaries: aiOS as the OS, or the OS with aiOS on it", () => {
    const base = { hostname: "web-1", kernel: { name: "Linux", release: "6.1.0-56-cloud-amd64", version: "#1 SMP" }, architecture: "x86_64", busybox: "1.35.0", aios: { version: "0.1.0", commit: "0123456789ab" }, bun: "1.4.4" };
    expect(sysVersion.summarize!({ ...base, os: { name: "aiOS", id: "aios", version: "0.1.0", prettyName: "aiOS 0.1.0 (BusyBox 1.35.0)", source: "aios" } }, {})).toBe(
      "Host web-1: aiOS 0.1.0 (commit 0123456789ab, BusyBox 1.35.0) on Linux 6.1.0-56-cloud-amd64 (x86_64); Bun 1.4.4.",
    );
    expect(sysVersion.summarize!({ ...base, busybox: null, aios: { version: "0.1.0", commit: null }, os: { name: "Debian GNU/Linux", id: "debian", version: "12", prettyName: "Debian GNU/Linux 12 (bookworm)", source: "os-release" } }, {})).toBe(
      "Host web-1: Debian GNU/Linux 12 (bookworm), aiOS 0.1.0 on Linux 6.1.0-56-cloud-amd64 (x86_64); Bun 1.4.4.",
    );
  });
});

describe("sys.time", () => {
  test("no zone anywhere: UTC, the default, not set by aiOS", async () => {
    const e = makeEnv();
    const tz = process.env.TZ;
    delete process.env.TZ;
    try {
      const r = await call(sysTime, {}, makeCtx(e.env));
      expect(() => checkOutput(sysTime, r)).not.toThrow();
      expect(r).toMatchObject({ zone: "UTC", utcOffset: "+00:00", source: "default", setByAios: false });
      expect(r.localTime).toBe(r.utc.slice(0, 19).replace("T", " "));
    } finally {
      if (tz !== undefined) process.env.TZ = tz;
      e.cleanup();
    }
  });
  test("a zone aiOS set: /etc/localtime's link and the data disk agree", async () => {
    mkdirSync(join(t.root, "etc"), { recursive: true });
    symlinkSync("/usr/share/zoneinfo/America/Sao_Paulo", join(t.root, "etc/localtime"));
    writeSetting(t.env.paths.data, "timezone", "America/Sao_Paulo");
    const r = await call(sysTime, {}, makeCtx(t.env));
    // São Paulo has kept UTC-3 all year since 2019.
    expect(r).toMatchObject({ zone: "America/Sao_Paulo", utcOffset: "-03:00", source: "localtime", setByAios: true });
    writeSetting(t.env.paths.data, "timezone", "Europe/Berlin");
    expect(await call(sysTime, {}, makeCtx(t.env))).toMatchObject({ zone: "America/Sao_Paulo", setByAios: false });
  });
  test("summaries: local time, zone, offset, UTC, who set it", () => {
    const base = { localTime: "2025-01-31 13:00:00", zone: "Europe/Berlin", utcOffset: "+01:00", utc: "2025-01-31T12:00:00.000Z" };
    expect(sysTime.summarize!({ ...base, source: "localtime", setByAios: true }, {})).toBe("It is 2025-01-31 13:00:00 in Europe/Berlin (UTC+01:00); 2025-01-31 12:00:00 UTC. The time zone was set by aiOS and is kept for every boot.");
    expect(sysTime.summarize!({ ...base, source: "localtime", setByAios: false }, {})).toBe("It is 2025-01-31 13:00:00 in Europe/Berlin (UTC+01:00); 2025-01-31 12:00:00 UTC. The time zone comes from /etc/localtime, not set by aiOS.");
    expect(sysTime.summarize!({ localTime: "2025-01-31 12:00:00", zone: "UTC", utcOffset: "+00:00", utc: base.utc, source: "default", setByAios: false }, {})).toBe("It is 2025-01-31 12:00:00 in UTC (UTC+00:00); 2025-01-31 12:00:00 UTC. No time zone is set: the clock is UTC.");
  });
});
