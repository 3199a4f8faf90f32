/**
 * remove a package, exactly: nothing of it is left behind. Before pkg.remove
 * purges the package (its files, conffiles, what its runtime left in the
 * directories it made), the plan takes away what aiOS added around it,
 * which the package manager does not know about:
 *
 * - watchlist entries for it or its services (first, so the autonomy loop
 *   does not report or heal what is being taken down);
 * - supervised services whose command runs one of its files: stopped, then
 *   their definitions removed;
 * - files it does not own in its own configuration directories (a proxy
 *   config written into /etc/nginx/sites-available, the symlink in
 *   sites-enabled): deleted.
 *
 * Its configuration directories are those under /etc that the package, or
 * a dependency installed only for it (nginx-common for nginx), created and
 * that carry its name. What is there is found with read-only probes
 * (pkg.info, service.list, service.status, fs.list, monitor.watchlist).
 */
import { PACKAGE_NAME } from "../slots";
import { defineIntent, IntentRefusal, type IntentContext, refuse } from "../intent";
import { call, definedServices, type PkgInfo, packageState, probe, task } from "./common";

const MAX_CLOSURE = 50;
const MAX_LISTED = 5000;

export interface RemoveArgs {
  names: string[];
  /** Purge (the default: nothing of it left behind); false keeps its configuration ("but keep the config"). */
  purge: boolean;
  dryRun?: boolean;
}

/** Package names in a Depends field: "libc6 (>= 2.34), nginx-common (= 1.22.1-9) | nginx-light". */
function dependencyNames(depends: string): string[] {
  return depends.split(/[,|]/).map((d) => d.trim().split(/[\s(:]/)[0]!).filter((n) => PACKAGE_NAME.test(n));
}

interface Found {
  /** The packages pkg.remove will take away (the named ones and dependencies installed only as such). */
  packages: PkgInfo[];
  owned: Set<string>;
}

/** The named packages and, through their dependencies, those installed automatically for them. */
async function closure(names: readonly string[], ctx: IntentContext): Promise<Found> {
  const packages: PkgInfo[] = [];
  const seen = new Set<string>();
  const queue = [...names];
  while (queue.length && packages.length < MAX_CLOSURE) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const named = names.includes(name);
    const s = await packageState(ctx, name);
    if (named) {
      if (s.state === "unknown" || s.state === "available") throw new IntentRefusal(`${name} is not installed`);
      if (s.state === "provided") throw new IntentRefusal(`${name} is part of the base image; aiOS does not remove it`);
      if (s.state === "unreachable") throw new IntentRefusal(`cannot look at ${name} to remove it exactly: ${s.why}`);
    }
    if (s.state !== "installed" || (!named && !s.info.installed!.auto)) continue;
    packages.push(s.info);
    if (s.info.available) queue.push(...dependencyNames(s.info.available.depends));
  }
  const owned = new Set<string>();
  for (const p of packages) {
    for (const f of p.installed!.files) owned.add(f.path);
    for (const d of p.installed!.directories) owned.add(d.path);
  }
  return { packages, owned };
}

/** /etc/<name> directories the packages created and that carry one of their names (nginx-common → /etc/nginx). */
function configDirs(packages: readonly PkgInfo[]): string[] {
  const dirs = new Set<string>();
  for (const p of packages) {
    for (const d of p.installed!.directories) {
      const m = /^\/etc\/([^/]+)$/.exec(d.path);
      if (m && d.created && (p.name === m[1] || p.name.startsWith(`${m[1]}-`))) dirs.add(d.path);
    }
  }
  return [...dirs].sort();
}

interface ListEntry {
  path: string;
  type: string;
}

const CONFIG = "(config|configs|configuration|configurations|config files|configuration files|conffiles|settings|data|files)";

