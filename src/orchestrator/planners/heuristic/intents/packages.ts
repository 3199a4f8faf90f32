/**
 * Packages: install, look at, list, search, refresh the index. (Removal,
 * with everything aiOS added around a package, is remove.ts.)
 */
import { daemonFor } from "../daemons";
import { defineIntent, IntentRefusal, refuse } from "../intent";
import { call, packageState, packageTasks, task } from "./common";

export interface InstallArgs {
  names: string[];
  dryRun?: boolean;
}

export const installPackage = defineIntent<InstallArgs>({
  name: "install-package",
  summary: "install a package",
  examples: ["install nginx", "install htop, curl and git", "apt-get install -y redis-server", "install the nginx package", "install nginx=1.22.1-9+deb12u1", "get git and vim installed"],
  forms: [
    "[sudo] (apt|apt-get|aptitude) [-y|--yes] install [-y|--yes] {names:pkgs}",
    // The repository's version is the latest there is: "the latest nginx" is what install takes.
    "(install|reinstall) [latest|newest|most recent|current] [version of] [package] {names:pkgs} [package]",
    "add (package|packages) {names:pkgs}",
    "(get|have|make sure|ensure) {names:pkgs} [package] (is|are|gets|get) installed",
    "(get|have) {names:pkgs} installed",
    "(i|we) (need|want) [package] {names:pkgs} [package] [installed]",
  ],
  qualifiers: [
    "(-y|--yes)",
    // Installing never starts anything: "but don't start it" is already so.
    "[but|and] (do not|never|without) (start|starting|run|running|enable|enabling|launch|launching) (it|them|service|services) [yet]",
    "[as] [a] (dry run|dry-run|--dry-run|--simulate|simulation) <dryRun=true>",
    "[and] (its|their) dependencies",
  ],
  build(c) {
    const names = [...new Set(c.get<string[]>("names")!)];
    return c.has("dryRun") ? { names, dryRun: true } : { names };
  },
  object: (a) => a.names.map((n) => n.split("=")[0]).join(" and "),
  describe: (a) => `packages: ${a.names.join(", ")}${a.dryRun ? ", dry run" : ""}`,
  async plan(a, ctx) {
    for (const spec of a.names) {
      const name = spec.split("=")[0]!;
      const s = await packageState(ctx, name);
      // Unknown to every repository: refuse now. No answer (a repository disk not attached): the install step will say.
      if (s.state === "unknown") throw new IntentRefusal(`${name} is not in any configured package repository (${s.why})`);
      if (!a.dryRun) ctx.earlier.installs.add(name);
    }
    const tasks = packageTasks(a.names);
    if (a.dryRun) tasks[1]!.calls[0]!.args.dryRun = true;
    return tasks;
  },
});

/**
 * Words that, after "get", "set up" or "put", ask for something of aiOS's own
 * (the time, a cron job, sudo rights, a backup) though Debian has a package
 * of that name: never read as that package here ("install time" still is).
 */
const LOOSE_NOT_PACKAGES: ReadonlySet<string> = new Set(["time", "date", "clock", "cron", "anacron", "at", "sudo", "swap", "backup", "backups", "monitoring", "logging", "rotation", "proxy", "ssl", "tls", "dns", "updates", "update", "upgrades", "mail", "email", "alerts", "access", "permissions", "root"]);

/**
 * Installing said loosely: "put htop on this box", "set up jq", "grab wget",
 * "get tmux onto the server" (where it goes is a filler: this machine).
 * Tried after every other intent (index.ts), so "get the logs", "set up a
 * reverse proxy" are read by theirs first.
 */
export const installLoosely = defineIntent<InstallArgs>({
  name: "install-package-loosely",
  summary: "install a package (said with another verb)",
  examples: ["put htop on this box", "set up jq", "grab wget", "get tmux onto the server"],
  forms: ["(put|get|gimme|grab|fetch|download|pull down|pull in|bring in|set up <setup=true>|setup <setup=true>|deploy <setup=true>) [me|us] [the] [package|packages] {names:pkgs} [package|packages]"],
  qualifiers: installPackage.qualifiers,
  build(c, facts) {
    const a = installPackage.build(c, facts);
    if ("refuse" in a) return a;
    const taken = a.names.map((n) => n.split("=")[0]!).filter((n) => LOOSE_NOT_PACKAGES.has(n));
    if (taken.length) return refuse(`"${taken.join('", "')}" after this verb is not read as a package name; to install ${taken.length === 1 ? "it" : "them"}, say "install ${taken.join(" ")}"`);
    // Setting up a daemon is more than its package (its configuration, its service): only the install is said plainly.
    const daemons = c.has("setup") ? a.names.map((n) => n.split("=")[0]!).filter((n) => daemonFor(n)) : [];
    if (daemons.length) return refuse(`setting up ${daemons.join(" and ")} is more than installing ${daemons.length === 1 ? "it" : "them"} (configuration, a service); say "install ${daemons.join(" ")}", then start or configure ${daemons.length === 1 ? "it" : "them"}`);
    return a;
  },
  object: installPackage.object,
  describe: installPackage.describe,
  plan: installPackage.plan,
});

