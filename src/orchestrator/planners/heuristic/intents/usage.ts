/**
 * How the machine is doing, read-only: disk/memory/cpu/process totals, the
 * top consumers of memory or CPU, disk usage by directory, uptime and load,
 * kernel and OS version, pressure stall information, the hardware.
 */
import type { TaskPlan } from "../../../plan";
import type { UsageKind } from "../domain";
import { defineIntent, IntentRefusal, refuse } from "../intent";
import { call, probe, task } from "./common";

export const USAGE_KINDS: readonly UsageKind[] = ["disk", "memory", "processes", "cpu"];

const FIGURE = "(usage|use|utilization|utilisation|consumption|stats|statistics|info|information|status|load|levels|level|situation|report|overview|numbers|figures)";
const AMOUNT = "(free|used|left|available|in use|remaining|there|taken|consumed|occupied|allocated|filled|utilized|utilised|taken up|used up|eaten up|still free)";
const UNITS = "(bytes|kilobytes|megabytes|gigabytes|terabytes|kb|mb|gb|tb|kib|mib|gib|megs|gigs)";
/** Who uses it: "how much memory are we using", "how much disk does the system use". */
const USER = "(i|we|you|@machine|@here|everything|aios)";

export const showUsage = defineIntent<{ kinds: UsageKind[]; path?: string }>({
  name: "show-usage",
  summary: "show disk, memory, cpu or process usage",
  examples: ["show disk usage", "how much memory is free?", "what processes are running?", "show disk, memory and process usage", "show cpu load", "show system usage"],
  forms: [
    `[@show] [the] [current] {kinds:usage} ${FIGURE}`,
    `@show [all] [the] [current|running|active] [free|used|available] {kinds:usage} [${FIGURE}|space]`,
    `how much [of] {kinds:usage} [space] (is|are|do i have|do we have|have i got|(does|do) @here have|(has|have) @here [got]) [still] [${AMOUNT}]`,
    `how much [of] {kinds:usage} [space] ((is|are|am) ${USER} using|(do|does|did) ${USER} (use|need|take)|(have|has) ${USER} used|(is|are) (used|taken|consumed) by ${USER})`,
    `@what (percentage|percent|fraction|share|proportion|part) of [the] {kinds:usage} [space] (is|are) [${AMOUNT}]`,
    `how many percent of [the] {kinds:usage} [space] (is|are) [${AMOUNT}]`,
    `how many ${UNITS} of {kinds:usage} [space] (is|are|do i have|do we have) [still] [${AMOUNT}]`,
    `how many ${UNITS} (is|are|do i have|do we have) [still] ${AMOUNT} <kind=disk>`,
    `@what is [the] (free|used|available|remaining) {kinds:usage} [space]`,
    `how much (free|used|available|remaining) {kinds:usage} [space] (is there|do i have|do we have|is left|have i got|remains|is available|is in use|is used)`,
    `how much (free|used|available|remaining) {kinds:usage} [space]`,
    `how much (space|room|storage) (is|do i have|do we have) [still] ${AMOUNT} [(on|in) (disk|drive|filesystem|root filesystem)] <kind=disk>`,
    "how (full|busy|loaded|much used|utilized|utilised) (is|are) {kinds:usage}",
    // The root filesystem, or the one holding a path: "how full is /var".
    "how full (is|are) (root filesystem|root partition|root fs|root file system|root disk|root volume|root drive|/) <path=/>",
    "how full (is|are) [filesystem|partition|disk|drive] {path:path} <kind=disk>",
    "(is|are) {kinds:usage} (full|busy|overloaded|maxed out|running out|almost full|nearly full|low|running low|getting low|getting full|filling up)",
    "(is|are) there (enough|much|any|sufficient) [free|available] {kinds:usage} [space|left|available|free]",
    `@what is {kinds:usage} ${FIGURE} [looking] [like]`,
    "(is|are) {kinds:usage} [space] (used|in use|active|enabled|on|being used)",
    `{kinds:usage} [${FIGURE}]`,
    `how (is|are) {kinds:usage} [${FIGURE}] (looking|doing|holding up)`,
    "(list|show) everything (that is|that's|which is) running <kind=processes>",
    "@what (process|processes|program|programs|task|tasks) (are|is) (running|run|active|alive|up) <kind=processes>",
    "@what is running <kind=processes>",
    "how many (process|processes|task|tasks) (are|is) running <kind=processes>",
    // "system status", "how is the system doing": the overview playbook (playbooks.ts).
    "(system|resource|resources|machine) (usage|resources|load|stats|utilization|utilisation) <all=true>",
    "@show [the] (system|resource|resources|machine) (usage|resources|load|stats|utilization|utilisation) <all=true>",
    "df [-h|-H|-k|-m] <kind=disk>",
    "free [-m|-h|-g|-k] <kind=memory>",
    "(ps|ps aux|ps -ef|ps -e|ps ax) <kind=processes>",
    // The process list shows each process's parent: the tree is in it.
    "@show [all] [the] [running] (process|processes|task|tasks) (tree|hierarchy|forest|family tree) <kind=processes>",
    "@show [all] [the] [running] (processes|process list|tasks) (as|in) [a] (tree|hierarchy|forest) [form|view|format|layout|structure] <kind=processes>",
    "@show [the] (tree|hierarchy) of [running] (processes|tasks) <kind=processes>",
    "(process|processes) (tree|hierarchy) <kind=processes>",
    "(pstree|pstree -p|ps auxf|ps faux|ps axf|ps -ejh|ps axjf|ps -ef --forest|ps --forest) <kind=processes>",
  ],
  qualifiers: ["(on|in|for|of) [the] ({path:path}|disk|drive|filesystem|system|machine)", "(on|in|for|of) [the] (root filesystem|root partition|root fs|root file system|root disk|root volume|root drive) <path=/>"],
  build(c) {
    if (c.has("all")) return { kinds: [...USAGE_KINDS] };
    // Commands and "what is running" say which figure by themselves (<kind=...>).
    const kinds = [...(c.get<UsageKind[]>("kinds") ?? []), ...c.all<UsageKind>("kind")];
    const path = c.get<string>("path");
    // A path says which filesystem: the disk figure is for the one holding it.
    if (path !== undefined) return kinds.every((k) => k === "disk") ? { kinds: ["disk"], path } : refuse("a path goes with disk usage only");
    if (kinds.length === 0) return refuse("say which figure: disk, memory, cpu or processes");
    return { kinds: USAGE_KINDS.filter((k) => kinds.includes(k)) };
  },
  describe: (a) => `${a.kinds.join(", ")}${a.path ? ` (the filesystem holding ${a.path})` : ""}`,
  async plan(a) {
    const tasks: TaskPlan[] = [];
    if (a.kinds.includes("disk")) tasks.push(task("disk", "Show disk usage", "storage", [call("monitor.disk", a.path ? { path: a.path } : {})]));
    if (a.kinds.includes("memory")) tasks.push(task("memory", "Show memory usage", "system", [call("monitor.memory", {})]));
    if (a.kinds.includes("cpu")) tasks.push(task("cpu", "Show CPU usage", "monitor", [call("monitor.cpu", {})]));
    if (a.kinds.includes("processes")) tasks.push(task("processes", "List running processes", "system", [call("process.list", {})]));
    return tasks;
  },
});

