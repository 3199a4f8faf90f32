/**
 * process.kill and process.signal. Never pid 1, never aios-init itself, never
 * a kernel thread; in dev mode only processes this aios-init started, so a
 * test or a dev instance cannot signal the developer's own programs.
 */
import { constants } from "node:os";
import * as v from "valibot";
import { isOwnChild } from "../../sys";
import { defineTool, type ToolEnv } from "../define";
import { ProcessError } from "./errors";
import { pidSchema } from "./list";
import { isKernelThread, type ProcInfo, readStat, stillRunning } from "./procfs";

export const SIGNALS = Object.keys(constants.signals).filter((s) => s.startsWith("SIG")) as [string, ...string[]];
const signalName = v.picklist(SIGNALS, "must be a signal name such as SIGTERM");

/** The process `pid` if this tool may signal it; a ProcessError saying why not otherwise. */
export function signalTarget(env: ToolEnv, tool: string, pid: number): ProcInfo {
  if (pid === 1) throw new ProcessError("protected", tool, pid, "is init; refusing to signal it");
  if (pid === process.pid) throw new ProcessError("protected", tool, pid, "is aios-init itself; refusing to signal it");
  const p = readStat(pid);
  if (!p || p.state === "Z") throw new ProcessError("ESRCH", tool, pid, "ESRCH (no such process)");
  if (isKernelThread(p)) throw new ProcessError("protected", tool, pid, `is a kernel thread (${p.comm}); refusing to signal it`);
  if (env.mode === "dev" && !isOwnChild(pid)) throw new ProcessError("protected", tool, pid, "was not started by this aios-init; dev mode signals only its own children");
  return p;
}

function send(tool: string, pid: number, signal: string): void {
  try {
    process.kill(pid, signal as NodeJS.Signals);
  } catch (err) {
    throw new ProcessError((err as { code?: string }).code ?? "failed", tool, pid, `${signal}: ${(err as Error).message}`, { cause: err });
  }
}

/** Waits until the process is gone (or is another process now), polling /proc; false on timeout or abort. */
export async function waitGone(pid: number, startTicks: number, ms: number, signal?: AbortSignal): Promise<boolean> {
  const until = Date.now() + ms;
  while (stillRunning(pid, startTicks)) {
    if (Date.now() >= until || signal?.aborted) return false;
    await Bun.sleep(10);
  }
  return true;
}

export const processSignal = defineTool({
  name: "process.signal",
  description: "Send a signal (SIGHUP to reload, SIGUSR1, SIGSTOP, ...) to a process by pid.",
  input: v.strictObject({ pid: pidSchema, signal: signalName }),
  output: v.object({ pid: v.number(), signal: v.string() }),
  risk: "medium",
  readOnly: false,
  idempotent: false,
  reversible: false,
  timeoutMs: 5_000,
  execute(args, ctx) {
    signalTarget(ctx.env, "process.signal", args.pid);
    send("process.signal", args.pid, args.signal);
    return { pid: args.pid, signal: args.signal };
  },
  summarize: (o) => `Sent ${o.signal} to process ${o.pid}`,
});

export const processKill = defineTool({
  name: "process.kill",
  description: "Terminate a process by pid: signal (default SIGTERM), wait up to waitMs, then SIGKILL if it is still there and escalate is set.",
  input: v.strictObject({
    pid: pidSchema,
    signal: v.optional(signalName, "SIGTERM"),
    waitMs: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(0, "must not be negative"), v.maxValue(60_000, "must be at most 60000")), 5_000),
    escalate: v.optional(v.boolean(), true),
  }),
  output: v.object({ pid: v.number(), signal: v.string(), exited: v.boolean(), escalated: v.boolean() }),
  risk: "high",
  readOnly: false,
  idempotent: true,
  reversible: false,
  timeoutMs: 70_000,
  async execute(args, ctx) {
    const p = signalTarget(ctx.env, "process.kill", args.pid);
    send("process.kill", args.pid, args.signal);
    if (await waitGone(args.pid, p.startTicks, args.waitMs, ctx.signal)) return { pid: args.pid, signal: args.signal, exited: true, escalated: false };
    if (!args.escalate || args.signal === "SIGKILL") return { pid: args.pid, signal: args.signal, exited: false, escalated: false };
    send("process.kill", args.pid, "SIGKILL");
    return { pid: args.pid, signal: args.signal, exited: await waitGone(args.pid, p.startTicks, 2_000, ctx.signal), escalated: true };
  },
  summarize: (o) =>
    o.exited ? `Process ${o.pid} ended after ${o.signal}${o.escalated ? " and SIGKILL" : ""}` : `Process ${o.pid} is still running after ${o.signal}${o.escalated ? " and SIGKILL" : ""}`,
});
