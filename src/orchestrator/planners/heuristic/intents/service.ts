/**
 * start / stop / restart / enable a service, or show its status. Start and
 * enable are the same in aiOS: a started service is enabled (started again
 * at boot) until it is stopped. A service that is not defined yet but whose
 * package is installed (or installed by an earlier clause) is defined from
 * the table of known daemons (daemons.ts) with its foreground command, its
 * configuration checked first where the daemon has a check. "reload" is a
 * restart: the service manager has no reload.
 */
import { nameList, SERVICE_NAME } from "../extract";
import { defineIntent, IntentRefusal, type IntentContext, refuse } from "../intent";
import { daemonFor } from "../daemons";
import { ACTIVE_STATES, call, definedServices, packageState, task } from "./common";
import type { TaskPlan } from "../../../plan";

export const SERVICE_ACTIONS = ["start", "stop", "restart", "status"] as const;
export type ServiceAction = (typeof SERVICE_ACTIONS)[number];

export interface ServiceArgs {
  action: ServiceAction;
  names: string[];
}

const FILLER = new Set(["the", "service", "services", "daemon", "daemons", "server", "please", "again", "now", "up", "down", "back", "also", "too"]);
const TAIL = /\s+(?:at|on|during|after|when|whenever)\s+(?:boot|startup|start-up|reboot|system\s+start)\b.*$|\s+(?:automatically|permanently|for\s+good|now)\s*$/;

const PATTERNS: Array<[RegExp, ServiceAction]> = [
  [/^(?:start|launch|enable|bring\s+up|run)\s+(?:the\s+)?(.+?)(?:\s+(?:service|daemon))?$/, "start"],
  [/^(?:make\s+sure|ensure|keep)\s+(?:that\s+)?(.+?)\s+(?:is|are|keeps?)\s+(?:running|up|started|enabled)(?:\s+at\s+boot)?$/, "start"],
  [/^(?:stop|halt|bring\s+down|shut\s+down)\s+(?:the\s+)?(.+?)(?:\s+(?:service|daemon))?$/, "stop"],
  [/^(?:restart|reload|bounce)\s+(?:the\s+)?(.+?)(?:\s+(?:service|daemon))?$/, "restart"],
  [/^(?:is|are)\s+(.+?)\s+(?:running|up|alive|started)\??$/, "status"],
  [/^(?:check|show|get|what\s+is|what's)\s+(?:the\s+)?(?:status\s+of\s+)(.+)$/, "status"],
  [/^(?:check|show|get)\s+(?:the\s+)?(.+?)(?:'s)?\s+(?:service\s+)?status$/, "status"],
  [/^(?:the\s+)?status\s+of\s+(?:the\s+)?(.+)$/, "status"],
];

export const controlService = defineIntent<ServiceArgs>({
  name: "control-service",
  summary: "start, stop, restart or enable a service",
  examples: ["start nginx", "enable nginx at boot", "restart nginx", "stop the redis service", "make sure nginx is running", "is nginx running?", "status of nginx"],
  match(clause) {
    const text = clause.lower.replace(TAIL, "").replace(/[?!.]+$/, "");
    for (const [re, action] of PATTERNS) {
      const m = re.exec(text);
      if (!m) continue;
      // Anything with a path, a URL, quotes or a schedule belongs to another intent.
      if (/[/"'`:]|\bevery\b|\bproxy\b|\bports?\b|\bdisk|\bmemory\b|\bprocess/.test(m[1]!)) return null;
      const names = nameList(m[1]!, FILLER);
      if (names.length === 0) return refuse(`say which service to ${action}`);
      const bad = names.find((n) => !SERVICE_NAME.test(n));
      if (bad) return refuse(`"${bad}" is not a service name`);
      return { action, names: [...new Set(names)] };
    }
    return null;
  },
  object: (a) => a.names.join(" and "),
  describe: (a) => `${a.action} ${a.names.join(", ")}`,
  async plan(a, ctx) {
    const defined = await definedServices(ctx);
    if (defined === null) throw new IntentRefusal("cannot ask the service manager which services exist (service.list failed)");
    const tasks: TaskPlan[] = [];
    for (const name of a.names) tasks.push(await planOne(a.action, name, defined, ctx));
    return tasks;
  },
});

async function planOne(action: ServiceAction, name: string, defined: ReadonlyArray<{ name: string; state: string }>, ctx: IntentContext): Promise<TaskPlan> {
  const id = (verb: string) => `${verb}-${name}`.slice(0, 32).replace(/[^a-z0-9_-]/g, "-");
  const have = defined.find((s) => s.name === name);
  const known = have !== undefined || ctx.earlier.services.has(name);
  if (action === "status") {
    if (!known) throw new IntentRefusal(`there is no service named ${name}`);
    return task(id("status"), `Show the status of ${name}`, "monitor", [call("service.status", { name, lines: 20 })]);
  }
  if (action === "stop") {
    if (!known) throw new IntentRefusal(`there is no service named ${name}`);
    return task(id("stop"), `Stop ${name}`, "system", [call("service.stop", { name }, "stops it and its dependents; it is no longer started at boot")]);
  }
  if (action === "restart") {
    if (!known) throw new IntentRefusal(`there is no service named ${name} to restart`);
    return task(id("restart"), `Restart ${name}`, "system", [call("service.restart", { name })]);
  }
  if (known) {
    ctx.earlier.services.add(name);
    const running = have !== undefined && ACTIVE_STATES.has(have.state);
    return task(id("start"), `Start ${name} (and start it at boot)`, "system", [call("service.start", { name }, running ? "already running; this keeps it enabled at boot" : "starts it and marks it enabled, so it starts again at boot")]);
  }
  // Not defined: a known daemon from an installed package can be defined with its foreground command.
  const daemon = daemonFor(name);
  if (!daemon) throw new IntentRefusal(`there is no service named ${name}, and aiOS does not know how to run ${name} in the foreground (known: nginx, lighttpd, haproxy, redis, memcached, dropbear, chronyd); define it with service.start and a definition`);
  if (!ctx.earlier.installs.has(daemon.package)) {
    const s = await packageState(ctx, daemon.package);
    if (s.state !== "installed" && s.state !== "provided") throw new IntentRefusal(`there is no service named ${name}, and its package ${daemon.package} is not installed (say "install ${daemon.package} and start it")`);
  }
  ctx.earlier.services.add(daemon.service);
  return startDaemonTask(daemon.service, id("start"));
}

/** Defines a known daemon as a supervised service and starts it, its configuration checked first when it can be. */
export function startDaemonTask(service: string, id = `start-${service}`, title = `Start ${service} as a supervised service`): TaskPlan {
  const d = daemonFor(service)!;
  const calls = [];
  if (d.configTest) calls.push(call("process.spawn", { argv: [...d.configTest], timeoutMs: 10_000 }, `check ${service}'s configuration before starting it`));
  calls.push(call("service.start", { name: d.service, definition: { argv: [...d.argv], restart: "on-failure", readyDelayMs: 500 } }, "runs in the foreground under the service manager, restarted if it fails; starts again at boot"));
  return task(id, title, "system", calls);
}
