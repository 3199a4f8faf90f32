/**
 * What the process tools read from /proc: the fields of /proc/<pid>/stat that
 * matter, split into a pure parser and a reader. USER_HZ is 100 and pages are
 * 4 KiB on every Linux aiOS targets (x86_64, aarch64 with 4K pages).
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

const USER_HZ = 100;
const PAGE = 4096;
/** PF_KTHREAD in include/linux/sched.h. */
const PF_KTHREAD = 0x00200000;

export interface ProcInfo {
  pid: number;
  ppid: number;
  state: string;
  comm: string;
  flags: number;
  utimeMs: number;
  stimeMs: number;
  threads: number;
  /** Start time in clock ticks since boot: with the pid, it identifies a process across pid reuse. */
  startTicks: number;
  rssBytes: number;
}

/** Parses /proc/<pid>/stat; comm may hold spaces and parentheses, so the fields start after the last ')'. */
export function parseStat(text: string): ProcInfo | null {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  const f = text.slice(close + 2).trim().split(" ");
  const n = (i: number) => Number(f[i] ?? 0);
  return {
    pid: Number(text.slice(0, open)),
    comm: text.slice(open + 1, close),
    state: f[0] ?? "?",
    ppid: n(1),
    flags: n(6),
    utimeMs: (n(11) * 1000) / USER_HZ,
    stimeMs: (n(12) * 1000) / USER_HZ,
    threads: n(17),
    startTicks: n(19),
    rssBytes: n(21) * PAGE,
  };
}

export function isKernelThread(p: ProcInfo): boolean {
  return (p.flags & PF_KTHREAD) !== 0 || p.pid === 2 || p.ppid === 2;
}

export function readStat(pid: number, procRoot = "/proc"): ProcInfo | null {
  try {
    return parseStat(readFileSync(`${procRoot}/${pid}/stat`, "utf8"));
  } catch {
    return null;
  }
}

/** argv of a process; empty for kernel threads and zombies. */
export function readCmdline(pid: number, procRoot = "/proc"): string[] {
  try {
    const raw = readFileSync(`${procRoot}/${pid}/cmdline`, "utf8");
    return raw === "" ? [] : raw.replace(/\0$/, "").split("\0");
  } catch {
    return [];
  }
}

const SECRET_FLAG = /^--?[\w-]*(token|password|passwd|secret|api[-_]?key)[\w-]*$/i;
const SECRET_ASSIGN = /^(--?[\w-]*(?:token|password|passwd|secret|api[-_]?key)[\w-]*=)./i;

/**
 * A command line with the values of secret-looking flags hidden
 * (`--token T`, `--password=x`): dev mode's own `--token` must not reach an
 * agent through process.list.
 */
export function redact(argv: readonly string[]): string[] {
  return argv.map((arg, i) => {
    if (i > 0 && SECRET_FLAG.test(argv[i - 1] as string)) return "***";
    const m = SECRET_ASSIGN.exec(arg);
    return m ? `${m[1]}***` : arg;
  });
}

/** /proc/<pid>/status as key → value ("VmRSS" → "1234 kB"). */
export function parseStatus(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const i = line.indexOf(":");
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

export function readStatus(pid: number, procRoot = "/proc"): Record<string, string> {
  try {
    return parseStatus(readFileSync(`${procRoot}/${pid}/status`, "utf8"));
  } catch {
    return {};
  }
}

export function readLink(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null; // another user's process, or a kernel thread
  }
}

export function countFds(pid: number, procRoot = "/proc"): number | null {
  try {
    return readdirSync(`${procRoot}/${pid}/fd`).length;
  } catch {
    return null;
  }
}

export function pids(procRoot = "/proc"): number[] {
  return readdirSync(procRoot)
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
}

/** True while `pid` is the same process (same start time) and has not exited (zombies count as exited). */
export function stillRunning(pid: number, startTicks: number): boolean {
  const p = readStat(pid);
  return p !== null && p.startTicks === startTicks && p.state !== "Z" && p.state !== "X";
}
