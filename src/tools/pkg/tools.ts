/** The pkg.* tools: thin over PkgManager (ToolHost.pkg), which does the work. */
import * as v from "valibot";
import { clip, listOf, plural } from "../summary";
import { formatBytes, formatClock } from "../units";
import { defineTool, type Inspection, type ToolContext } from "../define";
import { ToolError } from "../errors";
import type { InstallUndo, PkgManager, RemoveUndo, Target } from "./manager";
import { isValidVersion } from "./version";

declare module "../define" {
  interface ToolHost {
    /** Repositories, the base image's package list and the installed-packages store. */
    pkg: PkgManager;
  }
}

function manager(ctx: ToolContext, tool: string): PkgManager {
  const m = (ctx.host as { pkg?: PkgManager }).pkg;
  if (!m) throw new ToolError("unavailable", `${tool}: no package manager in this system`);
  return m;
}

function target(ctx: ToolContext): Target {
  const root = process.getuid?.() === 0;
  return { root: ctx.env.root, callId: ctx.callId, signal: ctx.signal, lenientOwners: ctx.env.mode === "dev" && !root };
}

const NAME_RE = /^[a-z0-9][a-z0-9+.-]+$/;
const pkgName = v.pipe(v.string("must be a string"), v.regex(NAME_RE, "must be a Debian package name (lower case letters, digits, + - .; at least 2 characters)"));
const pkgSpec = v.pipe(
  v.string("must be a string"),
  v.check((s) => {
    const eq = s.indexOf("=");
    return eq < 0 ? NAME_RE.test(s) : NAME_RE.test(s.slice(0, eq)) && isValidVersion(s.slice(eq + 1));
  }, 'must be a package name, or name=version (e.g. "nginx" or "nginx=1.22.1-9+deb12u11")'),
);
const names = <T extends v.GenericSchema<string, string>>(item: T) =>
  v.pipe(v.array(item, "must be an array of package names"), v.minLength(1, "must name at least one package"), v.maxLength(100, "must name at most 100 packages"));

const SCRIPTS = "Maintainer scripts (preinst/postinst/prerm/postrm) are never run: system users/groups and state directories they would create are made from what the scripts name, and the result lists the scripts skipped.";

const planned = v.object({ name: v.string(), version: v.string(), auto: v.boolean(), reason: v.string(), size: v.number(), files: v.optional(v.number()), bytes: v.optional(v.number()), scriptsSkipped: v.optional(v.array(v.string())) });

export const pkgInstall = defineTool({
  name: "pkg.install",
  description: `Install Debian packages (name or name=version) and their dependencies from the configured repositories, checking sha256 and conflicts before anything is written. ${SCRIPTS} Undo removes exactly what the call installed.`,
  input: v.strictObject({
    names: names(pkgSpec),
    dryRun: v.optional(v.boolean("must be true or false"), false),
  }),
  output: v.object({
    dryRun: v.boolean(),
    installed: v.array(planned),
    alreadyInstalled: v.array(v.object({ name: v.string(), version: v.string(), origin: v.picklist(["base", "installed"]) })),
    downloadedBytes: v.number(),
    scriptsSkipped: v.array(v.object({ package: v.string(), scripts: v.array(v.string()) })),
    note: v.string(),
    usersCreated: v.array(v.string()),
    groupsCreated: v.array(v.string()),
    stateDirectories: v.array(v.string()),
    replaced: v.array(v.string()),
    conffilesKept: v.array(v.string()),
    serviceFiles: v.array(v.string()),
    entriesSkipped: v.array(v.string()),
  }),
  risk: "high",
  readOnly: false,
  idempotent: true,
  reversible: true,
  timeoutMs: 600_000,
  execute(args, ctx) {
    return manager(ctx, "pkg.install").install(args.names, target(ctx), { dryRun: args.dryRun, saveUndo: (u) => ctx.saveUndo(u) });
  },
  async undo(rec: InstallUndo, ctx) {
    await manager(ctx, "pkg.install").undoInstall(rec, target(ctx));
  },
  summarize: (o) => {
    const verb = o.dryRun ? "Would install" : "Installed";
    const asked = o.installed.filter((p) => !p.auto);
    const deps = o.installed.filter((p) => p.auto);
    const lines: string[] = [];
    if (o.installed.length) {
      lines.push(`${verb} ${listOf(asked.map((p) => `${p.name} ${p.version}`))}${deps.length ? ` with ${plural(deps.length, "dependency", "dependencies")} (${listOf(deps.map((p) => p.name), 8)})` : ""}` + (o.dryRun ? "" : `, ${formatBytes(o.downloadedBytes)} downloaded`));
    }
    if (o.alreadyInstalled.length) lines.push(`Already there: ${listOf(o.alreadyInstalled.map((p) => `${p.name} ${p.version}${p.origin === "base" ? " (base image)" : ""}`))}`);
    if (o.serviceFiles.length) lines.push(`Service files: ${listOf(o.serviceFiles, 4)}`);
    if (o.usersCreated.length || o.groupsCreated.length) lines.push(`Accounts created: ${listOf([...o.usersCreated.map((u) => `user ${u}`), ...o.groupsCreated.map((g) => `group ${g}`)])}`);
    const skipped = o.scriptsSkipped.reduce((n, s) => n + s.scripts.length, 0);
    if (skipped) lines.push(`${plural(skipped, "maintainer script")} not run (aiOS never runs them)`);
    return lines.join("\n") || "Nothing to install";
  },
  inspect: (_args, rec, ctx) => recorded(ctx, rec, "installed"),
});

