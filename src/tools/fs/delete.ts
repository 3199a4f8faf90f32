/** fs.delete: files, links and (with recursive) directories; undo rebuilds exactly what was removed. */
import { lstatSync, readdirSync } from "node:fs";
import * as v from "valibot";
import { removeDurable } from "../../sys";
import { plural } from "../summary";
import { formatBytes } from "../units";
import { defineTool, type Inspection } from "../define";
import { attempt, FsError, FsPathError } from "./errors";
import { FILE_TYPES, guestPath, typeOf } from "./common";
import { isRootPath, refuseIfHoldsReserved, resolvePath, pathsRisk } from "./paths";
import { restore, type Snapshot } from "./snapshot";
import { again, snapshot, storeFor, storeId, storeOf, whenSettled } from "./undo";

interface DeleteUndo {
  path: string;
  before: Snapshot | null;
  store?: string;
}

function tally(s: Snapshot | null, acc = { entries: 0, bytes: 0 }): { entries: number; bytes: number } {
  if (!s) return acc;
  acc.entries++;
  if (s.type === "file") acc.bytes += s.size;
  if (s.type === "dir") for (const child of Object.values(s.entries)) tally(child, acc);
  return acc;
}

export const fsDelete = defineTool({
  name: "fs.delete",
  description: "Delete a file, symlink (the link, not its target) or directory (recursive for a non-empty one). A copy is kept so the call can be undone.",
  input: v.strictObject({ path: guestPath, recursive: v.optional(v.boolean(), false) }),
  output: v.object({ path: v.string(), type: v.picklist(FILE_TYPES), entries: v.number(), bytes: v.number() }),
  risk: "high",
  riskOf: pathsRisk(true, "path"),
  readOnly: false,
  idempotent: true,
  reversible: true,
  timeoutMs: 60_000,
  execute(args, ctx) {
    const tool = "fs.delete";
    const r = resolvePath(ctx.env, tool, args.path, { follow: false });
    if (isRootPath(ctx.env, r.guest) || isRootPath(ctx.env, r.real)) throw new FsPathError("root_path", tool, args.path, "is an allowed root; refusing to delete it");
    refuseIfHoldsReserved(ctx.env, tool, args.path, r);
    return whenSettled([r.host], () => {
      const st = attempt(tool, args.path, () => lstatSync(r.host));
      if (st.isDirectory() && !args.recursive && attempt(tool, args.path, () => readdirSync(r.host)).length > 0) {
        throw new FsError("ENOTEMPTY", tool, args.path, "ENOTEMPTY (directory not empty; set recursive)");
      }
      const store = storeFor(ctx);
      const before = snapshot(tool, args.path, r.host, store);
      ctx.saveUndo({ path: r.real, before, store: storeId(ctx, store) } satisfies DeleteUndo);
      attempt(tool, args.path, () => removeDurable(r.host));
      return { path: r.guest, type: typeOf(st), ...tally(before) };
    });
  },
  undo(rec: DeleteUndo, ctx) {
    const r = again(ctx.env, "fs.delete", rec.path);
    const store = storeOf(ctx.env, rec.store);
    attempt("fs.delete", rec.path, () => restore(r.host, rec.before, store));
    if (rec.store) store.discard();
  },
  inspect(args, rec, ctx): Inspection {
    const r = again(ctx.env, "fs.delete", rec?.path ?? args.path);
    const st = lstatSync(r.host, { throwIfNoEntry: false });
    if (!st) return { effect: "present", detail: `${args.path} is gone` };
    if (rec?.before?.type === "dir" && st.isDirectory() && readdirSync(r.host).length < Object.keys(rec.before.entries).length) return { effect: "partial", detail: `${args.path} lost some of its entries` };
    return { effect: "absent", detail: `${args.path} is still there` };
  },
  summarize: (o) => `Deleted ${o.path} (${o.type === "dir" ? `a directory of ${plural(o.entries, "entry", "entries")}` : o.type}, ${formatBytes(o.bytes)}); a copy is kept so it can be undone`,
});