const USING = "(using|eating|consuming|hogging|taking|chewing|burning|maxing out|eating up|using up|taking up|gobbling|gobbling up|occupying|hammering|spiking|use|eat|consume|hog|take|burn|occupy)";

export const topProcesses = defineIntent<{ by: "memory" | "cpu"; limit?: number }>({
  name: "top-processes",
  summary: "show the processes using the most memory or CPU",
  examples: ["what is using the most memory?", "which process uses the most cpu", "top 5 processes by cpu", "what's hogging the CPU?"],
  forms: [
    `[@show] @what [process|processes|program|programs|app|apps|task|tasks|service|services] [is|are] ${USING} [up] [all|most|the most|so much|a lot|lots] [of] {by:resource}`,
    `who (is|are) ${USING} [all|most|the most|so much] [of] {by:resource}`,
    "(top|biggest|largest|heaviest|hungriest|greediest|worst) [{limit:count}] [{by:resource}] (process|processes|consumers|users|hogs|offenders|programs) [(by|of|for|in terms of|using|on) {by:resource}]",
    "@show [the] (top|biggest|largest|heaviest|hungriest) [{limit:count}] [{by:resource}] (process|processes|consumers|users|hogs|offenders|programs) [(by|of|for|in terms of|using|on) {by:resource}]",
    "@show [the] {limit:count} (process|processes|programs) [that are] (using|with|that use) [the] most {by:resource}",
    "@show [the] (process|processes|programs) (using|with|that use|sorted by|ordered by|by) [the] most {by:resource} [usage|use]",
    "@show [the] (process|processes|programs) (sorted|ordered|ranked) by {by:resource} [usage|use]",
    "{by:resource} (hogs|hog|consumers|users)",
    "@what [process|processes|program|programs|app|service] (has|have|uses|use|is using) [the] (highest|most|biggest|largest|greatest) {by:resource} [usage|use|consumption|footprint]",
    "why is {by:resource} [usage|use|load] [so] (high|busy|full|maxed|maxed out|at 100%|pegged)",
    "top <by=cpu>",
  ],
  build(c) {
    // Unsaid, the list is by memory, as process.top's default.
    const by = c.get<"memory" | "cpu">("by") ?? "memory";
    const limit = c.get<number>("limit");
    if (limit !== undefined && limit > 100) return refuse("at most 100 processes are listed");
    return limit === undefined ? { by } : { by, limit };
  },
  describe: (a) => `by ${a.by}${a.limit ? `, top ${a.limit}` : ""}`,
  async plan(a) {
    return [task("top", `Show the top processes by ${a.by}`, "system", [call("process.top", { ...a }, a.by === "cpu" ? "CPU sampled over half a second per process" : "resident memory per process")])];
  },
});

