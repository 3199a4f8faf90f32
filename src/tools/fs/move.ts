/** fs.move and fs.copy. Undo moves back / removes the copy, and restores whatever the destination held. */
import { lstatSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";
import * as v from "valibot";
import { errorCode, fsyncParent, syncTree } from "../../sys";
import { plural } from "../summary";
import { formatBytes } from "../units";
import { defineTool, type Inspection, type ToolContext } from "../define";
import { attempt, FsError, FsPathError } from "./errors";
import { FILE_TYPES, guestPath, typeOf } from "./common";
import { isRootPath, refuseIfHoldsReserved, type Resolved, resolvePath, within, pathsRisk } from "./paths";
import { restore, type Snapshot, type UndoStore } from "./snapshot";
import { copyTree, linkLeadingOut } from "./tree";
import { again, snapshot, storeFor, storeId, storeOf, whenSettled } from "./undo";

/**
 * rename(2), or copy-then-remove across filesystems; durable when it returns
 * (the copy synced before the source goes, both directories after).
 */
function moveNode(from: string, to: string, signal: AbortSignal): void {
  try {
    renameSync(from, to);
  } catch (err) {
    if (errorCode(err) !== "EXDEV") throw err;
    copyTree(from, to, signal);
    syncTree(to);
    rmSync(from, { recursive: true });
  }
  fsyncParent(to);
  if (dirname(from) !== dirname(to)) fsyncParent(from);
}

/** Clears what is at `host` (kept for undo already), durably. */
function clear(host: string): void {
  rmSync(host, { recursive: true });
  fsyncParent(host);
}

/** Clears the destination after keeping it for undo; refuses it unless overwrite. */
function takeDestination(tool: string, path: string, to: Resolved, overwrite: boolean, store: UndoStore): Snapshot | null {
  const dst = attempt(tool, path, () => lstatSync(to.host, { throwIfNoEntry: false }));
  if (!dst) return null;
  if (!overwrite) throw new FsError("EEXIST", tool, path, "EEXIST (already exists; set overwrite)");
  return snapshot(tool, path, to.host, store);
}

/** After the change: a link in what arrived must not lead out; if one does, put everything back. */
function checkArrived(ctx: ToolContext, tool: string, to: Resolved, back: () => void): void {
  const out = linkLeadingOut(ctx.env, to.real, to.host);
  if (!out) return;
  back();
  throw new FsPathError("outside_roots", tool, out, "symlink would lead outside the allowed roots at its new place");
}

interface MoveUndo {
  from: string;
  to: string;
  toBefore: Snapshot | null;
  store?: string;
}

export const fsMove = defineTool({
  name: "fs.move",
  description: "Move or rename a file, symlink or directory to a new path; overwrite replaces what is there.",
  input: v.strictObject({ from: guestPath, to: guestPath, overwrite: v.optional(v.boolean(), false) }),
  output: v.object({ from: v.string(), to: v.string(), type: v.picklist(FILE_TYPES) }),
  risk: "high",
  riskOf: pathsRisk(true, "from", "to"),
  readOnly: false,
  idempotent: false,
  reversible: true,
  timeoutMs: 60_000,
  execute(args, ctx) {
    const tool = "fs.move";
    const from = resolvePath(ctx.env, tool, args.from, { follow: false });
    const to = resolvePath(ctx.env, tool, args.to, { follow: false });
    if (isRootPath(ctx.env, from.guest) || isRootPath(ctx.env, from.real)) throw new FsPathError("root_path", tool, args.from, "is an allowed root; refusing to move it");
    refuseIfHoldsReserved(ctx.env, tool, args.from, from);
    const st = attempt(tool, args.from, () => lstatSync(from.host));
    if (from.real === to.real) throw new FsError("EINVAL", tool, args.to, "EINVAL (same path as from)");
    if (within(to.real, from.real)) throw new FsError("EINVAL", tool, args.to, `EINVAL (inside ${args.from})`);
    return whenSettled([from.host, to.host], () => {
      const store = storeFor(ctx);
      const toBefore = takeDestination(tool, args.to, to, args.overwrite, store);
      ctx.saveUndo({ from: from.real, to: to.real, toBefore, store: storeId(ctx, store) } satisfies MoveUndo);
      attempt(tool, args.to, () => {
        if (toBefore) clear(to.host);
        moveNode(from.host, to.host, ctx.signal);
      });
      checkArrived(ctx, tool, to, () => {
        moveNode(to.host, from.host, ctx.signal);
        restore(to.host, toBefore, store);
      });
      return { from: from.guest, to: to.guest, type: typeOf(st) };
    });
  },
  undo(rec: MoveUndo, ctx) {
    const tool = "fs.move";
    const from = again(ctx.env, tool, rec.from);
    const to = again(ctx.env, tool, rec.to);
    const store = storeOf(ctx.env, rec.store);
    attempt(tool, rec.from, () => {
      if (lstatSync(from.host, { throwIfNoEntry: false })) throw new FsError("EEXIST", tool, rec.from, "EEXIST (something new is there; not moving back over it)");
      moveNode(to.host, from.host, ctx.signal);
      restore(to.host, rec.toBefore, store);
    });
    if (rec.store) store.discard();
  },
  inspect(args, rec, ctx): Inspection {
    const from = lstatSync(again(ctx.env, "fs.move", rec?.from ?? args.from).host, { throwIfNoEntry: false });
    const to = lstatSync(again(ctx.env, "fs.move", rec?.to ?? args.to).host, { throwIfNoEntry: false });
    if (!from && to) return { effect: "present", detail: `${args.from} is at ${args.to}` };
    if (from && !to) return { effect: "absent", detail: `${args.from} is where it was` };
    if (from && to) return rec?.toBefore ? { effect: "absent", detail: `${args.from} and ${args.to} are both there` } : { effect: "partial", detail: `${args.from} is there and a copy at ${args.to}` };
    return { effect: "partial", detail: `neither ${args.from} nor ${args.to} exists` };
  },
  summarize: (o) => `Moved ${o.from} to ${o.to}`,
});

interface CopyUndo {
  to: string;
  toBefore: Snapshot | null;
  store?: string;
}

export const fsCopy = defineTool({
  name: "fs.copy",
  description: "Copy a file, or a directory with recursive, keeping modes; symlinks inside are copied as links. overwrite replaces what is at to.",
  input: v.strictObject({ from: guestPath, to: guestPath, recursive: v.optional(v.boolean(), false), overwrite: v.optional(v.boolean(), false) }),
  output: v.object({ from: v.string(), to: v.string(), entries: v.number(), bytes: v.number() }),
  risk: "medium",
  riskOf: pathsRisk(true, "from", "to"),
  readOnly: false,
  idempotent: true,
  reversible: true,
  timeoutMs: 60_000,
  execute(args, ctx) {
    const tool = "fs.copy";
    const from = resolvePath(ctx.env, tool, args.from);
    const to = resolvePath(ctx.env, tool, args.to, { follow: false });
    refuseIfHoldsReserved(ctx.env, tool, args.from, from);
    const st = attempt(tool, args.from, () => statSync(from.host));
    if (st.isDirectory() && !args.recursive) throw new FsError("EISDIR", tool, args.from, "EISDIR (is a directory; set recursive)");
    if (within(to.real, from.real)) throw new FsError("EINVAL", tool, args.to, `EINVAL (inside ${args.from})`);
    return whenSettled([from.host, to.host], () => {
      const store = storeFor(ctx);
      const toBefore = takeDestination(tool, args.to, to, args.overwrite, store);
      ctx.saveUndo({ to: to.real, toBefore, store: storeId(ctx, store) } satisfies CopyUndo);
      const count = attempt(tool, args.to, () => {
        if (toBefore) clear(to.host);
        try {
          const n = copyTree(from.host, to.host, ctx.signal);
          syncTree(to.host);
          return n;
        } catch (err) {
          restore(to.host, toBefore, store); // no half copy left behind
          throw err;
        }
      });
      checkArrived(ctx, tool, to, () => restore(to.host, toBefore, store));
      return { from: from.guest, to: to.guest, ...count };
    });
  },
  undo(rec: CopyUndo, ctx) {
    const to = again(ctx.env, "fs.copy", rec.to);
    const store = storeOf(ctx.env, rec.store);
    attempt("fs.copy", rec.to, () => restore(to.host, rec.toBefore, store));
    if (rec.store) store.discard();
  },
  inspect(args, rec, ctx): Inspection {
    const to = lstatSync(again(ctx.env, "fs.copy", rec?.to ?? args.to).host, { throwIfNoEntry: false });
    return to ? { effect: rec?.toBefore ? "partial" : "present", detail: `${args.to} exists` } : { effect: "absent", detail: `${args.to} does not exist` };
  },
  summarize: (o) => `Copied ${o.from} to ${o.to} (${plural(o.entries, "entry", "entries")}, ${formatBytes(o.bytes)})`,
});
