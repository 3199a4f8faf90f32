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

/** Files a process holds open under a directory (what keeps a mount busy). */
export function openFilesUnder(dir: string, pid: number | "self" = "self", procRoot = "/proc"): string[] {
  const prefix = dir.endsWith("/") ? dir : `${dir}/`;
  const fdDir = `${procRoot}/${pid}/fd`;
  let fds: string[];
  try {
    fds = readdirSync(fdDir);
  } catch {
    return [];
  }
  const held: string[] = [];
  for (const fd of fds) {
    try {
      const target = readlinkSync(`${fdDir}/${fd}`);
      if (target === dir || target.startsWith(prefix)) held.push(target);
    } catch {
      // closed while we looked
    }
  }
  return [...new Set(held)].sort();
}