/** "biggest", "largest"…, and what of: directories, files, things. */
const BIGGEST = "(largest|biggest|fattest|heaviest|largest few|biggest few)";
const WHAT_TAKES = "(directory|directories|folder|folders|dir|dirs|subdirectories|subdirs|subfolders|space users|files|file|things|items|entries|hogs|space hogs)";
const PATH = "[log|config|configuration|text|data|home|web|backup] [file|directory|folder|dir] {path:path}";
/** The logs as a whole, and aiOS's own log. */
const LOGS = "(logs|log files|log directory|log folder|log dir) <path=/var/log>|(aios|aios's|aios own) (log|log file|logfile) <path=/var/log/aios/aios.log>";

export const diskUsageByDir = defineIntent<{ path?: string; limit?: number }>({
  name: "disk-usage-by-directory",
  summary: "show what takes the disk space, by directory",
  examples: ["what's eating my disk?", "what is taking up all the space in /var", "biggest directories in /srv", "how big is /var/log"],
  forms: [
    `[@show] @what [is|are] ${USING} [up] [all|most|so much] [of] [the] [my] (disk|disk space|space|storage|room|drive) [(on|in|under) ({path:path}|disk|drive|filesystem|root filesystem|system)]`,
    `@what [directory|directories|folder|folders|files|file] [is|are] ${USING} [up] [all|most|the most|so much] [of] [the] (disk|disk space|space|storage|room)`,
    "where (did|has|have|is|does) [all] [the] [my] [disk] space (go|gone|going|went|used)",
    "where is [all] [the] [disk] space (being used|used|going)",
    // Superlatives with a place and a count: "the 5 biggest dirs in /var", "top 3 largest files under /srv", "which directories in /var/log take the most space".
    `[@show|@what [are|is]] [top] [{limit:count}] ${BIGGEST} [{limit:count}] ${WHAT_TAKES} [(in|under|on|of|inside|within|below|beneath) {path:path}]`,
    `[@show] top {limit:count} ${WHAT_TAKES} by (size|disk usage|space|disk space) [(in|under|on|of|inside|within) {path:path}]`,
    `@what ${WHAT_TAKES} (in|under|inside|within|on) {path:path} (is|are) [the] ${BIGGEST}`,
    `@what ${WHAT_TAKES} (in|under|inside|within|below|beneath|on) {path:path} (take|takes|use|uses|are taking|is taking|are using|is using|occupy|eat|take up|are taking up|is taking up) [up] [the] most (space|disk space|room|disk|storage)`,
    `@what ${WHAT_TAKES} (take|takes|use|uses|are taking|is taking|are using|is using|occupy|take up|are taking up|is taking up) [up] [the] most (space|disk space|room|disk|storage) (in|under|inside|within|on) {path:path}`,
    "(disk|space|directory|folder) (usage|use|consumption) (of|in|for|under|by|per) {path:path}",
    "(disk|space) (usage|use) (by|per) (directory|folder|dir)",
    "@show [the] (disk|space) (usage|use) (of|in|for|under|by|per) ({path:path}|directory|folder|dir)",
    // A file's size or a directory's (the probe in plan says which).
    `how (big|large|heavy) (is|are) ${PATH}`,
    `how (big|large|heavy) (is|are) [the] (${LOGS})`,
    `@what (is|are) [the] [total] (size|sizes|disk usage|space usage|footprint) of [the] (${LOGS})`,
    `how much (space|disk space|disk|room|storage) (do|does|are|is) [the] (${LOGS}) (use|take|taking|using|occupy|occupying|take up|taking up|eat|eating)`,
    `@what (is|are) [the] [total|disk] (size|sizes|disk usage|space usage|footprint) (of|for) ${PATH}`,
    `@what size (is|are) ${PATH}`,
    `[total] (size|sizes|footprint) of ${PATH}`,
    `how much (space|disk space|disk|room|storage) (does|is|do|are) ${PATH} (use|take|taking|using|occupy|occupying|take up|taking up|eat|eating|eat up|need|consume|consuming|fill|filling)`,
    `how many (bytes|kilobytes|megabytes|gigabytes|kb|mb|gb|kib|mib|gib) (is|are|does|do) ${PATH} [take|use|take up|occupy|have]`,
    "du [-sh|-h|-s|-hs|-sch] [{path:path}]",
  ],
  build(c) {
    const limit = c.get<number>("limit");
    if (limit !== undefined && limit > 100) return refuse(`fs.du lists at most 100 entries, not ${limit}`);
    return { ...(c.has("path") ? { path: c.get<string>("path")! } : {}), ...(limit !== undefined ? { limit } : {}) };
  },
  describe: (a) => `${a.path ?? "/"}${a.limit !== undefined ? `, top ${a.limit}` : ""}`,
  async plan(a, ctx) {
    if (a.path !== undefined) {
      // A file's size is fs.stat's; a directory's is the walk.
      const st = await probe<{ exists?: boolean; type?: string }>(ctx, "fs.stat", { path: a.path });
      if (st.ok && st.value.exists === false) throw new IntentRefusal(`${a.path} does not exist`);
      if (st.ok && st.value.type && st.value.type !== "dir") return [task("size", `Show the size of ${a.path}`, "storage", [call("fs.stat", { path: a.path })])];
    }
    return [task("du", `Show disk usage by directory under ${a.path ?? "/"}`, "storage", [call("fs.du", { ...(a.path === undefined ? {} : { path: a.path }), ...(a.limit === undefined ? {} : { limit: a.limit }) }, "largest first; allocated blocks; other filesystems not entered")])];
  },
});

