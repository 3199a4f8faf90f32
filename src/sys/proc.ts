/**
 * Readers of /proc and /sys. Each reader is split into a pure parser (tested on
 * fixtures) and a thin function that reads the real file.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

function readText(path: string): string {
  return readFileSync(path, "utf8");
}

function tryRead(path: string): string | undefined {
  try {
    return readText(path).trim();
  } catch {
    return undefined;
  }
}

export function parseUptimeMs(text: string): number {
  return Math.round(Number.parseFloat(text.split(/\s+/)[0] ?? "0") * 1000);
}

export function uptimeMs(): number {
  return parseUptimeMs(readText("/proc/uptime"));
}

/** The boot report's clock: as PID 1, milliseconds since the kernel started (/proc/uptime, in 10 ms steps); on a host, since this process started. */
export function bootClockMs(): number {
  return process.pid === 1 ? uptimeMs() : Math.round(performance.now());
}

export interface MemInfo { totalBytes: number; availableBytes: number }

export function parseMeminfo(text: string): MemInfo {
  const kb = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(text);
    return m ? Number(m[1]) * 1024 : 0;
  };
  return { totalBytes: kb("MemTotal"), availableBytes: kb("MemAvailable") };
}

export function meminfo(): MemInfo {
  return parseMeminfo(readText("/proc/meminfo"));
}

export interface CpuInfo { count: number; model: string; flags: string[] }

export function parseCpuinfo(text: string): CpuInfo {
  const count = (text.match(/^processor\s*:/gm) ?? []).length;
  const model = /^model name\s*:\s*(.*)$/m.exec(text)?.[1]?.trim() ?? "unknown";
  const flags = /^flags\s*:\s*(.*)$/m.exec(text)?.[1]?.trim().split(/\s+/) ?? [];
  return { count, model, flags };
}

export function cpuinfo(): CpuInfo {
  return parseCpuinfo(readText("/proc/cpuinfo"));
}

export function kernelRelease(): string {
  return tryRead("/proc/sys/kernel/osrelease") ?? "unknown";
}

/** uname(2)'s fields, from /proc/sys/kernel. */
export interface Uname {
  /** `Linux` */
  sysname: string;
  /** `6.1.0-56-cloud-amd64` */
  release: string;
  /** `#1 SMP PREEMPT_DYNAMIC Debian 6.1.x (2025-...)` */
  version: string;
  /** `x86_64`, `aarch64` */
  machine: string;
}

/** Node's names for the machines aiOS runs on, as uname -m spells them. */
const MACHINES: Record<string, string> = { x64: "x86_64", arm64: "aarch64", ia32: "i686", arm: "armv7l", riscv64: "riscv64", ppc64: "ppc64le", s390x: "s390x" };

/**
 * uname without a libc call. /proc/sys/kernel/arch came with Linux 6.1's
 * sysctl cleanup; before it the machine is what this binary was built for,
 * which is the kernel's own on every system aiOS supports (no compat layers).
 */
export function uname(procSys = "/proc/sys/kernel"): Uname {
  return {
    sysname: tryRead(`${procSys}/ostype`) ?? "Linux",
    release: tryRead(`${procSys}/osrelease`) ?? "unknown",
    version: tryRead(`${procSys}/version`) ?? "unknown",
    machine: tryRead(`${procSys}/arch`) ?? MACHINES[process.arch] ?? process.arch,
  };
}

/**
 * os-release(5): `KEY=value` lines, values optionally quoted, with shell
 * escapes (\\, \", \$, \`) inside double quotes; comments and malformed lines skipped.
 */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(raw.trim());
    if (!m) continue;
    let value = m[2]!;
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1).replace(/\\([\\"$`])/g, "$1");
    else if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) value = value.slice(1, -1);
    out[m[1]!] = value;
  }
  return out;
}

/** The first os-release file that exists (/etc wins over /usr/lib, as os-release(5) says), or null. */
export function osRelease(paths: readonly string[] = ["/etc/os-release", "/usr/lib/os-release"]): { path: string; fields: Record<string, string> } | null {
  for (const path of paths) {
    const text = tryRead(path);
    if (text !== undefined) return { path, fields: parseOsRelease(text) };
  }
  return null;
}

