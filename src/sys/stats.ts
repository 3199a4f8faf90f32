/**
 * Live system figures from /proc: CPU times, load, memory, mounts. Like
 * proc.ts, each reader is a pure parser (tested on recorded text) plus a thin
 * function that reads the real file.
 */
import { readFileSync } from "node:fs";
import { errorCode } from "./errors";

/** Jiffies one CPU (or all, `cpu`) spent in each state since boot, from /proc/stat. */
export interface CpuTimes {
  name: string;
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

/**
 * The `cpu` and `cpuN` lines of /proc/stat. guest and guest_nice are already
 * counted in user and nice, so they are left out to avoid counting them twice.
 * Old kernels have fewer columns; missing ones read as 0.
 */
export function parseCpuTimes(text: string): { total: CpuTimes | null; cpus: CpuTimes[] } {
  let total: CpuTimes | null = null;
  const cpus: CpuTimes[] = [];
  for (const line of text.split("\n")) {
    const m = /^(cpu\d*)\s+(.*)$/.exec(line);
    if (!m) continue;
    const n = m[2]!.trim().split(/\s+/).map((s) => Number(s) || 0);
    const times: CpuTimes = {
      name: m[1]!,
      user: n[0] ?? 0, nice: n[1] ?? 0, system: n[2] ?? 0, idle: n[3] ?? 0,
      iowait: n[4] ?? 0, irq: n[5] ?? 0, softirq: n[6] ?? 0, steal: n[7] ?? 0,
    };
    if (times.name === "cpu") total = times;
    else cpus.push(times);
  }
  return { total, cpus };
}

export function cpuTimes(): { total: CpuTimes | null; cpus: CpuTimes[] } {
  return parseCpuTimes(readFileSync("/proc/stat", "utf8"));
}

/** Percentages of the interval between two samples; they sum to 100 (up to rounding). */
export interface CpuUsage {
  name: string;
  busyPercent: number;
  userPercent: number;
  systemPercent: number;
  iowaitPercent: number;
  stealPercent: number;
  idlePercent: number;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * Usage between two samples of the same CPU. iowait counts as idle for
 * `busyPercent` (the CPU could have run something else), as top does. A CPU
 * that went offline between samples can show counters going backwards: those
 * deltas are clamped to 0, and an interval with no ticks reads as all idle.
 */
export function cpuUsage(before: CpuTimes, after: CpuTimes): CpuUsage {
  const d = (k: Exclude<keyof CpuTimes, "name">) => Math.max(0, after[k] - before[k]);
  const user = d("user") + d("nice");
  const system = d("system") + d("irq") + d("softirq");
  const idle = d("idle");
  const iowait = d("iowait");
  const steal = d("steal");
  const total = user + system + idle + iowait + steal;
  if (total === 0) return { name: after.name, busyPercent: 0, userPercent: 0, systemPercent: 0, iowaitPercent: 0, stealPercent: 0, idlePercent: 100 };
  const pct = (x: number) => round1((x / total) * 100);
  return {
    name: after.name,
    busyPercent: pct(user + system + steal),
    userPercent: pct(user),
    systemPercent: pct(system),
    iowaitPercent: pct(iowait),
    stealPercent: pct(steal),
    idlePercent: pct(idle + iowait),
  };
}

export interface LoadAverage { one: number; five: number; fifteen: number; runnable: number; tasks: number }

/** `0.10 0.23 0.17 1/97 7405`: the three averages, then runnable/total scheduling entities. */
export function parseLoadavg(text: string): LoadAverage {
  const [one, five, fifteen, ratio] = text.trim().split(/\s+/);
  const [runnable, tasks] = (ratio ?? "0/0").split("/");
  return { one: Number(one) || 0, five: Number(five) || 0, fifteen: Number(fifteen) || 0, runnable: Number(runnable) || 0, tasks: Number(tasks) || 0 };
}

export function loadavg(): LoadAverage {
  return parseLoadavg(readFileSync("/proc/loadavg", "utf8"));
}

export interface MemoryStats {
  totalBytes: number;
  freeBytes: number;
  availableBytes: number;
  buffersBytes: number;
  cachedBytes: number;
  swapTotalBytes: number;
  swapFreeBytes: number;
  /** total - available: what cannot be reclaimed without swapping. */
  usedBytes: number;
  usedPercent: number;
  swapUsedBytes: number;
  swapUsedPercent: number;
}

/**
 * The /proc/meminfo fields `free` shows. Kernels before 3.14 have no
 * MemAvailable; there it is estimated as free + buffers + cached, as procps does.
 */
export function parseMemoryStats(text: string): MemoryStats {
  const kb = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  };
  const totalBytes = kb("MemTotal") ?? 0;
  const freeBytes = kb("MemFree") ?? 0;
  const buffersBytes = kb("Buffers") ?? 0;
  const cachedBytes = kb("Cached") ?? 0;
  const availableBytes = Math.min(totalBytes, kb("MemAvailable") ?? freeBytes + buffersBytes + cachedBytes);
  const swapTotalBytes = kb("SwapTotal") ?? 0;
  const swapFreeBytes = kb("SwapFree") ?? 0;
  const usedBytes = totalBytes - availableBytes;
  const swapUsedBytes = Math.max(0, swapTotalBytes - swapFreeBytes);
  return {
    totalBytes, freeBytes, availableBytes, buffersBytes, cachedBytes, swapTotalBytes, swapFreeBytes,
    usedBytes,
    usedPercent: totalBytes ? round1((usedBytes / totalBytes) * 100) : 0,
    swapUsedBytes,
    swapUsedPercent: swapTotalBytes ? round1((swapUsedBytes / swapTotalBytes) * 100) : 0,
  };
}

export function memoryStats(): MemoryStats {
  return parseMemoryStats(readFileSync("/proc/meminfo", "utf8"));
}

export interface Mount { device: string; mountpoint: string; fstype: string; options: string[] }

/** /proc/mounts escapes space, tab, newline and backslash in paths as octal (`\040`). */
function unescapeMountField(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
}

export function parseMounts(text: string): Mount[] {
  const out: Mount[] = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4) continue;
    out.push({ device: unescapeMountField(f[0]!), mountpoint: unescapeMountField(f[1]!), fstype: f[2]!, options: f[3]!.split(",") });
  }
  return out;
}

