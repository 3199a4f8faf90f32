/**
 * Orphan reaping for PID 1. Bun does not reap processes re-parented to it, and
 * waitpid(-1) would race Bun's own pidfd reaping of the children it spawned, so
 * we scan /proc for zombies whose parent is us and reap exactly those.
 */
import { readdirSync, readFileSync } from "node:fs";
import { waitpidNoHang } from "./libc";
import { parseProcStat, processes, type ProcStat } from "./proc";
import { isOwnChild } from "./spawn";

export interface Reaped { pid: number; comm: string; status: number }

export function reapOrphans(list: () => ProcStat[] = processes, wait = waitpidNoHang): Reaped[] {
  const reaped: Reaped[] = [];
  for (const p of list()) {
    if (p.state !== "Z" || p.ppid !== process.pid || isOwnChild(p.pid)) continue;
    try {
      const r = wait(p.pid);
      if (r) reaped.push({ pid: p.pid, comm: p.comm, status: r.status });
    } catch {
      // ECHILD: someone else reaped it between the scan and the wait.
    }
  }
  return reaped;
}

/** /proc/<pid>/stat read between two yields: with thousands of processes a whole scan held PID 1 for ~0.5 s under TCG. */
const SLICE = 64;

function statOf(pid: number): ProcStat | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, "latin1"));
  } catch {
    return null; // gone between the listing and the read
  }
}

function pidsOf(): number[] {
  return readdirSync("/proc").filter((n) => /^\d+$/.test(n)).map(Number);
}

/**
 * reapOrphans in slices: the event loop gets a turn every SLICE processes,
 * so 1,000 orphans (or an agent that forks them) cannot stall PID 1.
 */
export async function reapOrphansSliced(
  opts: { pids?: () => number[]; stat?: (pid: number) => ProcStat | null; wait?: typeof waitpidNoHang; slice?: number; pause?: () => Promise<void> } = {},
): Promise<Reaped[]> {
  const { pids = pidsOf, stat = statOf, wait = waitpidNoHang, slice = SLICE, pause = () => Bun.sleep(0) } = opts;
  const all = pids();
  const reaped: Reaped[] = [];
  for (let i = 0; i < all.length; i += slice) {
    if (i > 0) await pause();
    const batch: ProcStat[] = [];
    for (const pid of all.slice(i, i + slice)) {
      const p = stat(pid);
      if (p) batch.push(p);
    }
    reaped.push(...reapOrphans(() => batch, wait));
  }
  return reaped;
}
