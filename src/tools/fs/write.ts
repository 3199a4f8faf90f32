/** fs.write and fs.append. Undo puts back the previous content and mode, or removes what was created. */
import { appendFileSync, chmodSync, lstatSync, writeFileSync } from "node:fs";
import * as v from "valibot";
import { formatBytes } from "../units";
import { defineTool } from "../define";
import { digestField } from "../redact";
import { attempt, FsError } from "./errors";
import { decode, encoding, guestPath, octalMode, parseMode } from "./common";
import { resolvePath, pathsRisk } from "./paths";
import { restore, type Snapshot, truncateBack } from "./snapshot";
import { again, makeDirs, missingParents, removeDirs, snapshot, storeFor, storeId, storeOf } from "./undo";

interface WriteUndo {
  /** The file actually written (a symlink's target when the path was a link). */
  path: string;
  before: Snapshot | null;
  /** Parent directories this call created, outermost first. */
  dirs: string[];
  store?: string;
}

export const fsWrite = defineTool({
  name: "fs.write",
  description: "Write a whole file (utf8 or base64 content), optionally setting its mode and creating missing parent directories.",
  input: v.strictObject({
    path: guestPath,
    content: v.pipe(v.string("must be a string"), digestField<string>()), // audited as sha256 and size, never the bytes
    encoding,
    mode: v.optional(octalMode),
    createParents: v.optional(v.boolean(), false),
  }),
  output: v.object({ path: v.string(), bytes: v.number(), created: v.boolean() }),
  risk: "medium",
  riskOf: pathsRisk(true, "path"),
  readOnly: false,
  idempotent: true,
  reversible: true,
  timeoutMs: 10_000,
  execute(args, ctx) {
    const tool = "fs.write";
    const r = resolvePath(ctx.env, tool, args.path);
    const existing = attempt(tool, args.path, () => lstatSync(r.host, { throwIfNoEntry: false }));
    if (existing?.isDirectory()) throw new FsError("EISDIR", tool, args.path, "EISDIR (is a directory)");
    const dirs = !existing && args.createParents ? missingParents(ctx.env, tool, args.path, r) : [];
    const store = storeFor(ctx);
    const before = existing ? snapshot(tool, args.path, r.host, store) : null;
    ctx.saveUndo({ path: r.real, before, dirs, store: storeId(ctx, store) } satisfies WriteUndo);
    makeDirs(ctx.env, tool, dirs);
    const data = decode(args.content, args.encoding);
    const mode = args.mode === undefined ? undefined : parseMode(args.mode);
    attempt(tool, args.path, () => {
      writeFileSync(r.host, data, mode === undefined ? undefined : { mode });
      if (mode !== undefined) chmodSync(r.host, mode); // past the umask, and on existing files too
    });
    return { path: r.guest, bytes: data.length, created: !existing };
  },
  undo(rec: WriteUndo, ctx) {
    const tool = "fs.write";
    const r = again(ctx.env, tool, rec.path);
    const store = storeOf(ctx.env, rec.store);
    attempt(tool, rec.path, () => restore(r.host, rec.before, store));
    removeDirs(ctx.env, tool, rec.dirs);
    if (rec.store) store.discard();
  },
  summarize: (o) => `Wrote ${formatBytes(o.bytes)} to ${o.path}${o.created ? " (a new file)" : ""}`,
});

interface AppendUndo {
  path: string;
  /** Length before the append; null when the append created the file. */
  size: number | null;
}

export const fsAppend = defineTool({
  name: "fs.append",
  description: "Append content (utf8 or base64) to a file, creating it if missing.",
  input: v.strictObject({ path: guestPath, content: v.pipe(v.string("must be a string"), digestField<string>()), encoding }),
  output: v.object({ path: v.string(), bytes: v.number(), size: v.number() }),
  risk: "medium",
  riskOf: pathsRisk(true, "path"),
  readOnly: false,
  idempotent: false,
  reversible: true,
  timeoutMs: 10_000,
  execute(args, ctx) {
    const tool = "fs.append";
    const r = resolvePath(ctx.env, tool, args.path);
    const st = attempt(tool, args.path, () => lstatSync(r.host, { throwIfNoEntry: false }));
    if (st?.isDirectory()) throw new FsError("EISDIR", tool, args.path, "EISDIR (is a directory)");
    ctx.saveUndo({ path: r.real, size: st ? st.size : null } satisfies AppendUndo);
    const data = decode(args.content, args.encoding);
    attempt(tool, args.path, () => appendFileSync(r.host, data));
    return { path: r.guest, bytes: data.length, size: (st?.size ?? 0) + data.length };
  },
  undo(rec: AppendUndo, ctx) {
    const r = again(ctx.env, "fs.append", rec.path);
    attempt("fs.append", rec.path, () => truncateBack(r.host, rec.size));
  },
  summarize: (o) => `Appended ${formatBytes(o.bytes)} to ${o.path} (now ${formatBytes(o.size)})`,
});
