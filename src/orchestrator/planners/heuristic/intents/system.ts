/**
 * The system itself: undo a change, host name, time zone, reboot and power
 * off (high risk: held for approval under supervised); what the host name
 * is (sys.version says it) and what time and zone the clock is on (sys.time).
 */
import { defineIntent, refuse } from "../intent";
import { call, task } from "./common";

export interface UndoArgs {
  goal?: number;
  call?: string;
}

const LAST = "[last|latest|previous|most recent|recent]";
const CHANGE = "[change|action|thing|step|operation|call|goal|modification|edit|command]";

export const undo = defineIntent<UndoArgs>({
  name: "undo",
  summary: "undo a change",
  examples: ["undo the last change", "roll back goal 12", "revert call c42", "undo that"],
  qualifiers: ["[that|which] (you|aios|it) [just] (did|made|have done|has done|have made|has made)", "(you|aios) [just] (did|made)"],
  forms: [
    `(undo|revert|roll back|rollback|reverse|back out|take back) ${LAST} ${CHANGE}`,
    "(undo|revert|roll back|rollback|reverse|back out) (that|it|this|what you did|what you have done|what was done|what aios did|your last change|changes)",
    "(undo|revert|roll back|rollback|reverse|back out) [the] (goal|changes of goal|changes from goal|change) [number|#|no] {goal:number}",
    "(undo|revert|roll back|rollback|reverse) [call|the call] {call:callid}",
    "put (it|things|everything) back [the way it was|as it was]",
  ],
  build(c) {
    if (c.has("goal")) return { goal: c.get<number>("goal")! };
    if (c.has("call")) return { call: c.get<string>("call")! };
    return {};
  },
  describe: (a) => (a.goal !== undefined ? `goal ${a.goal}` : a.call !== undefined ? `call ${a.call}` : "the most recent change that can still be rolled back"),
  async plan(a) {
    return [task("undo", a.goal !== undefined ? `Roll back goal ${a.goal}` : a.call !== undefined ? `Roll back call ${a.call}` : "Undo the last change", "system", [call("sys.undo", { ...a }, "through the executor's rollback; only calls whose tools this agent may use")])];
  },
});

export const hostname = defineIntent<{ name: string }>({
  name: "hostname",
  summary: "set the host name",
  examples: ["set the hostname to web-01", "rename this machine to db1", "change the host name to edge"],
  forms: [
    "(set|change|update|rename|make) [the] (hostname|host name|machine name|computer name|system name|node name|server name|name of machine|name of system|name of this machine) [to|=|as|be] {name:hostname}",
    "(rename|call|name) [this|the] (machine|system|computer|host|server|box|node) [to|as] {name:hostname}",
    "hostname {name:hostname}",
    "hostnamectl set-hostname {name:hostname}",
  ],
  build: (c) => ({ name: c.get<string>("name")! }),
  describe: (a) => a.name,
  async plan(a) {
    return [task("hostname", `Set the host name to ${a.name}`, "system", [call("sys.hostname", { name: a.name }, "now and at every boot (kept on the data disk); undo restores the old name")])];
  },
});

export const timezone = defineIntent<{ zone: string }>({
  name: "timezone",
  summary: "set the time zone",
  examples: ["set the timezone to Europe/Berlin", "change the time zone to UTC", "switch to America/New_York time"],
  forms: [
    "(set|change|switch|update|make) [the] [system|machine|server] (timezone|time zone|tz|zone|clock) (to|=|be|as) {zone:zone}",
    "set [the] [system] (timezone|time zone|tz) {zone:zone}",
    "(use|switch to|change to) {zone:zone} [time|timezone|time zone]",
    "timedatectl set-timezone {zone:zone}",
    "(set|change|switch|update) [the] [system] (timezone|time zone|tz) to {bad:name}",
  ],
  build(c) {
    if (c.has("bad")) return refuse(`"${c.get<string>("bad")}" is not a time zone name; give its IANA name, such as Europe/Berlin or UTC`);
    return { zone: c.get<string>("zone")! };
  },
  describe: (a) => a.zone,
  async plan(a) {
    return [task("timezone", `Set the time zone to ${a.zone}`, "system", [call("sys.timezone", { zone: a.zone }, "now and at every boot; undo restores the old zone")])];
  },
});

const HOSTNAME = "(hostname|host name|machine name|computer name|system name|node name|nodename|server name|box name)";

