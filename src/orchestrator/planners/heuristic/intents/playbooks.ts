/**
 * Diagnosis playbooks: a complaint about the system is read as read-only
 * checks first, and a fix only when one is asked for ("fix it", "bring it
 * back"), waiting on the checks (and, being a change, on approval under
 * supervised):
 *
 * - "why is the system slow": uptime and load, pressure, top processes by
 *   CPU and by memory, memory. Read-only.
 * - "the disk is full, fix it": the disk, usage by directory; then the
 *   three safe cleanup scopes (rotated logs, package cache, /tmp, older
 *   than a week). Never anything else.
 * - "nginx is down, bring it back": its status and recent log; then a
 *   restart (or, for a known daemon not defined yet, its start).
 * - "how is the system doing", "give me a status report": an overview,
 *   read-only: uptime and load, CPU, memory, disks, the services (failed
 *   ones among them), pressure.
 */
import type { TaskPlan } from "../../../plan";
import { daemonFor } from "../daemons";
import { defineIntent, IntentRefusal } from "../intent";
import { DEFAULT_DAYS } from "./cleanup";
import { call, definedServices, packageState, task } from "./common";
import { logTask } from "./logs";
import { startDaemonTask } from "./service";

const SLOW = "(slow|sluggish|laggy|unresponsive|slow to respond|bogged down|slowing down|hanging|freezing|lagging|crawling|so slow|really slow|very slow|painfully slow|slower than usual)";
const SO = "[so|very|really|pretty|kind of|a bit|super|extremely|terribly]";
const SYSTEM = "(@machine|server|everything|it|things|performance)";

export const slowSystem = defineIntent<Record<string, never>>({
  name: "diagnose-slowness",
  summary: "find out why the system is slow",
  examples: ["why is the system slow?", "the machine feels sluggish", "diagnose the slowness"],
  forms: [
    `why (is|does|are) [the|this] ${SYSTEM} [running|feel|feeling|seem|so] ${SO} ${SLOW} [today|lately|right now]`,
    `[the|this] ${SYSTEM} (is|seems|feels|runs|got|has gotten|has become|became|is running|is getting|has been) ${SO} ${SLOW} [today|lately]`,
    "(diagnose|investigate|debug|troubleshoot|analyze|analyse|look into|figure out) [the] (slowness|performance|sluggishness|slow system|performance problem|performance problems|performance issue|performance issues|high load|lag)",
    `@what is (slowing|bogging) [down] [the] [${SYSTEM}] [down]`,
    "why is [the] (load|system load) [so] high",
  ],
  build: () => ({}),
  describe: () => "load, pressure, top processes, memory",
  async plan() {
    return [
      task("load", "Uptime and load", "monitor", [call("sys.uptime", {})]),
      task("pressure", "CPU, memory and I/O pressure", "monitor", [call("monitor.pressure", {})]),
      task("top-cpu", "Top processes by CPU", "system", [call("process.top", { by: "cpu", limit: 5 })]),
      task("top-memory", "Top processes by memory", "system", [call("process.top", { by: "memory", limit: 5 })]),
      task("memory", "Memory", "system", [call("monitor.memory", {})]),
    ];
  },
});

const FULL = "(full|out of space|filling up|at 100%|almost full|nearly full|completely full|running out of space|out of room)";
const FIX = "[so|please|and|can you|could you] ((fix|solve|resolve|sort out|deal with|handle|clean up|free up|clear) (it|this|that)|(sort|clean|free) (it|this) (out|up)) [please] <fix=true>";

