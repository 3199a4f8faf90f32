/**
 * fs.write and fs.append. Undo puts back the previous content and mode, or
 * removes what was created.
 *
 * fs.write replaces the file in one rename (a reader or a power cut sees the
 * old content or the new, never a mix; a file with several hard links is
 * split from the others, as with any editor that saves this way). Under the
 * executor the new content is staged and put in place once the call's
 * result is on disk; without one it is written durably at once.
 */
import { closeSync, lstatSync, openSync, readFileSync, readSync } from "node:fs";
import * as v from "valibot";
import { appendFileDurable, writeFileDurable } from "../../sys";
import { formatBytes } from "../units";
import { defineTool, type Inspection } from "../define";
import { digestField } from "../redact";
import { attempt, FsError } from "./errors";
import { decode, encoding, guestPath, octalMode, parseMode } from "./common";
import { resolvePath, pathsRisk } from "./paths";
import { restore, type Snapshot, truncateBack } from "./snapshot";
import { again, makeDirs, missingParents, removeDirs, snapshot, storeFor, storeId, storeOf, whenSettled } from "./undo";

interface WriteUndo {
  /** The file actually written (a symlink's target when the path was a link). */
  path: string;
  before: Snapshot | null;
  /** Parent directories this call created, outermost first. */
  dirs: string[];
  store?: string;
}

const sha256 = (data: Uint8Array | string) => new Bun.CryptoHasher("sha256").update(data).digest("hex");

/**
 * A call's content as recovery reads it back from the calls table: the text
 * itself, or, audited (redact.ts), the sha256 and size of the text as sent.
 */
type Sent = string | { sha256: string; bytes: number };

/** Whether `buf` is what `content` (utf8 or base64 text, or its digest) decodes to. */
function holds(buf: Buffer, content: Sent, enc: "utf8" | "base64"): boolean {
  if (typeof content === "string") return buf.equals(decode(content, enc));
  return sha256(enc === "base64" ? buf.toString("base64") : buf) === content.sha256;
}

/** The decoded lengths `content` may have (one, except for the digest of base64 text, whose padding is not known). */
function lengths(content: Sent, enc: "utf8" | "base64"): number[] {
  if (typeof content === "string") return [decode(content, enc).length];
  if (enc === "utf8") return [content.bytes];
  const most = Math.floor((content.bytes * 3) / 4);
  return [most, most - 1, most - 2].filter((n) => n >= 0);
}

function readOrNull(host: string): Buffer | null {
  try {
    return readFileSync(host);
  } catch {
    return null;
  }
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
    return whenSettled([r.host], (now) => {
      // As the walk that resolved the path found it, in this same turn; looked at again after a wait.
      const existing = now && r.stat !== undefined ? (r.stat ?? undefined) : attempt(tool, args.path, () => lstatSync(r.host, { throwIfNoEntry: false }));
      if (existing?.isDirectory()) throw new FsError("EISDIR", tool, args.path, "EISDIR (is a directory)");
      const dirs = !existing && args.createParents ? missingParents(ctx.env, tool, args.path, r) : [];
      const store = storeFor(ctx);
      const data = decode(args.content, args.encoding);
      const mode = args.mode === undefined ? undefined : parseMode(args.mode);
      // The replaced file's owner and mode, as looked at above: the staging need not look again.
      const own = existing?.isFile() ? { mode: mode ?? existing.mode & 0o7777, uid: existing.uid, gid: existing.gid } : { mode };
      const undo = (): WriteUndo => ({ path: r.real, before: existing ? snapshot(tool, args.path, r.host, store, existing) : null, dirs, store: storeId(ctx, store) });
      const staging = ctx.staging;
      if (staging && dirs.length === 0) {
        // Nothing changes in place before the result, which carries the undo record. The file is
        // staged before the old content is read for that record: its flush, the longest on the
        // call's path, starts sooner (Staging.write).
        attempt(tool, args.path, () => staging.write(r.host, data, { ...own, dev: existing?.isFile() ? existing.dev : undefined }));
        ctx.saveUndo(undo());
      } else {
        // Directories are made (or the file written) in place: the undo record goes to disk first.
        ctx.saveUndo(undo());
        makeDirs(ctx.env, tool, dirs);
        attempt(tool, args.path, () => (staging ? staging.write(r.host, data, own) : writeFileDurable(r.host, data, { mode })));
      }
      return { path: r.guest, bytes: data.length, created: !existing };
    });
  },
  undo(rec: WriteUndo, ctx) {
    const tool = "fs.write";
    const r = again(ctx.env, tool, rec.path);
    const store = storeOf(ctx.env, rec.store);
    attempt(tool, rec.path, () => restore(r.host, rec.before, store));
    removeDirs(ctx.env, tool, rec.dirs);
    if (rec.store) store.discard();
  },
  inspect(args, rec, ctx): Inspection {
    const r = again(ctx.env, "fs.write", rec?.path ?? args.path);
    const now = readOrNull(r.host);
    if (now !== null && holds(now, args.content, args.encoding)) return { effect: "present", detail: `${args.path} holds the content written (${now.length} bytes)` };
    return { effect: "absent", detail: now === null ? `${args.path} does not exist` : `${args.path} holds other content (${now.length} bytes)` };
  },
  summarize: (o) => `Wrote ${formatBytes(o.bytes)} to ${o.path}${o.created ? " (a new file)" : ""}`,
});

interface AppendUndo {
  path: string;
  /** Length before the append; null when the append created the file. */
  size: number | null;
}

/** The last `n` bytes of a file (at most what the file has). */
function tail(host: string, n: number): Buffer {
  const fd = openSync(host, "r");
  try {
    const size = lstatSync(host).size;
    const len = Math.min(n, size);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    return buf;
  } finally {
    closeSync(fd);
  }
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
    return whenSettled([r.host], () => {
      const st = attempt(tool, args.path, () => lstatSync(r.host, { throwIfNoEntry: false }));
      if (st?.isDirectory()) throw new FsError("EISDIR", tool, args.path, "EISDIR (is a directory)");
      ctx.saveUndo({ path: r.real, size: st ? st.size : null } satisfies AppendUndo);
      const data = decode(args.content, args.encoding);
      attempt(tool, args.path, () => appendFileDurable(r.host, data));
      return { path: r.guest, bytes: data.length, size: (st?.size ?? 0) + data.length };
    });
  },
  undo(rec: AppendUndo, ctx) {
    const r = again(ctx.env, "fs.append", rec.path);
    attempt("fs.append", rec.path, () => truncateBack(r.host, rec.size));
  },
  inspect(args, rec, ctx): Inspection {
    if (!rec) return { effect: "absent", detail: "the call stopped before it saved where the file ended" };
    const r = again(ctx.env, "fs.append", rec.path);
    const st = lstatSync(r.host, { throwIfNoEntry: false });
    const before = rec.size ?? 0;
    if (!st) return { effect: "absent", detail: `${args.path} does not exist` };
    if (st.size === before && rec.size !== null) return { effect: "absent", detail: `${args.path} is still ${before} bytes` };
    for (const n of lengths(args.content, args.encoding)) {
      if (st.size === before + n && holds(tail(r.host, n), args.content, args.encoding)) return { effect: "present", detail: `${args.path} ends with the ${n} bytes appended` };
    }
    return { effect: "partial", detail: `${args.path} is ${st.size} bytes, was ${before}` };
  },
  summarize: (o) => `Appended ${formatBytes(o.bytes)} to ${o.path} (now ${formatBytes(o.size)})`,
});