export const showHostname = defineIntent<Record<string, never>>({
  name: "show-hostname",
  summary: "tell the host name",
  examples: ["what is the hostname?", "what's this machine called", "show the host name", "hostname"],
  forms: [
    `@what is [the] (${HOSTNAME}|name of [this|the] (@machine|server))`,
    // "What's the name of this server": "of this server" is a filler, and the name this machine has is its host name.
    "@what is [the|its|your] name",
    `@what is @here ${HOSTNAME}`,
    `@what is [this|the] (@machine|server) (called|named|known as)`,
    "@what name (does|do) [this|the] (@machine|server) (have|go by|use)",
    `@what (is|are) [the] (@machine|server) ${HOSTNAME}`,
    "@what (host|@machine|server) (is this|am i on|are we on|is it|am i logged into|am i connected to|am i using)",
    `@show [the] [@machine|server] ${HOSTNAME}`,
    `how is [this|the] (@machine|server) (called|named)`,
    "(hostname|uname -n|hostnamectl [status])",
  ],
  build: () => ({}),
  describe: () => "sys.version's hostname",
  async plan() {
    return [task("hostname", "Tell the host name (with the versions)", "system", [call("sys.version", {}, "uname: the host name, kernel and OS")])];
  },
});

const CLOCK = "(time|date|date and time|time and date|day|clock|datetime|local time)";
const ZONE = "(timezone|time zone|tz|zone)";

export const showTime = defineIntent<Record<string, never>>({
  name: "show-time",
  summary: "tell the time, date and time zone",
  examples: ["what time is it?", "what time zone is this machine in", "show the date", "which timezone is configured?"],
  forms: [
    "@what (time|date|day) is it [now|today]",
    `[current|local|system|server|today] ${CLOCK}`,
    "@what day is (it|today)",
    `@what is [the] [current|local|system|server|machine] ${CLOCK}`,
    `@what is [the] [current|local|system|server|machine|configured|active] ${ZONE}`,
    "@what is today [date|day]",
    `@show [the] [current|local|system|server] (${CLOCK}|${ZONE})`,
    `@show [the] ${CLOCK} and ${ZONE}`,
    `@what ${ZONE} (is|are) [this|the] [@machine|server|it|we|system|clock] (in|on|set to|using|configured|set|configured for|running on)`,
    `@what ${ZONE} (is|are) (configured|set|used|in use|active)`,
    `@what ${ZONE} (does|do) [this|the] (@machine|server|it|we|clock) (use|have|run on)`,
    "(is|are) [the] [system] (clock|time) (right|correct|accurate|ok|in sync|synchronized|synced)",
    `@what [is] [the] (utc offset|offset from utc|gmt offset|offset to utc|utc difference) [(are we on|is this|is it|do we have|is configured|is set)]`,
    `(is|are) [the] [system|machine|server] ${ZONE} [set to] {zone:zone}`,
    `(is|are) (this|the) (@machine|server|clock) (on|set to|in) {zone:zone} [time]`,
    "(date|date -u|timedatectl [status])",
  ],
  build: () => ({}),
  describe: () => "local time, zone and UTC offset",
  async plan() {
    return [task("time", "Tell the time, date and time zone", "system", [call("sys.time", {})])];
  },
});

export interface PowerArgs {
  action: "reboot" | "poweroff";
  delaySeconds?: number;
}

const MACHINE = "(@machine|computer|server|whole system|whole machine|entire system|vm|virtual machine)";

export const power = defineIntent<PowerArgs>({
  name: "power",
  summary: "reboot or power off the machine",
  examples: ["reboot", "restart the machine", "shut the system down", "power off in 10 minutes"],
  forms: [
    `reboot [the] [${MACHINE}] <action=reboot>`,
    "(restart|reset|power cycle|power-cycle|bounce|reboot) [the] (@machine|computer|whole system|whole machine|entire system|vm|virtual machine) <action=reboot>",
    `(shut down|shutdown|power off|poweroff|power down|turn off|switch off|halt) [the] [${MACHINE}] <action=poweroff>`,
    `(shut|power|turn|switch) [the] ${MACHINE} (down|off) <action=poweroff>`,
  ],
  qualifiers: ["(in|after) {delay:seconds}", "(immediately|right away|at once) <delay=0>", "(please do it|do it)"],
  build(c) {
    if (c.conflicting("action")) return refuse("it says both reboot and power off");
    const delay = c.get<number>("delay");
    if (delay !== undefined && delay > 3600) return refuse("a delay of at most an hour is understood; schedule it for later instead");
    return delay === undefined ? { action: c.get<"reboot" | "poweroff">("action")! } : { action: c.get<"reboot" | "poweroff">("action")!, delaySeconds: delay };
  },
  describe: (a) => `${a.action}${a.delaySeconds !== undefined ? ` in ${a.delaySeconds} s` : ""}`,
  async plan(a) {
    return [task("power", a.action === "reboot" ? "Reboot the machine" : "Power off the machine", "system", [call("sys.power", { ...a }, "an orderly shutdown after the goal's answer is recorded; not reversible")])];
  },
});
