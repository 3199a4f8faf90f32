/**
 * Services: start (and enable at boot), stop, restart, status; the list of
 * services; a service's restart policy; forgetting a service. A known
 * daemon whose package is installed but that is not defined yet is defined
 * from daemons.ts with its foreground command.
 */
import { defineIntent, IntentRefusal, type IntentContext, refuse } from "../intent";
import { daemonFor } from "../daemons";
import { ACTIVE_STATES, call, check, definedServices, packageState, task } from "./common";
import type { TaskPlan } from "../../../plan";

export const SERVICE_ACTIONS = ["start", "stop", "restart", "status"] as const;
export type ServiceAction = (typeof SERVICE_ACTIONS)[number];

export interface ServiceArgs {
  action: ServiceAction;
  names: string[];
}

const SVC = "{names:services} [@service|server]";
const BOOT = "[(at|on|during|after) [every] (boot|startup|start-up|reboot|system start|boot time)|automatically|permanently|from now on]";
const UP = "(running|up|up and running|alive|started|active|ok|working|healthy|down|dead|stopped|failed|not running|not working|online|offline|enabled)";

export const controlService = defineIntent<ServiceArgs & { disable?: true }>({
  name: "control-service",
  summary: "start, stop, restart or enable a service",
  examples: ["start nginx", "enable nginx at boot", "restart the nginx service", "reload nginx", "stop nginx and redis", "make sure nginx is running", "is nginx running?", "status of nginx"],
  forms: [
    `(start|launch|enable|fire up|spin up|run|turn on|switch on) [@service|server] ${SVC} ${BOOT} <action=start>`,
    `(bring|start|fire|spin) ${SVC} [back] up ${BOOT} <action=start>`,
    `(make sure|ensure|check that|see that) ${SVC} (is|are|keeps|keep|stays|stay) (running|up|started|enabled|on) ${BOOT} <action=start>`,
    `(make sure|ensure|have|let|make) ${SVC} (starts|start|runs|run|comes up|come up|is started|are started|gets started) [automatically] (on|at|after|during) [every] (boot|startup|reboot) <action=start>`,
    `(make|have|let) ${SVC} (start|run|come up) automatically <action=start>`,
    `(stop|prevent|keep) ${SVC} from (starting|running|coming up|being started) (at|on|during|after) (boot|startup|reboot) <disable=true>`,
    `keep ${SVC} (running|up|alive) <action=start>`,
    `(stop|halt|shut down|shutdown|bring down|take down|turn off|switch off|stop running) [@service|server] ${SVC} <action=stop>`,
    `(make sure|ensure|check that|see that) ${SVC} (is|are|stays|stay|remains|remain) (stopped|down|not running|off) <action=stop>`,
    `(i|we) (do not|no longer) want ${SVC} (running|to run|up) [anymore|any more] <action=stop>`,
    `${SVC} (needs|need|should|must|has to|have to|ought to) (be|to be) (restarted <action=restart>|started <action=start>|stopped <action=stop>|reloaded <action=restart>)`,
    `${SVC} (needs|need) [a] (restart <action=restart>|restarting <action=restart>|reload <action=restart>)`,
    `(i|we) (want|need|would like) ${SVC} (to be|be) (restarted <action=restart>|started <action=start>|stopped <action=stop>)`,
    "reload [the] {daemon:daemon} (config|configuration|conf|settings) <action=restart>",
    `(shut|bring|take|turn|switch) ${SVC} (down|off) <action=stop>`,
    `disable [@service|server] ${SVC} ${BOOT} <disable=true>`,
    `(restart|reload|bounce|recycle|kick|reboot) [@service|server] ${SVC} <action=restart>`,
    `(is|are) ${SVC} ${UP} <action=status>`,
    `(is|are) ${SVC} (still|currently) ${UP} <action=status>`,
    `(status|state) [of] [@service|server] ${SVC} <action=status>`,
    `@show [the] (status|state|health) (of|for) [@service|server] ${SVC} <action=status>`,
    `(check|verify|inspect|look at|examine|test) [the] (status|state|health) (of|for|on) [@service|server] ${SVC} <action=status>`,
    `@what (is|are) [the] (status|state|health) (of|for) [@service|server] ${SVC} <action=status>`,
    `@show ${SVC} (status|state|health) <action=status>`,
    `(check|how is|how are|what about|what is up with) [on] ${SVC} [doing|status|state] <action=status>`,
    `@ask ${SVC} (is|are) ${UP} <action=status>`,
    `${SVC} (status|state) <action=status>`,
    "systemctl (start <action=start>|stop <action=stop>|restart <action=restart>|reload <action=restart>|status <action=status>|enable <action=start>) {names:services}",
    "service {names:services} (start <action=start>|stop <action=stop>|restart <action=restart>|reload <action=restart>|status <action=status>)",
  ],
  build(c) {
    if (c.has("disable")) return refuse('the service manager has no switch for boot alone: "stop NAME" stops it now and keeps it from starting at boot');
    if (c.conflicting("action")) return refuse("it asks for two different things of the same service");
    const names = c.has("daemon") ? [c.get<string>("daemon")!] : c.get<string[]>("names")!;
    return { action: c.get<ServiceAction>("action")!, names: [...new Set(names)] };
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

/** "test the nginx config": the daemon's own configuration check (nginx -t), nothing else. */
export const checkConfig = defineIntent<{ daemon: string }>({
  name: "check-config",
  summary: "check a daemon's configuration",
  examples: ["test the nginx config", "check the nginx configuration for errors"],
  forms: [
    "(check|test|validate|verify|lint) [the] {daemon:daemon} (config|configuration|conf|config file|configuration file|syntax|config syntax) [syntax] [for errors|for mistakes]",
    "(check|test|validate|verify) [the] (config|configuration|syntax) of {daemon:daemon} [for errors]",
    "(is|are) [the] {daemon:daemon} (config|configuration) (valid|ok|correct|fine|broken)",
    "nginx -t <daemon=nginx>",
  ],
  build(c) {
    const d = daemonFor(c.get<string>("daemon")!)!;
    return d.configTest ? { daemon: d.service } : refuse(`aiOS does not know how to check ${d.service}'s configuration without starting it`);
  },
  object: (a) => a.daemon,
  describe: (a) => a.daemon,
  async plan(a) {
    const d = daemonFor(a.daemon)!;
    return [task("check-config", `Check ${a.daemon}'s configuration`, "system", [call("process.spawn", { argv: [...d.configTest!], timeoutMs: 10_000 }, `${d.configTest!.join(" ")}: reads the configuration and reports errors; changes nothing`)])];
  },
});

export const listServices = defineIntent<Record<string, never>>({
  name: "list-services",
  summary: "list the services",
  examples: ["list services", "what services are running?", "show all daemons"],
  forms: [
    "@show [all|every] [of] [running|defined|active|failed|stopped|enabled|supervised|configured] (@service|services|server|servers) [that are|which are] [running|defined|active|failed|stopped|enabled]",
    "@what (@service|services|daemons|servers) (is|are) (running|defined|there|active|failed|failing|stopped|enabled|configured|supervised|up|down|broken|crashed)",
    "@what (is|are) [the] (status|state|states|health) of (all|every|each) (@service|services|daemons)",
    "(status|state) of (all|every) (@service|services|daemons)",
    "@what (@service|services|daemons) (do i have|does it have|are there|exist)",
    "(systemctl|service) (list-units|--status-all|list)",
  ],
  build: () => ({}),
  describe: () => "every service",
  async plan() {
    return [task("list-services", "List the services", "monitor", [call("service.list", {})])];
  },
});

export interface RestartPolicyArgs {
  name: string;
  restart: "always" | "on-failure" | "never";
  maxRestarts?: number;
  withinMs?: number;
}

const FAILS = "[if|when|whenever|after|in case|each time|every time] [it|this|that] (fails|crashes|dies|exits|stops|goes down|falls over|breaks|crashed|failed|died|has crashed|has failed)";
/** "after a crash", "on failure": when a restart policy restarts. */
const ON_FAILURE = "(on failure|on failures|on crash|on crashes|after a crash|after crashes|after failure|after failures|after a failure|in case of failure|in case of a crash)";
const POLICY_WORD = "always <restart=always>|on-failure <restart=on-failure>|on failure <restart=on-failure>|never <restart=never>|no <restart=never>";
const AUTO_RESTARTS = "(automatic restarts|automatic restart|auto-restart|auto-restarts|auto restart|auto restarts|autorestart|automatic restarting|auto-restarting|restart on failure|restarts on failure|restarting on failure|restarts)";
const WHEN_IT_FAILS = "(if|when|whenever|in case|each time|every time|should) {name:service} [@service] (fails|crashes|dies|exits|stops|goes down|falls over|breaks|crashed|failed|died|has crashed|has failed|stops working)";
const BRING_BACK = "(restart|bring|start|revive|recover) (it|him) [back] [up|again] [automatically|right away|immediately|at once]";

export const restartPolicy = defineIntent<RestartPolicyArgs>({
  name: "restart-policy",
  summary: "set a service's restart policy",
  examples: ["make nginx restart on failure", "always restart nginx", "restart nginx automatically if it crashes", "don't restart nginx automatically"],
  forms: [
    `(make|have|let|get|set) {name:service} [@service] (restart|restarts|restarted|be restarted|get restarted|come back|recover) (automatically|by itself|on its own|on failure|on failures|on crash|on crashes|after a crash|after crashes|after failure) [${FAILS}] <restart=on-failure>`,
    `(auto-restart|autorestart|auto restart) {name:service} [@service] <restart=on-failure>`,
    `(do not|never) (let|allow) {name:service} [@service] [to] (restart|be restarted|come back) (automatically|by itself|on its own) <restart=never>`,
    `(make|have|let|get|set) {name:service} [@service] (restart|restarts|be restarted|get restarted|come back) ${FAILS} <restart=on-failure>`,
    `(restart|auto-restart|autorestart) {name:service} [@service] (automatically|on failure|on crash|on its own) [${FAILS}] <restart=on-failure>`,
    `(restart|auto-restart) {name:service} [@service] ${FAILS} <restart=on-failure>`,
    `{name:service} (should|must|needs to) (restart|be restarted|come back) (automatically|on failure|by itself) [${FAILS}] <restart=on-failure>`,
    `{name:service} (should|must) always (restart|be restarted) <restart=always>`,
    `{name:service} (should|must) always (restart|be restarted|come back|get restarted) (${FAILS}|${ON_FAILURE}) <restart=on-failure>`,
    // "always restart when it crashes": always on failure, not even after a clean exit.
    `(make|have|let|get|set|configure|tell) {name:service} [@service] [to] always (restart|restarts|come back|be restarted|get restarted|recover) (${FAILS}|${ON_FAILURE}) <restart=on-failure>`,
    `always restart {name:service} [@service] (${FAILS}|${ON_FAILURE}) <restart=on-failure>`,
    `(configure|set|tell) {name:service} [@service] to (restart|be restarted|come back|recover) (automatically|by itself|on its own|${ON_FAILURE}) [${FAILS}] <restart=on-failure>`,
    `(configure|set|tell) {name:service} [@service] to (restart|be restarted|come back|recover) ${FAILS} <restart=on-failure>`,
    `(configure|set|tell) {name:service} [@service] to always (restart|be restarted) <restart=always>`,
    `${WHEN_IT_FAILS} [automatically] ${BRING_BACK} <restart=on-failure>`,
    `${BRING_BACK} (if|when|whenever|in case|each time|every time) {name:service} [@service] (fails|crashes|dies|goes down|falls over|breaks|stops working) <restart=on-failure>`,
    `{name:service} (should|must|needs to|has to|ought to) (restart|be restarted|come back|come back up|recover|get restarted) [automatically|by itself|on its own] (${FAILS}|${ON_FAILURE}) <restart=on-failure>`,
    `(make sure|ensure|see to it that|check that) {name:service} [@service] (restarts|comes back|comes back up|is restarted|gets restarted|recovers|will restart) [automatically|by itself|on its own] (${FAILS}|${ON_FAILURE}) <restart=on-failure>`,
    `keep {name:service} [@service] (running|up|alive) (even if|even when|if|when|whenever) it (crashes|fails|dies|goes down) <restart=on-failure>`,
    `(enable|turn on|switch on|activate|set up|add) ${AUTO_RESTARTS} (for|of|on) {name:service} [@service] <restart=on-failure>`,
    `(disable|turn off|switch off|deactivate|remove|stop) ${AUTO_RESTARTS} (for|of|on) {name:service} [@service] <restart=never>`,
    `always restart {name:service} [@service] [no matter what|whenever it exits|whenever it stops|even when it exits cleanly] <restart=always>`,
    `(make|have|let|set) {name:service} [@service] always restart <restart=always>`,
    `(do not|never) (restart|auto-restart|autorestart) {name:service} [@service] (automatically|on failure|on its own|by itself|anymore|any more) [${FAILS}] <restart=never>`,
    `(stop|disable) (restarting|auto-restarting|automatic restarts of|automatic restarts for|auto-restart of|auto-restart for|autorestart for) {name:service} [@service] <restart=never>`,
    `{name:service} should never (restart|be restarted) [automatically] <restart=never>`,
    "(set|change) [the] restart (policy|mode|setting) (of|for) {name:service} [@service] to (always <restart=always>|on-failure <restart=on-failure>|on failure <restart=on-failure>|never <restart=never>|no <restart=never>)",
    "(set|change) {name:service} [@service] restart (policy|mode) to (always <restart=always>|on-failure <restart=on-failure>|on failure <restart=on-failure>|never <restart=never>)",
    `(use|set|apply|give) [the|a] [restart] (policy|mode) (${POLICY_WORD}) (for|on|of|to) {name:service} [@service]`,
    `(use|set|apply|give) [the|a] (${POLICY_WORD}) restart (policy|mode) (for|on|of|to) {name:service} [@service]`,
    `(use|set|apply|give) [the|a] restart (policy|mode) (${POLICY_WORD}) (for|on|of|to) {name:service} [@service]`,
  ],
  qualifiers: [
    "(up to|at most|no more than|max|maximum|a maximum of|not more than) {max:count} (times|restarts|time) [(in|within|per|every) {within:seconds}]",
  ],
  build(c) {
    if (c.conflicting("restart")) return refuse("it asks for two restart policies");
    const a: RestartPolicyArgs = { name: c.get<string>("name")!, restart: c.get<RestartPolicyArgs["restart"]>("restart")! };
    if (c.has("max")) {
      if (a.restart === "never") return refuse("a limit on restarts means nothing with restarts off");
      const max = c.get<number>("max")!;
      if (max > 1000) return refuse("at most 1000 restarts can be allowed");
      a.maxRestarts = max;
    }
    if (c.has("within")) {
      const ms = c.get<number>("within")! * 1000;
      if (ms > 86_400_000) return refuse("the restart window is at most a day");
      a.withinMs = ms;
    }
    return a;
  },
  object: (a) => a.name,
  describe: (a) => `${a.name}: restart ${a.restart}${a.maxRestarts !== undefined ? `, at most ${a.maxRestarts}` : ""}${a.withinMs !== undefined ? ` within ${a.withinMs / 1000} s` : ""}`,
  async plan(a, ctx) {
    const defined = await definedServices(ctx);
    if (defined === null) throw new IntentRefusal("cannot ask the service manager which services exist (service.list failed)");
    if (!defined.some((s) => s.name === a.name) && !ctx.earlier.services.has(a.name)) throw new IntentRefusal(`there is no service named ${a.name}`);
    const { name, ...rest } = a;
    return [task("restart-policy", `Set ${name}'s restart policy to ${a.restart}`, "system", [call("service.set_restart", { name, ...rest }, "kept with the service's definition; undo puts back the old policy")])];
  },
});

export const removeService = defineIntent<{ name: string }>({
  name: "remove-service",
  summary: "remove a service's definition",
  examples: ["remove the nginx service", "delete the service worker"],
  forms: ["(remove|delete|forget|undefine|drop|unregister) [the] {name:service} (@service|server) [definition]", "(remove|delete|forget|undefine|drop|unregister) [the] (@service|server) [definition] [of|for|named|called] {name:service}"],
  build: (c) => ({ name: c.get<string>("name")! }),
  object: (a) => a.name,
  describe: (a) => a.name,
  async plan(a, ctx) {
    const defined = await definedServices(ctx);
    if (defined === null) throw new IntentRefusal("cannot ask the service manager which services exist (service.list failed)");
    if (!defined.some((s) => s.name === a.name)) throw new IntentRefusal(`there is no service named ${a.name}`);
    return [task("remove-service", `Stop ${a.name} and forget its definition`, "system", [call("service.remove", { name: a.name }, "no longer started at boot or restarted; the package (if any) stays; undo defines it again")])];
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
  if (d.configTest) calls.push(check("process.spawn", { argv: [...d.configTest], timeoutMs: 10_000 }, `check ${service}'s configuration before starting it`));
  calls.push(call("service.start", { name: d.service, definition: { argv: [...d.argv], restart: "on-failure", readyDelayMs: 500 } }, "runs in the foreground under the service manager, restarted if it fails; starts again at boot"));
  return task(id, title, "system", calls);
}
