/**
 * Turns tool results into the one-line summaries and problem lists that the
 * system agent's `health` and the monitor agent's `check` answer with. Pure
 * functions over the results, so they are tested on recorded shapes; fields
 * a tool does not return are left out of the line rather than guessed.
 */
import type { Attempt } from "./define";

/** Above these a figure is reported as a problem. */
export const THRESHOLDS = { memoryUsedPercent: 90, diskUsedPercent: 90, cpuBusyPercent: 95 } as const;
const DISKS_SHOWN = 3;

type Obj = Record<string, unknown>;

const isObj = (x: unknown): x is Obj => x !== null && typeof x === "object" && !Array.isArray(x);
const num = (x: unknown): number | undefined => (typeof x === "number" && Number.isFinite(x) ? x : undefined);
const str = (x: unknown): string | undefined => (typeof x === "string" ? x : undefined);

function field(o: unknown, ...names: string[]): unknown {
  if (!isObj(o)) return undefined;
  for (const n of names) if (n in o) return o[n];
  return undefined;
}

export function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

export interface MemoryFigures {
  totalBytes: number;
  availableBytes: number;
  usedPercent: number;
}

/** From monitor.memory or hw.info's memory section. */
export function memoryFigures(result: unknown): MemoryFigures | undefined {
  const m = isObj(field(result, "memory")) ? field(result, "memory") : result;
  const total = num(field(m, "totalBytes"));
  const available = num(field(m, "availableBytes"));
  if (total === undefined || available === undefined || total <= 0) return undefined;
  const used = num(field(m, "usedPercent")) ?? Math.round(((total - available) / total) * 1000) / 10;
  return { totalBytes: total, availableBytes: available, usedPercent: used };
}

export interface FsFigures {
  mount: string;
  usedPercent: number;
}

/** From monitor.disk: a list of filesystems, bare or under a key. */
export function diskFigures(result: unknown): FsFigures[] {
  const list = Array.isArray(result) ? result : field(result, "filesystems", "mounts", "disks", "items");
  if (!Array.isArray(list)) return [];
  const out: FsFigures[] = [];
  for (const fs of list) {
    // A read-only image (the runtime disk) is full by construction and cannot fill up further.
    if (field(fs, "readOnly") === true) continue;
    const mount = str(field(fs, "mountpoint", "mount", "path", "target"));
    let used = num(field(fs, "usedPercent", "usePercent", "percent"));
    if (used === undefined) {
      const size = num(field(fs, "sizeBytes", "totalBytes"));
      const free = num(field(fs, "availableBytes", "freeBytes"));
      if (size && free !== undefined) used = Math.round(((size - free) / size) * 1000) / 10;
    }
    if (mount && used !== undefined) out.push({ mount, usedPercent: used });
  }
  return out;
}

/** From monitor.cpu: overall busy percentage. */
export function cpuBusy(result: unknown): number | undefined {
  return num(field(result, "busyPercent")) ?? num(field(field(result, "total"), "busyPercent"));
}

/** From service.list: services whose state says they are down against their will. */
export function failedServices(result: unknown): string[] {
  const list = Array.isArray(result) ? result : field(result, "services", "items");
  if (!Array.isArray(list)) return [];
  return list
    .filter((s) => /^(failed|crashed|backoff|fatal)/.test(str(field(s, "status", "state")) ?? ""))
    .map((s) => str(field(s, "name")) ?? "?");
}

export interface Report {
  ok: boolean;
  summary: string;
  problems: string[];
}

function failures(parts: Record<string, Attempt>): string[] {
  return Object.entries(parts).flatMap(([tool, a]) => (a.ok ? [] : [`${tool}: ${a.error.message}`]));
}

function memoryPart(mem: MemoryFigures | undefined, problems: string[]): string[] {
  if (!mem) return [];
  if (mem.usedPercent >= THRESHOLDS.memoryUsedPercent) problems.push(`memory ${mem.usedPercent}% used`);
  return [`${gib(mem.availableBytes)} of ${gib(mem.totalBytes)} memory available`];
}

function diskPart(disks: FsFigures[], problems: string[]): string[] {
  for (const d of disks) if (d.usedPercent >= THRESHOLDS.diskUsedPercent) problems.push(`${d.mount} ${d.usedPercent}% full`);
  if (!disks.length) return [];
  // The fullest few keep the line short on hosts with many mounts; problems list every full one.
  const shown = [...disks].sort((a, b) => b.usedPercent - a.usedPercent).slice(0, DISKS_SHOWN);
  const more = disks.length - shown.length;
  return [`${shown.map((d) => `${d.mount} ${d.usedPercent}% used`).join(", ")}${more ? ` (+${more} more)` : ""}`];
}

/** The system agent's boot-time health check: hw.info, monitor.memory, monitor.disk. */
export function healthReport(parts: { "hw.info": Attempt; "monitor.memory": Attempt; "monitor.disk": Attempt }): Report {
  const problems = failures(parts);
  const hw = parts["hw.info"];
  const mem = parts["monitor.memory"];
  const disk = parts["monitor.disk"];
  const bits: string[] = [];
  const cpu = hw.ok ? field(hw.result, "cpu") : undefined;
  const count = num(field(cpu, "count"));
  if (count !== undefined) bits.push(`${count} cpu${count === 1 ? "" : "s"}${str(field(cpu, "model")) ? ` (${str(field(cpu, "model"))})` : ""}`);
  bits.push(...memoryPart(memoryFigures(mem.ok ? mem.result : hw.ok ? hw.result : undefined), problems));
  bits.push(...diskPart(disk.ok ? diskFigures(disk.result) : [], problems));
  return { ok: problems.length === 0, summary: bits.join("; ") || "no figures", problems };
}

/** The monitor agent's check: cpu, memory, disk and services. */
export function checkReport(parts: { "monitor.cpu": Attempt; "monitor.memory": Attempt; "monitor.disk": Attempt; "service.list": Attempt }): Report {
  const problems = failures(parts);
  const bits: string[] = [];
  const cpu = parts["monitor.cpu"];
  const busy = cpu.ok ? cpuBusy(cpu.result) : undefined;
  if (busy !== undefined) {
    bits.push(`cpu ${busy}% busy`);
    if (busy >= THRESHOLDS.cpuBusyPercent) problems.push(`cpu ${busy}% busy`);
  }
  const mem = parts["monitor.memory"];
  bits.push(...memoryPart(mem.ok ? memoryFigures(mem.result) : undefined, problems));
  const disk = parts["monitor.disk"];
  bits.push(...diskPart(disk.ok ? diskFigures(disk.result) : [], problems));
  const svc = parts["service.list"];
  if (svc.ok) {
    const failed = failedServices(svc.result);
    const total = Array.isArray(svc.result) ? svc.result.length : (field(svc.result, "services", "items") as unknown[] | undefined)?.length;
    if (total !== undefined) bits.push(`${total} service${total === 1 ? "" : "s"}${failed.length ? `, ${failed.length} failed` : ""}`);
    for (const name of failed) problems.push(`service ${name} failed`);
  }
  return { ok: problems.length === 0, summary: bits.join("; ") || "no figures", problems };
}
