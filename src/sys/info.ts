/** The facts `GET /api/v1/system` and the REPL's `status` report, read fresh each time. */
import { hostname } from "node:os";
import { kernelRelease, meminfo, rssBytes, rssSplit, uptimeMs } from "./proc";
import { type EventLoopStats, eventLoopStats } from "./watchdog";

/** startMs: when the phase started, on the boot clock (ms since the kernel started, as PID 1). */
export interface PhaseSummary { name: string; status: string; startMs?: number; ms: number }

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
  /** rssBytes by kind: anonymous (heaps) and file-backed (the executable's mapped pages). */
  rss?: { anonBytes: number; fileBytes: number };
  memory: { totalBytes: number; availableBytes: number };
  boot: BootTimes & { phases: PhaseSummary[] };
  /** Stalls of PID 1's event loop over 100 ms, as the watchdog counted them. */
  eventLoop?: EventLoopStats;
  /** The running image's version (os-release IMAGE_VERSION) and the program's commit (added by the boot layer). */
  version?: string;
  commit?: string | null;
  /** The system slot (a or b) this boot runs, null when it did not boot from one (added by the boot layer). */
  slot?: string | null;
  /** A/B update state: the slots, what boots next, the history (src/update's UpdateStatus, added by the boot layer). */
  update?: unknown;
}

/** Milliseconds since the kernel started: initramfs/init's start and switch to the system, aios-init's first line and main(), ready. */
export interface BootTimes {
  readyMs: number | null;
  mainMs?: number | null;
  helloMs?: number | null;
  initramfs?: { startMs: number; switchMs: number };
}

export function systemInfo(boot: BootTimes & { phases: PhaseSummary[] }): SystemInfo {
  return {
    pid: process.pid,
    hostname: hostname(),
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    localTime: new Date().toString(),
    kernel: kernelRelease(),
    uptimeMs: uptimeMs(),
    rssBytes: rssBytes(),
    rss: rssSplit(),
    memory: meminfo(),
    boot: {
      readyMs: boot.readyMs,
      mainMs: boot.mainMs ?? null,
      ...(boot.helloMs ? { helloMs: boot.helloMs } : {}),
      ...(boot.initramfs ? { initramfs: boot.initramfs } : {}),
      phases: boot.phases.map(({ name, status, startMs, ms }) => ({ name, status, ...(startMs === undefined ? {} : { startMs }), ms })),
    },
    eventLoop: eventLoopStats(),
  };
}
