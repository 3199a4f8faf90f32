/**
 * Orphan reaping for PID 1. Bun does not reap processes re-parented to it, and
 * waitpid(-1) would race Bun's own pidfd reaping of the children it spawned, so
 * we scan /proc for zombies whose parent is us and reap exactly those.
 */
import { waitpidNoHang } from "./libc";
import { processes, type ProcStat } from "./proc";
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