export const removePackage = defineIntent<RemoveArgs>({
  name: "remove-package",
  summary: "remove a package",
  examples: ["remove nginx", "uninstall nginx completely", "purge redis-server", "apt-get remove -y htop", "get rid of nginx", "remove nginx but keep its config"],
  forms: [
    "[sudo] (apt|apt-get|aptitude) [-y|--yes] (remove|purge|autoremove) [-y|--yes] {names:pkgs}",
    "(uninstall|remove|purge|delete|erase|get rid of|take off) [package|packages] {names:pkgs} [package|packages]",
  ],
  qualifiers: [
    "(-y|--yes)",
    "(--purge|completely|entirely|fully|for good|totally|everything) <purge=true>",
    "(and|with|including|along with|plus) [all] [of] (its|their|the) " + CONFIG + " <purge=true>",
    "[from] [system|machine]",
    "(but|and) (keep|keeping|leave|leaving|preserve|preserving|retain|retaining) (its|their|the) " + CONFIG + " [in place|alone|intact] <purge=false>",
    "(but|and) (do not|never) (delete|remove|purge|touch) (its|their|the) " + CONFIG + " <purge=false>",
    "without (deleting|removing|purging|touching) (its|their|the) " + CONFIG + " <purge=false>",
    "[as] [a] (dry run|dry-run|--dry-run|--simulate|simulation) <dryRun=true>",
    // pkg.remove takes the dependencies installed only for it along: "and its dependencies" is what it does.
    "(and|with|including|along with|plus|together with) [all] [of] [its|their|the] [unused|unneeded|automatically installed|orphaned] (dependencies|deps|dependency packages) [(it|they) (pulled in|brought in|installed|needed)]",
    "(and|with|including|along with|plus|together with) [all] [the] (dependencies|deps) (it|they) (pulled in|brought in|installed|needed|came with)",
    "(and|with|including|along with|plus|together with) (everything|all) (it|they) (depends on|depend on|pulled in|brought in|needs|need)",
    "(and|then) (autoremove|clean up (its|their|the) (dependencies|deps|leftovers))",
  ],
  build(c) {
    if (c.conflicting("purge")) return refuse("it says both to remove and to keep the configuration");
    const names = [...new Set(c.get<string[]>("names")!)];
    const bad = names.find((n) => !PACKAGE_NAME.test(n));
    if (bad) return refuse(`"${bad}" is not a package name (a version cannot be removed on its own)`);
    return { names, purge: c.get<boolean>("purge") ?? true, ...(c.has("dryRun") ? { dryRun: true } : {}) };
  },
  object: (a) => a.names.join(" and "),
  describe: (a) => `packages: ${a.names.join(", ")}, ${a.purge ? "purge" : "configuration kept"}${a.dryRun ? ", dry run" : ""}`,
  reusable: false,
  async plan(a, ctx) {
    const { packages, owned } = await closure(a.names, ctx);
    const truncated = packages.filter((p) => p.installed!.files.length < p.installed!.filesTotal).map((p) => p.name);
    if (truncated.length) throw new IntentRefusal(`${truncated.join(", ")} ha${truncated.length === 1 ? "s" : "ve"} more files than pkg.info lists; cannot tell which files under its configuration directories are not its own`);

    // Services whose command runs one of the packages' files.
    const services: string[] = [];
    const defined = await definedServices(ctx);
    if (defined === null) throw new IntentRefusal("cannot list the supervised services to find those running the package (service.list failed)");
    for (const s of defined) {
      const st = await probe<{ definition: { argv?: string[] } }>(ctx, "service.status", { name: s.name, lines: 0 });
      if (st.ok && (st.value.definition.argv ?? []).some((arg) => owned.has(arg))) services.push(s.name);
    }
    const dependents = defined.filter((s) => !services.includes(s.name) && s.after.some((x) => services.includes(x)));
    if (dependents.length) throw new IntentRefusal(`service ${dependents.map((s) => s.name).join(", ")} start${dependents.length === 1 ? "s" : ""} after ${services.join(", ")}; remove ${dependents.length === 1 ? "it" : "them"} first`);

    // Files it does not own in its configuration directories; an unowned directory goes whole.
    const stray: Array<{ path: string; dir: boolean }> = [];
    for (const dir of configDirs(packages)) {
      const listed = await probe<{ entries: ListEntry[]; truncated: boolean }>(ctx, "fs.list", { path: dir, recursive: true, limit: MAX_LISTED });
      if (!listed.ok) {
        if (listed.code === "ENOENT") continue;
        throw new IntentRefusal(`cannot list ${dir} to find files that are not the package's: ${listed.message}`);
      }
      if (listed.value.truncated) throw new IntentRefusal(`${dir} holds more than ${MAX_LISTED} entries; cannot check them all`);
      for (const e of listed.value.entries) {
        if (owned.has(e.path) || stray.some((s) => s.dir && e.path.startsWith(`${s.path}/`))) continue;
        stray.push({ path: e.path, dir: e.type === "dir" });
      }
    }

    const watchlist = await probe<{ watches: Array<{ name: string; service: string | null }> }>(ctx, "monitor.watchlist", {});
    const mine = new Set([...a.names, ...services]);
    const watches = watchlist.ok ? watchlist.value.watches.filter((w) => mine.has(w.name) || (w.service !== null && mine.has(w.service))).map((w) => w.name) : [];

    const tasks = [];
    const before: string[] = [];
    if (watches.length) {
      tasks.push(task("unwatch", `Take ${watches.join(", ")} off the watchlist`, "monitor", watches.map((w) => call("monitor.unwatch", { name: w }, "so the autonomy loop neither reports nor heals what is being removed"))));
      before.push("unwatch");
    }
    if (services.length) {
      tasks.push(task("stop-services", `Stop and remove the service${services.length === 1 ? "" : "s"} ${services.join(", ")}`, "system",
        services.flatMap((s) => [call("service.stop", { name: s }, `${s} runs a file of ${a.names.join(", ")}`), call("service.remove", { name: s }, "forget its definition so nothing starts it again")]), [...before]));
      before.push("stop-services");
    }
    if (stray.length && a.purge && !a.dryRun) {
      tasks.push(task("delete-files", `Delete files in ${configDirs(packages).join(", ")} that are not the package's`, "system",
        stray.map((s) => call("fs.delete", s.dir ? { path: s.path, recursive: true } : { path: s.path }, "not installed by the package (written later), so purging the package would leave it")), [...before]));
      before.push("delete-files");
    }
    // Without the repository's index the dependencies are unknown, and so are their configuration directories.
    const blind = packages.filter((p) => a.names.includes(p.name) && p.available === null).map((p) => p.name);
    const note = blind.length ? `; the repository index is not available, so configuration directories of ${blind.join(", ")}'s dependencies were not checked` : "";
    if (a.dryRun) return [task("purge", `What removing ${a.names.join(", ")} would do`, "package", [call("pkg.remove", { names: [...a.names], purge: a.purge, dryRun: true }, "a dry run: nothing is removed")])];
    tasks.push(task("purge", a.purge ? `Remove ${a.names.join(", ")} with its configuration (purge)` : `Remove ${a.names.join(", ")}, keeping its configuration`, "package",
      [call("pkg.remove", { names: [...a.names], purge: a.purge }, a.purge ? `purge: conffiles and runtime leftovers go too; removes the dependencies installed only for ${a.names.length === 1 ? "it" : "them"}${note}` : `conffiles and the files aiOS added in its configuration directories stay, as asked${note}`)], [...before]));
    return tasks;
  },
});
