import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { blockDevices, fdTargets, netInterfaces, openFilesUnder, osRelease, parseCpuinfo, parseMeminfo, parseOsRelease, parseProcStat, parseUptimeMs, processes, rssBytes, rssSplit, uname, uptimeMs } from "./proc";

const MEMINFO = `MemTotal:        2035444 kB
MemFree:          512000 kB
MemAvailable:    1500000 kB
Buffers:            1000 kB
SwapTotal:             0 kB
`;

const CPUINFO = `processor\t: 0
vendor_id\t: GenuineIntel
model name\t: QEMU Virtual CPU version 2.5+
flags\t\t: fpu vme de pse  sse2
bogomips\t: 4000.00

processor\t: 1
vendor_id\t: GenuineIntel
model name\t: QEMU Virtual CPU version 2.5+
flags\t\t: fpu vme de pse  sse2

`;

describe("parseUptimeMs", () => {
  test("first field in seconds, to whole ms", () => {
    expect(parseUptimeMs("12345.67 54321.00\n")).toBe(12345670);
    expect(parseUptimeMs("0.42 0.10")).toBe(420);
    expect(parseUptimeMs("3.0005 1.0")).toBe(3001);
  });
});

describe("parseMeminfo", () => {
  test("MemTotal and MemAvailable in bytes", () => {
    expect(parseMeminfo(MEMINFO)).toEqual({ totalBytes: 2035444 * 1024, availableBytes: 1500000 * 1024 });
  });
  test("missing keys read as 0; MemTotal is not confused with other keys", () => {
    expect(parseMeminfo("SwapMemTotal: 5 kB\nMemFree: 7 kB\n")).toEqual({ totalBytes: 0, availableBytes: 0 });
  });
});

describe("parseCpuinfo", () => {
  test("counts processors, takes the first model and its flags", () => {
    expect(parseCpuinfo(CPUINFO)).toEqual({ count: 2, model: "QEMU Virtual CPU version 2.5+", flags: ["fpu", "vme", "de", "pse", "sse2"] });
  });
  test("no model name (e.g. arm64) gives unknown and no flags", () => {
    expect(parseCpuinfo("processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd\n")).toEqual({ count: 1, model: "unknown", flags: [] });
  });
  test("empty text", () => {
    expect(parseCpuinfo("")).toEqual({ count: 0, model: "unknown", flags: [] });
  });
});

describe("parseProcStat", () => {
  test("a plain line", () => {
    expect(parseProcStat("1 (aios-init) S 0 1 1 0 -1 4194560 2 0 0 0")).toEqual({ pid: 1, comm: "aios-init", state: "S", ppid: 0 });
  });
  test("comm with spaces and parentheses splits at the last ')'", () => {
    expect(parseProcStat("123 (a (b) c) Z 1 123 123 0 -1")).toEqual({ pid: 123, comm: "a (b) c", state: "Z", ppid: 1 });
  });
  test("comm that is just ') ('", () => {
    expect(parseProcStat("77 () () R 5 77 77")).toEqual({ pid: 77, comm: ") (", state: "R", ppid: 5 });
  });
  test("garbage gives null", () => {
    expect(parseProcStat("")).toBeNull();
    expect(parseProcStat("123 no parens here")).toBeNull();
    expect(parseProcStat("123 ) bad ( order")).toBeNull();
  });
});

describe("processes on the real /proc", () => {
  test("finds this test process with the right ppid", () => {
    const me = processes().find((p) => p.pid === process.pid);
    expect(me).toBeDefined();
    expect(me!.ppid).toBe(process.ppid);
    expect(me!.state).toMatch(/^[RS]$/);
    expect(me!.comm.length).toBeGreaterThan(0);
  });

  test("uptime and rss are plausible", () => {
    expect(uptimeMs()).toBeGreaterThan(0);
    expect(rssBytes()).toBeGreaterThan(1024 * 1024);
    expect(rssBytes(process.pid) % 1024).toBe(0);
  });

  test("rss splits into anonymous and file-backed pages that add up to about the whole", () => {
    const { anonBytes, fileBytes } = rssSplit();
    expect(anonBytes).toBeGreaterThan(1024 * 1024); // the JS heap at least
    expect(fileBytes).toBeGreaterThan(1024 * 1024); // bun's own mapped code
    expect(Math.abs(anonBytes + fileBytes - rssBytes()) / rssBytes()).toBeLessThan(0.2); // RssShmem and growth between reads aside
    expect(rssSplit(2 ** 22 + 12345)).toEqual({ anonBytes: 0, fileBytes: 0 }); // no such process
  });
});