export function mounts(path = "/proc/mounts"): Mount[] {
  return parseMounts(readFileSync(path, "utf8"));
}

/** Kernel-interface filesystems that hold no user data; `df` hides them too. */
export const PSEUDO_FILESYSTEMS: ReadonlySet<string> = new Set([
  "proc", "sysfs", "devtmpfs", "devpts", "cgroup", "cgroup2", "securityfs", "debugfs", "tracefs",
  "pstore", "bpf", "mqueue", "hugetlbfs", "configfs", "fusectl", "autofs", "binfmt_misc",
  "efivarfs", "rpc_pipefs", "nsfs", "selinuxfs", "nfsd",
]);

/**
 * The mount that holds `path` (an absolute, already resolved path): the
 * longest mountpoint that is `path` or a parent of it; the last such mount wins,
 * because a later mount on the same point hides the earlier one.
 */
export function mountFor(list: readonly Mount[], path: string): Mount | undefined {
  let best: Mount | undefined;
  for (const m of list) {
    const mp = m.mountpoint;
    const covers = mp === "/" || path === mp || path.startsWith(mp.endsWith("/") ? mp : `${mp}/`);
    if (covers && (!best || mp.length >= best.mountpoint.length)) best = m;
  }
  return best;
}

/** When the system booted, in seconds since the epoch: the `btime` line of /proc/stat; null when absent. */
export function parseBootTime(text: string): number | null {
  const m = /^btime\s+(\d+)\s*$/m.exec(text);
  return m ? Number(m[1]) : null;
}

/** One line of a /proc/pressure file: the share of time (percent) some or all tasks stalled, and the total in µs. */
export interface PressureFigures { avg10: number; avg60: number; avg300: number; totalUs: number }

export interface Pressure {
  /** Some task stalled on the resource. */
  some: PressureFigures | null;
  /** Every non-idle task stalled at once (cpu has it since 5.13, always 0 system-wide). */
  full: PressureFigures | null;
}

export const PRESSURE_RESOURCES = ["cpu", "memory", "io"] as const;
export type PressureResource = (typeof PRESSURE_RESOURCES)[number];

/** `some avg10=0.96 avg60=5.59 avg300=7.25 total=51697341` and the `full` line (see Documentation/accounting/psi.rst). */
export function parsePressure(text: string): Pressure {
  const out: Pressure = { some: null, full: null };
  for (const line of text.split("\n")) {
    const m = /^(some|full)\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const kv = Object.fromEntries(m[2]!.split(/\s+/).map((f) => f.split("=") as [string, string]));
    const n = (k: string) => {
      const x = Number(kv[k]);
      return Number.isFinite(x) ? x : 0;
    };
    out[m[1] as "some" | "full"] = { avg10: n("avg10"), avg60: n("avg60"), avg300: n("avg300"), totalUs: n("total") };
  }
  return out;
}

/**
 * /proc/pressure/<resource>, or why it cannot be read: kernels without
 * CONFIG_PSI have no directory (ENOENT), and with `psi=0` on the command line
 * reading fails with EOPNOTSUPP.
 */
export function pressure(resource: PressureResource, dir = "/proc/pressure"): { ok: true; pressure: Pressure } | { ok: false; code: string } {
  try {
    return { ok: true, pressure: parsePressure(readFileSync(`${dir}/${resource}`, "utf8")) };
  } catch (err) {
    return { ok: false, code: errorCode(err) ?? "EIO" };
  }
}