export const diskFull = defineIntent<{ fix: boolean }>({
  name: "disk-full",
  summary: "find what fills the disk, and free space if asked",
  examples: ["the disk is full, fix it", "we are out of disk space", "no space left on device"],
  forms: [
    `[the|my] [root] (disk|drive|filesystem|storage|partition|hard drive|disk space) (is|got|seems|looks|has become|became) [almost|nearly|completely|totally] ${FULL} [${FIX}]`,
    `(i am|we are|system is|machine is|it is|server is|we have|i have) [running|almost|nearly] out of (disk space|space|disk|storage|room) [${FIX}]`,
    `no [more] (space|disk space) left [on device|on disk] [${FIX}]`,
    `(disk|drive) full [${FIX}]`,
    "(fix|solve|resolve) [the] (full disk|disk space problem|disk space issue|space problem|space issue|disk full problem|full filesystem) <fix=true>",
  ],
  build: (c) => ({ fix: c.has("fix") }),
  describe: (a) => (a.fix ? "checks, then a scoped cleanup" : "checks only"),
  async plan(a) {
    const tasks: TaskPlan[] = [
      task("disk", "Disk space per filesystem", "storage", [call("monitor.disk", {})]),
      task("du", "What takes the space, by directory", "storage", [call("fs.du", { path: "/", depth: 2, limit: 15 })]),
    ];
    if (a.fix) {
      const scopes = (["logs", "package-cache", "tmp"] as const).map((kind) => ({ kind, olderThanDays: DEFAULT_DAYS }));
      tasks.push(task("cleanup", `Delete rotated logs, cached packages and /tmp files older than ${DEFAULT_DAYS} days`, "storage", [
        call("sys.cleanup", { scopes }, "the fix proposed after the checks: only these safe places; never live logs, never undo records; not reversible"),
      ], ["disk", "du"]));
    }
    return tasks;
  },
});

const DOWN = "(down|dead|broken|not running|not working|not responding|unresponsive|failing|crashing|crashed|offline|stopped|failed|gone|unreachable|hung|stuck|dying|falling over)";
const BACK = "[so|please|and|can you|could you] (bring (it|him) back [up|online|to life]|bring (it|him) up [again]|fix it|restart it|get (it|him) (running|back up|back|up|working|going) [again]|start it [again|back up]|revive it|recover it|repair it|get it back) [please] <fix=true>";

export const serviceDown = defineIntent<{ name: string; fix: boolean }>({
  name: "service-down",
  summary: "find out why a service is down, and bring it back if asked",
  examples: ["nginx is down, bring it back", "nginx crashed", "fix nginx", "bring redis back up"],
  forms: [
    `{name:service} [@service] (is|seems|looks|went|has gone|has been|keeps|appears) [to be] [completely] ${DOWN} [again] [${BACK}]`,
    `{name:service} [@service] (crashed|died|failed|went down|stopped working|stopped responding|fell over|is gone|has crashed|has died|has failed|keeps crashing) [again] [${BACK}]`,
    // "nginx won't start": diagnosed like a crash; starting it again is said ("…, fix it").
    `{name:service} [@service] (will not|does not|did not|can not|would not) (start|come up|run|stay up|start up|boot) [anymore|again] [${BACK}]`,
    `{name:service} [@service] (refuses|fails|failed|keeps failing) to (start|come up|run|stay up) [${BACK}]`,
    "(bring|get) {name:service} [@service] back [up|online|to life] <fix=true>",
    "(fix|repair|revive|recover|resurrect|heal) [the] {name:service} [@service] <fix=true>",
    `why (is|did) {name:service} [@service] ${DOWN}`,
    `why did {name:service} [@service] (crash|die|fail|stop|go down)`,
    "@what (went|is|goes|has gone) wrong with {name:service} [@service]",
    "@what (happened|is happening|has happened|is going on|is up) (to|with) {name:service} [@service]",
    "(diagnose|troubleshoot|investigate|debug|look into|check on) [the] {name:service} [@service] [problem|problems|issue|issues|failure|failures|crash|crashes]",
  ],
  build: (c) => ({ name: c.get<string>("name")!, fix: c.has("fix") }),
  object: (a) => a.name,
  describe: (a) => `${a.name}: ${a.fix ? "checks, then a restart" : "checks only"}`,
  async plan(a, ctx) {
    const defined = await definedServices(ctx);
    if (defined === null) throw new IntentRefusal("cannot ask the service manager which services exist (service.list failed)");
    const have = defined.some((s) => s.name === a.name);
    const daemon = daemonFor(a.name);
    if (!have && !daemon) throw new IntentRefusal(`there is no service named ${a.name}`);
    if (!have) {
      const s = await packageState(ctx, daemon!.package);
      if (s.state !== "installed" && s.state !== "provided") throw new IntentRefusal(`${a.name} is not defined and its package ${daemon!.package} is not installed (say "install ${daemon!.package} and start it")`);
    }
    const tasks: TaskPlan[] = [];
    if (have) {
      tasks.push(task("status", `${a.name}'s state, restarts and why it last stopped`, "monitor", [call("service.status", { name: a.name, lines: 20 })]));
      tasks.push(logTask({ source: `service:${a.name}`, lines: 50 }, "logs"));
    }
    if (a.fix) {
      const fix = have
        ? task("restart", `Restart ${a.name}`, "system", [call("service.restart", { name: a.name }, "the fix proposed after the checks")])
        : startDaemonTask(daemon!.service, "start", `Start ${daemon!.service} as a supervised service`);
      fix.dependsOn = tasks.map((t) => t.id);
      tasks.push(fix);
    }
    if (tasks.length === 0) throw new IntentRefusal(`${a.name} is not defined as a service yet, so it has no state or log to look at; say "start ${a.name}"`);
    return tasks;
  },
});

