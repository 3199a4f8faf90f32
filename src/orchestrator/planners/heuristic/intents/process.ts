/**
 * Processes: kill (by pid, or by a name a probe resolves to exactly one
 * process; refused when it is ambiguous), send a signal, show one, list
 * those matching a name.
 */
import { defineIntent, IntentRefusal, refuse } from "../intent";
import { call, probe, task } from "./common";

export interface KillArgs {
  pid?: number;
  name?: string;
  /** killall: every process of that name (said so). */
  all?: boolean;
  signal?: string;
}

const PROC = "(process|pid|proc|task|program)";

export const killProcess = defineIntent<KillArgs>({
  name: "kill-process",
  summary: "kill a process",
  examples: ["kill process 1234", "kill -9 4242", "terminate pid 77", "kill htop"],
  forms: [
    `(kill|terminate|end|stop|(force kill|force-kill|forcefully kill|hard kill|force quit|force stop) <signal=SIGKILL>) [{signal:signal}] ${PROC} [number|#|id] {pid:pid}`,
    "(force kill|force-kill|forcefully kill|hard kill) {pid:pid} <signal=SIGKILL>",
    "kill [{signal:signal}] {pid:pid}",
    `(kill|terminate|end|stop) [the] ${PROC} (with|having|whose) (pid|id|process id) [is] {pid:pid}`,
    "kill -s {signal:signal} {pid:pid}",
    `(kill|kill off|terminate|end|(force kill|force-kill|forcefully kill|hard kill|force quit) <signal=SIGKILL>) [{signal:signal}] [${PROC}] {name:name} [${PROC}]`,
    // "Stop the sleep process": with the word process it is one, not a service ("stop sleep" stays a service).
    `(stop|shut down|shut|halt|quit|exit|close) [the] ${PROC} (named|called) {name:name}`,
    `(stop|shut down|shut|halt|quit|exit|close) [the] ${PROC} {name:name}`,
    `(stop|shut down|shut|halt|quit|exit|close) [the] {name:name} (${PROC.slice(1, -1)}|app|application)`,
    "(quit|exit) {name:name}",
    `(killall|pkill) [{signal:signal}] {name:name} <all=true>`,
    `(kill|terminate) all {name:name} (processes|process|instances) <all=true>`,
  ],
  qualifiers: ["(forcefully|by force|with force|hard|with sigkill|with kill) <signal=SIGKILL>", "(gracefully|nicely|politely|with sigterm) <signal=SIGTERM>", "with [signal] {signal:signal}"],
  build(c) {
    if (c.conflicting("signal")) return refuse("it names two signals");
    const out: KillArgs = c.has("pid") ? { pid: c.get<number>("pid")! } : { name: c.get<string>("name")! };
    if (c.has("all")) out.all = true;
    if (c.has("signal")) out.signal = c.get<string>("signal")!;
    return out;
  },
  describe: (a) => `${a.pid !== undefined ? `pid ${a.pid}` : `${a.all ? "every process named" : "the process named"} ${a.name}`}${a.signal ? ` with ${a.signal}` : ""}`,
  reusable: false,
  async plan(a, ctx) {
    const sig = a.signal ? { signal: a.signal } : {};
    if (a.pid !== undefined) return [task("kill", `Kill process ${a.pid}`, "system", [call("process.kill", { pid: a.pid, ...sig }, "SIGTERM unless told otherwise, then SIGKILL if it does not exit")])];
    const r = await probe<{ processes: Array<{ pid: number; comm: string; cmdline?: string }> }>(ctx, "process.list", { filter: a.name! });
    if (!r.ok) throw new IntentRefusal(`cannot list the processes to find ${a.name}: ${r.message}`);
    const exact = r.value.processes.filter((p) => p.comm === a.name);
    if (exact.length === 0) throw new IntentRefusal(`no process is named ${a.name}${r.value.processes.length ? ` (the command lines of ${r.value.processes.slice(0, 5).map((p) => `${p.comm} ${p.pid}`).join(", ")} mention it; give a pid)` : ""}`);
    if (exact.length > 1 && !a.all) throw new IntentRefusal(`${exact.length} processes are named ${a.name} (pids ${exact.slice(0, 10).map((p) => p.pid).join(", ")}); give the pid, or say "kill all ${a.name} processes"`);
    if (exact.length > 10) throw new IntentRefusal(`${exact.length} processes are named ${a.name}; that is too many to kill from one sentence`);
    return [task("kill", `Kill ${a.name}`, "system", exact.map((p) => call("process.kill", { pid: p.pid, ...sig }, `${p.comm} (pid ${p.pid}) found by name while planning`)))];
  },
});

export const signalProcess = defineIntent<{ pid: number; signal: string }>({
  name: "signal-process",
  summary: "send a signal to a process",
  examples: ["send SIGHUP to process 412", "send HUP to pid 99", "signal 412 with USR1"],
  forms: [
    `send [a|the] [signal] {signal:signal} [signal] to ${"[process|pid|proc]"} {pid:pid}`,
    `send ${PROC} {pid:pid} [a|the] [signal] {signal:signal} [signal]`,
    "signal [process|pid] {pid:pid} with {signal:signal}",
    "(reload|hup) (process|pid) {pid:pid} <signal=SIGHUP>",
  ],
  build: (c) => ({ pid: c.get<number>("pid")!, signal: c.get<string>("signal")! }),
  describe: (a) => `${a.signal} to pid ${a.pid}`,
  async plan(a) {
    return [task("signal", `Send ${a.signal} to ${a.pid}`, "system", [call("process.signal", { pid: a.pid, signal: a.signal })])];
  },
});

export const processInfo = defineIntent<{ pid: number }>({
  name: "process-info",
  summary: "show one process in detail",
  examples: ["show process 412", "what is pid 1234?", "details of process 99"],
  forms: [
    `@show [the] (details|info|information|status) (of|for|about|on) ${PROC} {pid:pid}`,
    `(details|info|information) (of|for|about|on) ${PROC} {pid:pid}`,
    `@what (is|does) ${PROC} {pid:pid} [doing|running|do]`,
    `@show ${PROC} {pid:pid}`,
    `${PROC} {pid:pid} (info|details|status)`,
  ],
  build: (c) => ({ pid: c.get<number>("pid")! }),
  describe: (a) => `pid ${a.pid}`,
  async plan(a) {
    return [task("process-info", `Show process ${a.pid}`, "system", [call("process.info", { pid: a.pid })])];
  },
});

export const findProcesses = defineIntent<{ filter: string }>({
  name: "find-processes",
  summary: "list the processes matching a name",
  examples: ["show nginx processes", "list processes named python", "is there a process called redis running?", "pgrep nginx"],
  forms: [
    "@show [all] [the] (processes|process|programs|instances) (named|called|matching|for|of|running|like) {filter:name}",
    "@show [all] [the] [running] {filter:name} (processes|process|instances)",
    "(is|are) there [any|a] (process|processes) (named|called) {filter:name} [running]",
    "(is|are) there [any|a] {filter:name} (process|processes) [running]",
    "(is|are) {filter:name} (process|processes) running",
    "(pgrep|pidof) {filter:name}",
    "(ps|ps aux|ps -ef) | grep {filter:name}",
    "how many {filter:name} (processes|instances) (are|is) running",
  ],
  build: (c) => ({ filter: c.get<string>("filter")! }),
  describe: (a) => a.filter,
  async plan(a) {
    return [task("processes", `List processes matching ${a.filter}`, "system", [call("process.list", { filter: a.filter })])];
  },
});