export const packageInfo = defineIntent<{ names: string[] }>({
  name: "package-info",
  summary: "tell whether a package is installed, and its version",
  examples: ["is nginx installed?", "which version of nginx is installed", "do I have curl", "show info about the htop package"],
  forms: [
    "(is|are) {names:pkgs} [package|packages] (installed|available|present|there)",
    "(do|does) (i|we|you|system|machine|it|this machine|this system|this box|this server|server) have {names:pkgs} [package|packages] [installed]",
    "@what version [of] [package] {names:pkgs} [package] [(is|are) (installed|running|there)|do (i|we) have|am i running|are we running|is on here]",
    "@what is [package] {names:pkgs} [package] version",
    "@what version (is|of) [package] {names:pkgs} [package] [is installed|is there]",
    "@show (info|information|details|version|versions) (about|on|for|of) [package|packages] {names:pkgs} [package|packages]",
    "(info|information|details) (about|on|for) [package|packages] {names:pkgs} [package|packages]",
    "@show package {names:pkgs}",
    "[sudo] (apt|apt-cache) (show|policy) {names:pkgs}",
    "dpkg (-s|-l|--status) {names:pkgs}",
    "@ask {names:pkgs} [package] (is|are) installed",
    "{names:pkgs} version",
  ],
  build: (c) => ({ names: [...new Set(c.get<string[]>("names")!)].map((n) => n.split("=")[0]!) }),
  object: (a) => a.names.join(" and "),
  describe: (a) => `packages: ${a.names.join(", ")}`,
  async plan(a) {
    return [task("package-info", `Look up ${a.names.join(", ")}`, "package", a.names.map((name) => call("pkg.info", { name }, "installed or not, the version, and what the repository offers")))];
  },
});

export const listPackages = defineIntent<Record<string, never>>({
  name: "list-packages",
  summary: "list the installed packages",
  examples: ["list installed packages", "what packages are installed?", "show me all the software installed"],
  forms: [
    "@show [all|every] [of] [installed] (package|software|packages) [that are|which are|that is|which is|that have been|that has been] [installed] [on system]",
    "@what (package|packages|software|programs) (is|are|have been|has been) installed",
    "@what is installed",
    "@what have (i|we|you) installed",
    "dpkg (-l|--list)",
    "(apt|apt-get) list --installed",
  ],
  build: () => ({}),
  describe: () => "installed packages",
  async plan() {
    return [task("list-packages", "List the installed packages", "package", [call("pkg.list", {})])];
  },
});

export const searchPackages = defineIntent<{ query: string }>({
  name: "search-packages",
  summary: "search the package repositories",
  examples: ["search for a package called ripgrep", "apt search tmux", "is there a package for jq?"],
  forms: [
    "(search|look) [for] [a|any] (package|packages) [called|named|matching|for|with|like] {query:name}",
    "(search|look) for {query:name} [in] [the] (repository|repositories|repo|repos|package list|packages)",
    "search (repository|repositories|repo|repos) for {query:name}",
    "(apt|apt-cache) search {query:name}",
    "find [a|any] (package|packages) (called|named|for|matching|like) {query:name}",
    "(is|are) there [a|any] (package|packages) (for|called|named|matching|like) {query:name}",
  ],
  build: (c) => ({ query: c.get<string>("query")! }),
  describe: (a) => `query: ${a.query}`,
  async plan(a) {
    return [task("search-packages", `Search the repositories for ${a.query}`, "package", [call("pkg.search", { query: a.query, limit: 20 })])];
  },
});

export const updateIndex = defineIntent<Record<string, never>>({
  name: "update-package-index",
  summary: "refresh the package index",
  examples: ["update the package lists", "apt update", "refresh the repository index"],
  forms: [
    "(update|refresh|reload|download|fetch|sync) [the] (package|apt|repository|repo|packages|repositories) (list|lists|index|indexes|indices|database|metadata|catalog|catalogue)",
    "(update|refresh) [the] (repository|repositories|repo|repos|apt)",
    "[sudo] (apt|apt-get) update",
  ],
  build: () => ({}),
  describe: () => "package indexes",
  async plan() {
    return [task("update-index", "Download the package indexes again", "package", [call("pkg.update", {})])];
  },
});

/** "update nginx", "upgrade everything": no tool upgrades packages; said, not dropped. */
export const upgradePackages = defineIntent<Record<string, never>>({
  name: "upgrade-packages",
  summary: "upgrade packages",
  examples: ["upgrade all packages"],
  refusal: true,
  forms: ["[sudo] (apt|apt-get) (upgrade|dist-upgrade|full-upgrade)", "(upgrade|update) [all] [the] [installed] (package|packages|software|system|everything)", "upgrade {names:pkgs}"],
  build: () => refuse('aiOS has no tool that upgrades packages; "install NAME=VERSION" installs a given version, and "update the package index" refreshes what the repositories offer'),
  describe: () => "",
  async plan() {
    return [];
  },
});