/** How many of the call's packages the store records as installed (a package is recorded only once it is all on disk). */
function recorded(ctx: ToolContext, rec: InstallUndo | RemoveUndo | null, want: "installed" | "removed"): Inspection {
  if (!rec || rec.packages.length === 0) return { effect: "absent", detail: "the call stopped before it chose its packages" };
  const store = manager(ctx, "pkg").store;
  const there = rec.packages.filter((p) => store.get(p.name)?.sha256 === p.sha256).map((p) => p.name);
  const done = want === "installed" ? there : rec.packages.map((p) => p.name).filter((n) => !there.includes(n));
  const detail = `${want}: ${done.join(", ") || "none"} of ${rec.packages.map((p) => p.name).join(", ")}`;
  return { effect: done.length === 0 ? "absent" : done.length === rec.packages.length ? "present" : "partial", detail };
}

export const pkgRemove = defineTool({
  name: "pkg.remove",
  description:
    "Remove installed packages exactly: every file they installed, then directories and system users/groups they created that nothing else needs; files of the base image they had replaced are put back. " +
    "Refused while another installed package depends on one, unless cascade. autoremove (default true) also removes dependencies installed only for them. " +
    "Conffiles you changed are kept unless purge; purge also deletes what runtime left in directories the packages created (logs, caches) and the PID files their service units name. Undo reinstalls the same versions from the package cache.",
  input: v.strictObject({
    names: names(pkgName),
    purge: v.optional(v.boolean("must be true or false"), false),
    cascade: v.optional(v.boolean("must be true or false"), false),
    autoremove: v.optional(v.boolean("must be true or false"), true),
    dryRun: v.optional(v.boolean("must be true or false"), false),
  }),
  output: v.object({
    dryRun: v.boolean(),
    removed: v.array(v.object({ name: v.string(), version: v.string(), reason: v.string(), files: v.optional(v.number()) })),
    conffilesKept: v.array(v.string()),
    conffilesPurged: v.array(v.string()),
    leftBehind: v.array(v.string()),
    restored: v.array(v.string()),
    directoriesRemoved: v.number(),
    usersRemoved: v.array(v.string()),
    groupsRemoved: v.array(v.string()),
    runtimeRemoved: v.array(v.string()),
  }),
  risk: "high",
  readOnly: false,
  idempotent: true,
  reversible: true,
  timeoutMs: 300_000,
  execute(args, ctx) {
    return manager(ctx, "pkg.remove").remove(args.names, target(ctx), {
      purge: args.purge, cascade: args.cascade, autoremove: args.autoremove, dryRun: args.dryRun, saveUndo: (u) => ctx.saveUndo(u),
    });
  },
  async undo(rec: RemoveUndo, ctx) {
    await manager(ctx, "pkg.remove").undoRemove(rec, target(ctx));
  },
  summarize: (o) => {
    if (!o.removed.length) return "Nothing to remove";
    const asked = o.removed.filter((p) => p.reason === "requested");
    const also = o.removed.filter((p) => p.reason !== "requested");
    const lines = [`${o.dryRun ? "Would remove" : "Removed"} ${listOf(asked.map((p) => `${p.name} ${p.version}`))}`];
    if (also.length) lines.push(`Also ${o.dryRun ? "would go" : "removed"}: ${listOf(also.map((p) => `${p.name} (${p.reason})`), 6)}`);
    if (o.conffilesKept.length) lines.push(`Kept ${plural(o.conffilesKept.length, "changed config file")}: ${listOf(o.conffilesKept, 4)}`);
    if (o.conffilesPurged.length) lines.push(`Purged ${plural(o.conffilesPurged.length, "config file")}`);
    if (o.restored.length) lines.push(`Put back ${plural(o.restored.length, "base-image file")}`);
    if (o.usersRemoved.length || o.groupsRemoved.length) lines.push(`Accounts removed: ${listOf([...o.usersRemoved.map((u) => `user ${u}`), ...o.groupsRemoved.map((g) => `group ${g}`)])}`);
    return lines.join("\n");
  },
  inspect: (_args, rec, ctx) => recorded(ctx, rec, "removed"),
});