export const uptime = defineIntent<Record<string, never>>({
  name: "uptime",
  summary: "show uptime and load",
  examples: ["uptime", "how long has the system been up?", "what is the load average?"],
  forms: [
    "uptime",
    "@show [the] (uptime|load average|load averages|system load|load avg)",
    "@what [is|are] [the] [@here] (uptime|load average|load averages|system load|load avg|load)",
    "how long (has|have) [this|the] [@machine|server|it|we] been (up|running|online|alive|on)",
    "how long since [the] [last] (boot|reboot|restart)",
    "(when|what time) (was|did) [the] [@machine|server|it] [last] (boot|booted|start|started|reboot|rebooted|come up|came up)",
    "(since|for) how long (has|have) [the] [@machine|server|it] been (up|running)",
  ],
  build: () => ({}),
  describe: () => "uptime and load",
  async plan() {
    return [task("uptime", "Show uptime and load", "monitor", [call("sys.uptime", {})])];
  },
});

export const version = defineIntent<Record<string, never>>({
  name: "system-version",
  summary: "show the kernel, OS and aiOS version",
  examples: ["what kernel am I running?", "which OS version is this", "uname -a", "what version of aiOS is this"],
  forms: [
    "@what (kernel|linux|os|operating system|distro|distribution|release|version|system|debian) [version|release] (is this|am i running|are we running|is running|is installed|do i have|is it|does it run|is that|is on here|runs here|are we on|am i on)",
    // The machine as the subject: "what kernel does this machine run", "which os is this box running".
    "@what (kernel|linux|os|operating system|distro|distribution|release|version|debian) [version|release] ((does|do) @here (run|use|have)|(is|are) @here (running|using|on)|(has|have) @here [got])",
    "@what (version|release) of (kernel|linux|aios|os|operating system|distro|distribution|debian) ((does|do) @here (run|use|have)|(is|are) @here (running|using|on))",
    "@what is @here (kernel|os|operating system|distro|distribution) [version|release]",
    "@what (version|release) [of] (kernel|linux|aios|os|operating system|system|distro|distribution) [is this|am i running|are we running|is running|is installed|do i have|is it|is that]",
    "@what (kernel|linux|os) version is (this|it|that)",
    "@what is [the] (kernel|os|aios|system|linux|distro) (version|release)",
    "@show [the] (kernel|os|system|aios|linux|distro|distribution) (version|release|info|information|details)",
    "(kernel|os|aios|system) (version|release)",
    "uname [-a|-r|-s|-v|-m]",
    "(cat /etc/os-release|lsb_release -a)",
  ],
  build: () => ({}),
  describe: () => "kernel, OS and aiOS",
  async plan() {
    return [task("version", "Show the kernel, OS and aiOS version", "system", [call("sys.version", {})])];
  },
});

