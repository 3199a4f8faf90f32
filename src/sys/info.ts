/** The facts `GET /api/v1/system` and the REPL's `status` report, read fresh each time. */
import { hostname } from "node:os";
import { kernelRelease, meminfo, rssBytes, uptimeMs } from "./proc";
import { type EventLoopStats, eventLoopStats } from "./watchdog";

export interface PhaseSummary { name: string; status: string; ms: number }

export interface SystemInfo {
  pid: number;
  hostname: string;
  /** aios-init's own time zone (TZ, set by sys.timezone and at boot) and its local time as Bun prints it. */
  timezone: string;
  localTime: string;
  kernel: string;
  uptimeMs: number;
  /** Resident memory of this process (PID 1 in the VM). */
  rssBytes: number;
  memory: { totalBytes: number; availableBytes: number };
  boot: { readyMs: number | null; mainMs?: number | null; phases: PhaseSummary[] };
  /** Stalls of PID 1's event loop over 100 ms, as the watchdog counted them. */
  eventLoop?: EventLoopStats;
}

export function systemInfo(boot: { readyMs: number | null; mainMs?: number | null; phases: PhaseSummary[] }): SystemInfo {
  return {
    pid: process.pid,
    hostname: hostname(),
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    localTime: new Date().toString(),
    kernel: kernelRelease(),
    uptimeMs: uptimeMs(),
    rssBytes: rssBytes(),
    memory: meminfo(),
    boot: { readyMs: boot.readyMs, mainMs: boot.mainMs ?? null, phases: boot.phases.map(({ name, status, ms }) => ({ name, status, ms })) },
    eventLoop: eventLoopStats(),
  };
}
