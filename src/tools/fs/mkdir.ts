/** fs.mkdir and fs.chmod: small changes whose undo is exact by construction. */
import { chmodSync, lstatSync, statSync } from "node:fs";
import * as v from "valibot";
import { fsyncPath } from "../../sys";
import { listOf } from "../summary";
import { defineTool, type Inspection } from "../define";
import { attempt, FsError } from "./errors";
import { formatMode, guestPath, octalMode, parseMode } from "./common";
import { resolvePath, pathsRisk } from "./paths";
import { again, makeDirs, missingParents, removeDirs, whenSettled } from "./undo";

/** chmod that is on disk when it returns (the inode's change, fsynced). */
function chmodDurable(host: string, mode: number): void {
  chmodSync(host, mode);
  fsyncPath(host);
}

interface MkdirUndo {
  /** The directories this call created, outermost first. */
  dirs: string[];
}

export const fsMkdir = defineTool({
  name: "fs.mkdir",
  description: "Create a directory; parents creates missing ancestors too and makes an existing directory a success.",
  input: v.strictObject({ path: guestPath, parents: v.optional(v.boolean(), false), mode: v.optional(octalMode) }),
  output: v.object({ path: v.string(), created: v.array(v.string()) }),
  risk: "low",
  riskOf: pathsRisk(true, "path"),
  readOnly: false,
  idempotent: true,
  reversible: true,
  timeoutMs: 5_000,
  execute(args, ctx) {
    const tool = "fs.mkdir";
    const r = resolvePath(ctx.env, tool, args.path);
    return whenSettled([r.host], () => {
      const st = attempt(tool, args.path, () => lstatSync(r.host, { throwIfNoEntry: false }));
      if (st) {
        if (args.parents && statSync(r.host).isDirectory()) {
          ctx.saveUndo({ dirs: [] } satisfies MkdirUndo);
          return { path: r.guest, created: [] };
        }
        throw new FsError("EEXIST", tool, args.path, "EEXIST (already exists)");
      }
      const parents = missingParents(ctx.env, tool, args.path, r);
      if (parents.length > 0 && !args.parents) throw new FsError("ENOENT", tool, args.path, `ENOENT (parent ${parents.at(-1)} does not exist; set parents)`);
      const dirs = [...parents, r.real];
      ctx.saveUndo({ dirs } satisfies MkdirUndo);
      const mode = args.mode === undefined ? undefined : parseMode(args.mode);
      makeDirs(ctx.env, tool, dirs);
      if (mode !== undefined) attempt(tool, args.path, () => chmodDurable(r.host, mode));
      return { path: r.guest, created: dirs };
    });
  },
  undo(rec: MkdirUndo, ctx) {
    removeDirs(ctx.env, "fs.mkdir", rec.dirs);
  },
  inspect(_args, rec, ctx): Inspection {
    const dirs = rec?.dirs ?? [];
    const made = dirs.filter((g) => lstatSync(again(ctx.env, "fs.mkdir", g).host, { throwIfNoEntry: false })?.isDirectory());
    if (dirs.length === 0 || made.length === 0) return { effect: "absent", detail: "none of its directories exists" };
    return made.length === dirs.length ? { effect: "present", detail: `made ${made.join(", ")}` } : { effect: "partial", detail: `made ${made.join(", ")} of ${dirs.join(", ")}` };
  },
  summarize: (o) => (o.created.length ? `Created ${listOf(o.created)}` : `${o.path} already exists`),
});

interface ChmodUndo {
  path: string;
  mode: number;
}

export const fsChmod = defineTool({
  name: "fs.chmod",
  description: "Change a path's permission bits (octal string, e.g. \"0640\"); a symlink's target is changed.",
  input: v.strictObject({ path: guestPath, mode: octalMode }),
  output: v.object({ path: v.string(), mode: v.string(), previous: v.string() }),
  risk: "medium",
  riskOf: pathsRisk(true, "path"),
  readOnly: false,
  idempotent: true,
  reversible: true,
  timeoutMs: 5_000,
  execute(args, ctx) {
    const tool = "fs.chmod";
    const r = resolvePath(ctx.env, tool, args.path);
    return whenSettled([r.host], () => {
      const st = attempt(tool, args.path, () => statSync(r.host));
      const previous = st.mode & 0o7777;
      ctx.saveUndo({ path: r.real, mode: previous } satisfies ChmodUndo);
      const mode = parseMode(args.mode);
      attempt(tool, args.path, () => chmodDurable(r.host, mode));
      return { path: r.guest, mode: formatMode(mode), previous: formatMode(previous) };
    });
  },
  undo(rec: ChmodUndo, ctx) {
    const r = again(ctx.env, "fs.chmod", rec.path);
    attempt("fs.chmod", rec.path, () => chmodDurable(r.host, rec.mode));
  },
  inspect(args, rec, ctx): Inspection {
    const r = again(ctx.env, "fs.chmod", rec?.path ?? args.path);
    const st = statSync(r.host, { throwIfNoEntry: false });
    if (!st) return { effect: "absent", detail: `${args.path} does not exist` };
    const mode = formatMode(st.mode);
    return mode === formatMode(parseMode(args.mode)) ? { effect: "present", detail: `${args.path} is ${mode}` } : { effect: "absent", detail: `${args.path} is ${mode}` };
  },
  summarize: (o) => (o.mode === o.previous ? `${o.path} already had mode ${o.mode}` : `Changed the mode of ${o.path} from ${o.previous} to ${o.mode}`),
});
