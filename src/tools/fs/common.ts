/** Pieces every fs tool shares: argument schemas, mode and time formatting, where undo copies live. */
import { type Stats } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import type { ToolEnv } from "../define";
import { undoCacheDir } from "../undo-cache";

/** A guest path; the schema catches the obvious mistakes, resolvePath() the rest. */
export const guestPath = v.pipe(
  v.string("must be a string"),
  v.minLength(1, "must not be empty"),
  v.maxLength(4096, "must be at most 4096 characters"),
  v.startsWith("/", "must be an absolute path"),
  v.check((s) => !s.includes("\0"), "must not contain a NUL byte"),
);

/** Modes are octal strings ("0644"): a bare number invites 644 meaning 0o1204. */
export const octalMode = v.pipe(v.string("must be an octal string such as \"0644\""), v.regex(/^0?[0-7]{3,4}$/, "must be an octal mode such as \"0644\""));

export const encoding = v.optional(v.picklist(["utf8", "base64"], "must be utf8 or base64"), "utf8");

export const FILE_TYPES = ["file", "dir", "symlink", "other"] as const;
export type FileType = (typeof FILE_TYPES)[number];

export function parseMode(mode: string): number {
  return Number.parseInt(mode, 8);
}

export function formatMode(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, "0")}`;
}

export function typeOf(st: Stats): FileType {
  if (st.isFile()) return "file";
  if (st.isDirectory()) return "dir";
  if (st.isSymbolicLink()) return "symlink";
  return "other";
}

export function decode(content: string, enc: "utf8" | "base64"): Buffer {
  return Buffer.from(content, enc);
}

/** The host directory that holds the copies one call keeps for its undo (large files, deleted trees). */
export function undoDir(env: ToolEnv, id: string): string {
  return join(undoCacheDir(env), id);
}

/** A call id as a safe single path component. */
export function undoId(callId: string): string {
  return /^[A-Za-z0-9_.-]{1,128}$/.test(callId) && !/^\.+$/.test(callId) ? callId : new Bun.CryptoHasher("sha256").update(callId).digest("hex");
}

export const entryOutput = v.object({
  path: v.string(),
  type: v.picklist(FILE_TYPES),
  size: v.number(),
  mode: v.string(),
  mtime: v.string(),
  target: v.optional(v.string()),
});

/** A symlink target: an absolute guest path or one relative to the link's directory. */
export const linkTarget = v.pipe(
  v.string("must be a string"),
  v.minLength(1, "must not be empty"),
  v.maxLength(4096, "must be at most 4096 characters"),
  v.check((s) => !s.includes("\0"), "must not contain a NUL byte"),
);