const WHOLE = "(@machine|server|everything|things|all|it all)";
const STATE_OF = "[overall|general|current|quick|full] (health|status|state|condition|shape|wellbeing)";
const REPORT = "[quick|short|brief|full|overall|general|complete] [system|machine|server|health] (status report|health report|health check|healthcheck|overview|status update|status summary|summary|sitrep|report|status|checkup|check-up)";
const FINE = "(ok|okay|fine|healthy|alright|all right|good|in good shape|in order|working|running fine|running ok|running smoothly|working fine|working properly|normal|as expected)";

export const systemHealth = defineIntent<Record<string, never>>({
  name: "system-health",
  summary: "give an overview of how the system is doing",
  examples: ["how is the system doing?", "check the health of the machine", "give me a status report", "run a health check"],
  forms: [
    // "of the system" is a filler: "check the health of the system" reads as "check health".
    `(check|verify|assess|examine|inspect|review|look at|test|evaluate|report on) [the] ${STATE_OF} [(of|on) [the] ${WHOLE}]`,
    `(check|verify|assess|examine|inspect|review|look at|test|evaluate|report on) [on] [the] [overall|general] (@machine|server) [health|status|state|condition]`,
    `[@show] [the] [overall|general|current|quick] (@machine|server) (health|status|state|condition|overview|health check|health report|status report|report|summary|checkup)`,
    // "a summary of the system's state": "of the system" is a filler, the state stays.
    `[@show|run|do|perform|make] [me|us] [a|an] ${REPORT} [(of|on|about|for) [the] ${WHOLE}] [health|status|state|condition]`,
    `(run|do|perform|make) [a|an] [quick|full|complete] [system] (check|checkup|check-up|diagnostic|diagnostics|status check|health check|healthcheck)`,
    `how (is|are) [the] ${WHOLE} (doing|holding up|performing|looking|running|going|behaving)`,
    "how (is|are) (things|everything|it all|stuff) [doing|holding up|looking|going]",
    `how (healthy|fine|ok|okay) (is|are) [the] ${WHOLE}`,
    "@what is (going on|happening|up) [(with|on|in) [the] (@machine|server)]",
    "(@machine|server) (check|checkup|check-up|diagnostics)",
    "(diagnose|troubleshoot|check up on|check on) [the] (@machine|server|everything)",
    `(is|are) [the] ${WHOLE} ${FINE} [(with|on|in) [the] (@machine|server)]`,
    `(is|are) (everything|all|things|anything) ${FINE} (with|on|in) [the] (@machine|server)`,
    `(is|are) (anything|something) (wrong|broken|the matter) (with|on) [the] (@machine|server)`,
    // "on the server" is a filler: "any problems on the server" reads as "any problems".
    `(is|are) there (any|some) (problems|issues|trouble) [(with|on) [the] (@machine|server)]`,
    `(any|some) (problems|issues|trouble) [(with|on) [the] (@machine|server)]`,
    `(${WHOLE}) ${FINE} [(with|on|in) [the] (@machine|server)]`,
    `@what is [the] ${STATE_OF} [of [the] ${WHOLE}]`,
    `@what (is|are) [the] (@machine|server) ${STATE_OF}`,
    `how (is|are) [the] (@machine|server) ${STATE_OF}`,
  ],
  build: () => ({}),
  describe: () => "uptime and load, cpu, memory, disks, services, pressure",
  async plan() {
    return [
      task("load", "Uptime and load", "monitor", [call("sys.uptime", {})]),
      task("cpu", "CPU use", "monitor", [call("monitor.cpu", {})]),
      task("memory", "Memory", "system", [call("monitor.memory", {})]),
      task("disk", "Disk space per filesystem", "storage", [call("monitor.disk", {})]),
      task("services", "The services, failed ones among them", "monitor", [call("service.list", {})]),
      task("pressure", "CPU, memory and I/O pressure", "monitor", [call("monitor.pressure", {})]),
    ];
  },
});