describe("readers on fixture trees", () => {
  const root = mkdtempSync(join(tmpdir(), "aios-proc-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test("processes() reads numeric dirs only and skips unreadable ones", () => {
    const proc = join(root, "proc");
    for (const [pid, stat] of [["1", "1 (init) S 0 1 1"], ["42", "42 (my (odd) name) Z 1 42 42"]] as const) {
      mkdirSync(join(proc, pid), { recursive: true });
      writeFileSync(join(proc, pid, "stat"), `${stat}\n`);
    }
    mkdirSync(join(proc, "99"), { recursive: true }); // vanished between readdir and read
    mkdirSync(join(proc, "self"), { recursive: true });
    writeFileSync(join(proc, "self", "stat"), "5 (self) S 1");
    writeFileSync(join(proc, "uptime"), "1.0 1.0");
    const list = processes(proc).sort((a, b) => a.pid - b.pid);
    expect(list).toEqual([
      { pid: 1, comm: "init", state: "S", ppid: 0 },
      { pid: 42, comm: "my (odd) name", state: "Z", ppid: 1 },
    ]);
  });

  test("blockDevices() skips loop/ram/zram and reads size and ro", () => {
    const sys = join(root, "block");
    for (const [name, size, ro] of [["vda", "2097152", "0"], ["sr0", "100", "1"], ["loop0", "8", "0"], ["ram1", "8", "0"], ["zram0", "8", "0"]] as const) {
      mkdirSync(join(sys, name), { recursive: true });
      writeFileSync(join(sys, name, "size"), `${size}\n`);
      writeFileSync(join(sys, name, "ro"), `${ro}\n`);
    }
    expect(blockDevices(sys).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: "sr0", sizeBytes: 100 * 512, readOnly: true },
      { name: "vda", sizeBytes: 2097152 * 512, readOnly: false },
    ]);
    expect(blockDevices(join(root, "missing"))).toEqual([]);
  });

  test("netInterfaces() reads mac, state and driver", () => {
    const net = join(root, "net");
    mkdirSync(join(net, "lo"), { recursive: true });
    writeFileSync(join(net, "lo", "address"), "00:00:00:00:00:00\n");
    writeFileSync(join(net, "lo", "operstate"), "unknown\n");
    mkdirSync(join(net, "eth0", "device"), { recursive: true });
    writeFileSync(join(net, "eth0", "address"), "52:54:00:12:34:56\n");
    writeFileSync(join(net, "eth0", "operstate"), "up\n");
    symlinkSync("../../../bus/virtio/drivers/virtio_net", join(net, "eth0", "device", "driver"));
    expect(netInterfaces(net).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: "eth0", mac: "52:54:00:12:34:56", state: "up", driver: "virtio_net" },
      { name: "lo", mac: "00:00:00:00:00:00", state: "unknown", driver: null },
    ]);
    expect(netInterfaces(join(root, "missing"))).toEqual([]);
  });
});

describe("uname", () => {
  test("a fixture tree, and the fallback for a kernel before 6.1 (no arch file)", () => {
    const d = mkdtempSync(join(tmpdir(), "aios-uname-"));
    try {
      writeFileSync(join(d, "ostype"), "Linux\n");
      writeFileSync(join(d, "osrelease"), "6.1.0-56-cloud-amd64\n");
      writeFileSync(join(d, "version"), "#1 SMP PREEMPT_DYNAMIC Debian 6.1.158-1 (2025-11-09)\n");
      expect(uname(d)).toEqual({ sysname: "Linux", release: "6.1.0-56-cloud-amd64", version: "#1 SMP PREEMPT_DYNAMIC Debian 6.1.158-1 (2025-11-09)", machine: process.arch === "x64" ? "x86_64" : expect.any(String) });
      writeFileSync(join(d, "arch"), "aarch64\n");
      expect(uname(d).machine).toBe("aarch64");
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
  test("this host agrees with uname(1)", () => {
    const u = uname();
    const sh = (flag: string) => Bun.spawnSync(["uname", flag]).stdout.toString().trim();
    expect([u.sysname, u.release, u.version, u.machine]).toEqual([sh("-s"), sh("-r"), sh("-v"), sh("-m")]);
  });
});

describe("os-release", () => {
  test("quotes, escapes, comments and junk", () => {
    const text = [
      "# a comment",
      'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"',
      "NAME='Debian GNU/Linux'",
      "VERSION_ID=12",
      'VARIANT="say \\"hi\\" for \\$5"',
      "lowercase=ignored",
      "not a line",
      "",
    ].join("\n");
    expect(parseOsRelease(text)).toEqual({ PRETTY_NAME: "Debian GNU/Linux 12 (bookworm)", NAME: "Debian GNU/Linux", VERSION_ID: "12", VARIANT: 'say "hi" for $5' });
  });
  test("the first file that exists; null when none does", () => {
    const d = mkdtempSync(join(tmpdir(), "aios-osr-"));
    try {
      expect(osRelease([join(d, "a"), join(d, "b")])).toBeNull();
      writeFileSync(join(d, "b"), "ID=aios\n");
      expect(osRelease([join(d, "a"), join(d, "b")])).toEqual({ path: join(d, "b"), fields: { ID: "aios" } });
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
  test.skipIf(osRelease() === null)("this host's os-release has a NAME or an ID", () => {
    const r = osRelease()!;
    expect(r.fields.NAME ?? r.fields.ID).toBeTruthy();
    expect(readFileSync(r.path, "utf8")).toContain(r.fields.NAME ?? r.fields.ID!);
  });
});

describe("fdTargets", () => {
  test("this process's open files; a process that is gone has none", () => {
    const d = mkdtempSync(join(tmpdir(), "aios-fd-"));
    const fd = openSync(join(d, "held"), "w");
    try {
      expect(fdTargets()).toContain(join(d, "held"));
      expect(openFilesUnder(d)).toEqual([join(d, "held")]);
      expect(fdTargets(4_194_304 + 1)).toEqual([]);
    } finally {
      closeSync(fd);
      rmSync(d, { recursive: true, force: true });
    }
  });
});