export function kernelCmdline(): string {
  return tryRead("/proc/cmdline") ?? "";
}

export interface BlockDevice { name: string; sizeBytes: number; readOnly: boolean }

/** Disks the kernel knows, without loop and RAM devices. */
export function blockDevices(sysBlock = "/sys/block"): BlockDevice[] {
  let names: string[];
  try {
    names = readdirSync(sysBlock);
  } catch {
    return [];
  }
  return names
    .filter((n) => !/^(loop|ram|zram)\d+/.test(n))
    .map((name) => ({
      name,
      sizeBytes: Number(tryRead(`${sysBlock}/${name}/size`) ?? 0) * 512,
      readOnly: tryRead(`${sysBlock}/${name}/ro`) === "1",
    }));
}

export interface NetInterface { name: string; mac: string; state: string; driver: string | null }

export function netInterfaces(sysNet = "/sys/class/net"): NetInterface[] {
  let names: string[];
  try {
    names = readdirSync(sysNet);
  } catch {
    return [];
  }
  return names.map((name) => {
    let driver: string | null = null;
    try {
      driver = readlinkSync(`${sysNet}/${name}/device/driver`).split("/").pop() ?? null;
    } catch {
      // virtual interfaces (lo) have no device
    }
    return { name, mac: tryRead(`${sysNet}/${name}/address`) ?? "", state: tryRead(`${sysNet}/${name}/operstate`) ?? "unknown", driver };
  });
}

export interface ProcStat { pid: number; comm: string; state: string; ppid: number }

/** Parses /proc/<pid>/stat; comm may contain spaces and parentheses, so split at the last ')'. */
export function parseProcStat(text: string): ProcStat | null {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  const rest = text.slice(close + 2).split(" ");
  return { pid: Number(text.slice(0, open)), comm: text.slice(open + 1, close), state: rest[0] ?? "?", ppid: Number(rest[1]) };
}

export function processes(procRoot = "/proc"): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync(procRoot)) {
    if (!/^\d+$/.test(name)) continue;
    const text = tryRead(`${procRoot}/${name}/stat`);
    const stat = text ? parseProcStat(text) : null;
    if (stat) out.push(stat);
  }
  return out;
}

/** RSS of a process in bytes, from /proc/<pid>/status. */
export function rssBytes(pid: number | "self" = "self"): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(tryRead(`/proc/${pid}/status`) ?? "");
  return m ? Number(m[1]) * 1024 : 0;
}

/**
 * A process's resident memory by kind (/proc/PID/status): anonymous (heaps, stacks) and
 * file-backed (mapped pages of its executable and libraries, shared with the page cache);
 * zeros when gone or not ours to see.
 */
export function rssSplit(pid: number | "self" = "self"): { anonBytes: number; fileBytes: number } {
  const status = tryRead(`/proc/${pid}/status`) ?? "";
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
  return { anonBytes: kb("RssAnon"), fileBytes: kb("RssFile") };
}

/** What each open file descriptor of a process points at (`/etc/x`, `socket:[1234]`, `pipe:[5]`); empty when gone or not ours to see. */
export function fdTargets(pid: number | "self" = "self", procRoot = "/proc"): string[] {
  const fdDir = `${procRoot}/${pid}/fd`;
  let fds: string[];
  try {
    fds = readdirSync(fdDir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const fd of fds) {
    try {
      out.push(readlinkSync(`${fdDir}/${fd}`));
    } catch {
      // closed while we looked
    }
  }
  return out;
}

/** Files a process holds open under a directory (what keeps a mount busy). */
export function openFilesUnder(dir: string, pid: number | "self" = "self", procRoot = "/proc"): string[] {
  const prefix = dir.endsWith("/") ? dir : `${dir}/`;
  const held = fdTargets(pid, procRoot).filter((target) => target === dir || target.startsWith(prefix));
  return [...new Set(held)].sort();
}
