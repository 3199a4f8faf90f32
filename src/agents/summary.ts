/**
 * Turns tool results into the one-line summaries and problem lists that the
 * system agent's `health` and the monitor agent's `check` answer with. Pure
 * functions over the results as the tools' output schemas type them (no key
 * is guessed); a tool that failed leaves its part out of the line and names
 * itself among the problems.
 */
import type { hwInfo, monitorCpu, monitorDisk, monitorMemory, serviceList, ToolResult } from "../tools";
import type { Attempt } from "./define";

/** Above these a figure is reported as a problem. */
export const THRESHOLDS = { memoryUsedPercent: 90, diskUsedPercent: 90, cpuBusyPercent: 95 } as const;
const DISKS_SHOWN = 3;

/** The results the reports read, typed by the tools' output schemas. */
export type CpuResult = ToolResult<typeof monitorCpu>;
export type MemoryResult = ToolResult<typeof monitorMemory>;
export type DiskResult = ToolResult<typeof monitorDisk>;
export type ServicesResult = ToolResult<typeof serviceList>;
export type HwResult = ToolResult<typeof hwInfo>;

export function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

export interface MemoryFigures {
  totalBytes: number;
  availableBytes: number;
  usedPercent: number;
}

/** From monitor.memory, or hw.info's memory section (which has no percentage). */
export function memoryFigures(m: { totalBytes: number; availableBytes: number; usedPercent?: number } | undefined): MemoryFigures | undefined {
  if (!m || m.totalBytes <= 0) return undefined;
  const used = m.usedPercent ?? Math.round(((m.totalBytes - m.availableBytes) / m.totalBytes) * 1000) / 10;
  return { totalBytes: m.totalBytes, availableBytes: m.availableBytes, usedPercent: used };
}

export interface FsFigures {
  mount: string;
  usedPercent: number;
}

/** From monitor.disk: the writable filesystems. */
export function diskFigures(d: DiskResult): FsFigures[] {
  // A read-only filesystem (a squashfs image, a read-only disk) is full by construction and cannot fill up further.
  return d.filesystems.filter((fs) => !fs.readOnly).map((fs) => ({ mount: fs.mountpoint, usedPercent: fs.usedPercent }));
}

/** From service.list: the services that are down against their will (failed, or waiting to be restarted after a crash). */
export function failedServices(s: ServicesResult): string[] {
  return s.services.filter((x) => x.state === "failed" || x.state === "backoff").map((x) => x.name);
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
export function healthReport(parts: { "hw.info": Attempt<HwResult>; "monitor.memory": Attempt<MemoryResult>; "monitor.disk": Attempt<DiskResult> }): Report {
  const problems = failures(parts);
  const hw = parts["hw.info"];
  const mem = parts["monitor.memory"];
  const disk = parts["monitor.disk"];
  const bits: string[] = [];
  const cpu = hw.ok ? hw.result.cpu : undefined;
  if (cpu) bits.push(`${cpu.count} cpu${cpu.count === 1 ? "" : "s"}${cpu.model ? ` (${cpu.model})` : ""}`);
  bits.push(...memoryPart(memoryFigures(mem.ok ? mem.result : hw.ok ? hw.result.memory : undefined), problems));
  bits.push(...diskPart(disk.ok ? diskFigures(disk.result) : [], problems));
  return { ok: problems.length === 0, summary: bits.join("; ") || "no figures", problems };
}

/** The monitor agent's check: cpu, memory, disk and services. */
export function checkReport(parts: CheckParts): Report {
  const problems = failures(parts);
  const bits: string[] = [];
  const cpu = parts["monitor.cpu"];
  if (cpu.ok) {
    const busy = cpu.result.total.busyPercent;
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
    const total = svc.result.services.length;
    bits.push(`${total} service${total === 1 ? "" : "s"}${failed.length ? `, ${failed.length} failed` : ""}`);
    for (const name of failed) problems.push(`service ${name} failed`);
  }
  return { ok: problems.length === 0, summary: bits.join("; ") || "no figures", problems };
}

/** What the monitor agent's check gathers: each tool's attempt, typed. */
export type CheckParts = {
  "monitor.cpu": Attempt<CpuResult>;
  "monitor.memory": Attempt<MemoryResult>;
  "monitor.disk": Attempt<DiskResult>;
  "service.list": Attempt<ServicesResult>;
};

/** The monitor agent's answer to `check` (the autonomy loop reads it). */
export type CheckAnswer = Report & { results: CheckParts };
