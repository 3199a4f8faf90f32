/** One service's live state inside the manager, and the process-level helpers it uses. */
import type { spawn } from "../../sys";
import type { ServiceDefinition, ServiceState } from "./definition";
import type { LogStream, ServiceLog } from "./log";

export interface ServiceStatus {
  name: string;
  state: ServiceState;
  enabled: boolean;
  pid: number | null;
  /** ISO time the current process started. */
  since: string | null;
  restarts: number;
  lastExit: { code: number | null; signal: string | null; at: string } | null;
  /** Why it is failed. */
  reason: string | null;
  after: string[];
  log: string;
}

export interface Runtime {
  def: ServiceDefinition;
  state: ServiceState;
  enabled: boolean;
  child: ReturnType<typeof spawn> | null;
  pid: number | null;
  startTicks: number | null;
  startedAt: number | null;
  /** Restart times within the current period. */
  recent: number[];
  restarts: number;
  lastExit: { code: number | null; signal: string | null; at: number } | null;
  reason: string | null;
  timer: ReturnType<typeof setTimeout> | null;
  /** Settles once the current process has exited and its exit has been handled. */
  exited: Promise<void> | null;
  /** A stop was asked for this process: its exit is no failure, even during the ready delay. */
  halting: boolean;
  log: ServiceLog;
}

export function newRuntime(def: ServiceDefinition, log: ServiceLog): Runtime {
  return {
    def,
    state: "stopped",
    enabled: false,
    child: null,
    pid: null,
    startTicks: null,
    startedAt: null,
    recent: [],
    restarts: 0,
    lastExit: null,
    reason: null,
    timer: null,
    exited: null,
    halting: false,
    log,
  };
}

export function statusOf(rt: Runtime): ServiceStatus {
  return {
    name: rt.def.name,
    state: rt.state,
    enabled: rt.enabled,
    pid: rt.pid,
    since: rt.startedAt === null ? null : new Date(rt.startedAt).toISOString(),
    restarts: rt.restarts,
    lastExit: rt.lastExit && { code: rt.lastExit.code, signal: rt.lastExit.signal, at: new Date(rt.lastExit.at).toISOString() },
    reason: rt.reason,
    after: [...rt.def.after],
    log: rt.log.path,
  };
}

/** Signals a service's whole process group (it is a session leader), or the process if the group is gone. */
export function killGroup(pid: number, signal: string): void {
  try {
    process.kill(-pid, signal as NodeJS.Signals);
  } catch {
    try {
      process.kill(pid, signal as NodeJS.Signals);
    } catch {
      // already gone
    }
  }
}

export async function pump(stream: ReadableStream<Uint8Array>, out: LogStream): Promise<void> {
  try {
    for await (const chunk of stream) out.write(chunk);
  } catch {
    // the pipe closed under us; the exit handler reports the exit
  }
  out.end();
}

export function describeExit(e: { code: number | null; signal: string | null } | null): string {
  if (!e) return "unknown";
  return e.signal ? `signal ${e.signal}` : `code ${e.code}`;
}