export const pkgSearch = defineTool({
  name: "pkg.search",
  description: "Search the repositories' packages by name or short description (substring, case-insensitive); exact and prefix name matches first.",
  input: v.strictObject({
    query: v.pipe(v.string("must be a string"), v.minLength(1, "must not be empty"), v.maxLength(100, "must be at most 100 characters")),
    limit: v.optional(v.pipe(v.number("must be a number"), v.integer("must be an integer"), v.minValue(1, "must be 1..200"), v.maxValue(200, "must be 1..200")), 20),
  }),
  output: v.object({
    total: v.number(),
    results: v.array(v.object({ name: v.string(), version: v.string(), summary: v.string(), installed: v.nullable(v.string()), provided: v.boolean() })),
  }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 120_000,
  execute(args, ctx) {
    return manager(ctx, "pkg.search").search(args.query.toLowerCase(), args.limit, ctx.signal);
  },
  summarize: (o, args) => {
    if (!o.results.length) return `No package matches ${JSON.stringify(args.query)}`;
    const rows = o.results.map((r) => `  ${r.name} ${r.version}${r.installed ? ` (installed ${r.installed})` : r.provided ? " (in the base image)" : ""}: ${clip(r.summary, 80)}`);
    return [`${plural(o.total, "package")} match ${JSON.stringify(args.query)}${o.total > o.results.length ? `; the first ${o.results.length}` : ""}:`, ...rows].join("\n");
  },
});

export const pkgInfo = defineTool({
  name: "pkg.info",
  description: "A package's fields from the repository (version, dependencies, size, sha256...), whether the base image provides it, and when installed its files, directories and accounts.",
  input: v.strictObject({ name: pkgName }),
  output: v.object({
    name: v.string(),
    virtual: v.boolean(),
    providers: v.array(v.string()),
    available: v.nullable(v.object({
      version: v.string(), versions: v.array(v.string()), architecture: v.string(), section: v.string(), priority: v.string(),
      summary: v.string(), description: v.string(), depends: v.string(), preDepends: v.string(), provides: v.string(),
      conflicts: v.string(), breaks: v.string(), size: v.number(), installedSize: v.number(), filename: v.string(), sha256: v.string(), repository: v.string(),
    })),
    installed: v.nullable(v.object({
      version: v.string(), auto: v.boolean(), installedAt: v.string(), callId: v.nullable(v.string()), scriptsSkipped: v.array(v.string()), filesTotal: v.number(),
      files: v.array(v.object({
        path: v.string(), type: v.string(), mode: v.string(), size: v.number(), sha256: v.nullable(v.string()), target: v.nullable(v.string()), conffile: v.boolean(), replaced: v.boolean(),
      })),
      directories: v.array(v.object({ path: v.string(), created: v.boolean() })),
      accounts: v.array(v.object({ kind: v.string(), name: v.string(), id: v.number(), created: v.boolean() })),
    })),
    provided: v.nullable(v.object({ version: v.string() })),
    repositoryError: v.nullable(v.string()),
  }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 120_000,
  execute(args, ctx) {
    return manager(ctx, "pkg.info").info(args.name, ctx.signal);
  },
  summarize: (o) => {
    const lines: string[] = [];
    if (o.installed) lines.push(`${o.name} ${o.installed.version} is installed (${plural(o.installed.filesTotal, "file")}, on ${formatClock(o.installed.installedAt)}${o.installed.auto ? ", as a dependency" : ""})`);
    else if (o.provided) lines.push(`${o.name} ${o.provided.version} is part of the base image`);
    else lines.push(`${o.name} is not installed`);
    if (o.available) {
      const newer = o.installed && o.installed.version !== o.available.version ? ` (the repository has ${o.available.version})` : "";
      lines.push(`${newer ? `Available${newer}` : `Available: ${o.available.version}`}, ${formatBytes(o.available.size)} download, ${formatBytes(o.available.installedSize * 1024)} installed: ${clip(o.available.summary, 100)}`);
    } else if (o.virtual) lines.push(`${o.name} is a virtual package${o.providers.length ? ` provided by ${listOf(o.providers)}` : ""}`);
    else if (o.repositoryError) lines.push(`The repository could not be read: ${o.repositoryError}`);
    else if (!o.installed && !o.provided) lines.push("No repository has it");
    return lines.join("\n");
  },
});

export const pkgList = defineTool({
  name: "pkg.list",
  description: "Installed packages (version, installed as a dependency or not, file count) and the packages the base image provides.",
  input: v.strictObject({}),
  output: v.object({
    packages: v.array(v.object({ name: v.string(), version: v.string(), auto: v.boolean(), installedAt: v.string(), files: v.number() })),
    provided: v.array(v.object({ name: v.string(), version: v.string() })),
  }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 10_000,
  execute(_args, ctx) {
    return manager(ctx, "pkg.list").list();
  },
  summarize: (o) => {
    const mine = o.packages.length ? `${plural(o.packages.length, "package")} installed: ${listOf(o.packages.map((p) => `${p.name} ${p.version}`), 15)}` : "No package installed beyond the base image";
    return `${mine}\nThe base image provides ${plural(o.provided.length, "package")}${o.provided.length ? `: ${listOf(o.provided.map((p) => p.name), 10)}` : ""}`;
  },
});

export const pkgUpdate = defineTool({
  name: "pkg.update",
  description: "Download the repositories' package indexes again (checked against the suite's Release file when there is one) and cache them.",
  input: v.strictObject({}),
  output: v.object({
    indexes: v.array(v.object({
      url: v.string(), suite: v.string(), component: v.string(), file: v.string(), packages: v.number(), bytes: v.number(), fetchedAt: v.number(), releaseVerified: v.boolean(),
    })),
    packages: v.number(),
  }),
  risk: "low",
  readOnly: false,
  idempotent: true,
  reversible: false,
  timeoutMs: 300_000,
  async execute(_args, ctx) {
    const indexes = await manager(ctx, "pkg.update").update(ctx.signal);
    return { indexes, packages: indexes.reduce((n, i) => n + i.packages, 0) };
  },
  summarize: (o) =>
    `Package indexes updated: ${plural(o.packages, "package")} in ${plural(o.indexes.length, "index", "indexes")} (${listOf(o.indexes.map((i) => `${i.suite}/${i.component} ${i.packages}${i.releaseVerified ? "" : ", not verified"}`), 4)})`,
});

export const pkgTools = [pkgSearch, pkgInfo, pkgInstall, pkgRemove, pkgList, pkgUpdate];
