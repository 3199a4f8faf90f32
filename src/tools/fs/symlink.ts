/** fs.symlink: a link whose target must itself resolve inside the roots. */
import { lstatSync, readlinkSync } from "node:fs";
import * as v from "valibot";
import { symlinkDurable } from "../../sys";
import { defineTool, type Inspection } from "../define";
import { attempt, FsError } from "./errors";
import { guestPath, linkTarget } from "./common";
import { checkLinkTarget, resolvePath, pathsRisk } from "./paths";
import { restore, type Snapshot } from "./snapshot";
import { again, snapshot, storeFor, storeId, storeOf, whenSettled } from "./undo";

interface SymlinkUndo {
  path: string;
  before: Snapshot | null;
  store?: string;
}

export const fsSymlink = defineTool({
  name: "fs.symlink",
  description: "Create a symlink at path pointing to target (absolute guest path, or relative to the link's directory); overwrite replaces what is at path.",
  input: v.strictObject({ path: guestPath, target: linkTarget, overwrite: v.optional(v.boolean(), false) }),
  output: v.object({ path: v.string(), target: v.string() }),
  risk: "medium",
  riskOf: pathsRisk(true, "path", "target"),
  readOnly: false,
  idempotent: true,
  reversible: true,
  timeoutMs: 5_000,
  execute(args, ctx) {
    const tool = "fs.symlink";
    const link = resolvePath(ctx.env, tool, args.path, { follow: false });
    const stored = checkLinkTarget(ctx.env, tool, link, args.target);
    return whenSettled([link.host], () => {
      const existing = attempt(tool, args.path, () => lstatSync(link.host, { throwIfNoEntry: false }));
      if (existing && !args.overwrite) throw new FsError("EEXIST", tool, args.path, "EEXIST (already exists; set overwrite)");
      if (existing?.isDirectory()) throw new FsError("EISDIR", tool, args.path, "EISDIR (a directory is not replaced by a link)");
      const store = storeFor(ctx);
      const before = existing ? snapshot(tool, args.path, link.host, store) : null;
      ctx.saveUndo({ path: link.real, before, store: storeId(ctx, store) } satisfies SymlinkUndo);
      // One rename over what is there: never a moment without the old link or the new one.
      attempt(tool, args.path, () => symlinkDurable(stored, link.host));
      return { path: link.guest, target: args.target };
    });
  },
  undo(rec: SymlinkUndo, ctx) {
    const r = again(ctx.env, "fs.symlink", rec.path);
    const store = storeOf(ctx.env, rec.store);
    attempt("fs.symlink", rec.path, () => restore(r.host, rec.before, store));
    if (rec.store) store.discard();
  },
  inspect(args, rec, ctx): Inspection {
    const r = again(ctx.env, "fs.symlink", rec?.path ?? args.path);
    let target: string | null = null;
    try {
      target = readlinkSync(r.host);
    } catch {
      // not a link, or nothing there
    }
    const was = rec?.before?.type === "symlink" ? rec.before.target : null;
    if (target !== null && target !== was) return { effect: "present", detail: `${args.path} -> ${target}` };
    return { effect: "absent", detail: target === null ? `${args.path} is not a link` : `${args.path} still points where it did` };
  },
  summarize: (o) => `Linked ${o.path} → ${o.target}`,
});