export const pressure = defineIntent<Record<string, never>>({
  name: "pressure",
  summary: "show CPU, memory and I/O pressure",
  examples: ["show memory pressure", "is there any io pressure?", "psi"],
  forms: [
    "@show [the] [cpu|memory|io|i/o|disk|system] (pressure|psi|pressure stall information|pressure stalls|stall information|stalls)",
    "(is|are) there [any] [cpu|memory|io|i/o|disk] (pressure|stalls|stalling)",
    "@what is [the] [cpu|memory|io|i/o|disk|system] (pressure|psi)",
    "(psi|pressure stall information)",
    "(is|are) [the] [system|machine] (stalling|thrashing|swapping)",
    // The machine under pressure: "is the system under memory pressure", "is the box under io pressure", "how much pressure is the machine under".
    "(is|are) [the] [@machine|server|we|you|things] (under|experiencing|seeing|having|facing|suffering from) [any|much|a lot of|heavy|high|some] [cpu|memory|io|i/o|disk|ram] (pressure|stalls|stalling)",
    "(is|are) [the] (cpu|memory|io|i/o|disk|ram) (under pressure|stalling)",
    "@what is [the] [cpu|memory|io|i/o|disk|system] pressure like",
    "(any|some|much|high|heavy) [cpu|memory|io|i/o|disk|ram] (pressure|stalls|stalling)",
    "how much [cpu|memory|io|i/o|disk|ram] pressure (is|are) [there|the] [@machine|server] [under|seeing|experiencing|having]",
    "how much pressure (is|are) [the] [@machine|server] under",
    "(is|are) [the] [@machine|server] under pressure",
  ],
  build: () => ({}),
  describe: () => "cpu, memory and io",
  async plan() {
    return [task("pressure", "Show pressure stall information", "monitor", [call("monitor.pressure", {})])];
  },
});

const SECTIONS = "(cpu <section=cpu>|cpus <section=cpu>|processor <section=cpu>|processors <section=cpu>|cores <section=cpu>|memory <section=memory>|ram <section=memory>|disks <section=disks>|drives <section=disks>|pci devices <section=pci>|pci <section=pci>|nics <section=nics>|network cards <section=nics>)";

export const hardware = defineIntent<{ section?: string }>({
  name: "hardware",
  summary: "show the hardware",
  examples: ["what hardware is this?", "how many CPUs do I have", "show the pci devices", "lscpu"],
  forms: [
    "@show [the] (hardware|hw) [info|information|inventory|details|specs|list]",
    "@what hardware (is this|do i have|is there|am i running on|is it|does it have|is in this machine)",
    "(hardware|hw) (info|information|inventory|details|specs)",
    "how many (cpus|cores|processors|cpu cores|cpu|processor cores) <section=cpu> [do i have|are there|does it have|does machine have|does this machine have|have i got|has it got|has machine got|are available|are installed]",
    "@what (cpu|processor|cpu model) <section=cpu> (is this|do i have|is in this machine|is in here|does it have|is installed|am i running on)",
    "how much (ram|memory) <section=memory> (is installed|do i have in total|is there in total|does it have|(does|do) @here have|is in this machine|is in machine) [in total|installed]",
    `@show [the] ${SECTIONS} (info|information|details|inventory|model|models|specs)`,
    "@show [the] (pci devices <section=pci>|network cards <section=nics>|nics <section=nics>|physical disks <section=disks>|disk drives <section=disks>)",
    "(lscpu <section=cpu>|lspci <section=pci>|lsblk <section=disks>|lshw)",
  ],
  build: (c) => (c.has("section") ? { section: c.get<string>("section")! } : {}),
  describe: (a) => a.section ?? "all",
  async plan(a) {
    return [task("hardware", "Show the hardware", "monitor", [call("hw.info", { ...a })])];
  },
});
