/** The pkg.* tools: thin over PkgManager (ToolHost.pkg), which does the work. */
import * as v from "valibot";
import { defineTool, type ToolContext } from "../define";
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
});

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
});

export const pkgTools = [pkgSearch, pkgInfo, pkgInstall, pkgRemove, pkgList, pkgUpdate];
