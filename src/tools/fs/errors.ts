/**
 * Why an fs tool refused or failed. Messages name the tool and the guest path
 * (`fs.read /etc/../../x: outside the allowed roots`), never the host path, so
 * dev mode does not leak where its sandbox lives.
 */
import { errorCode } from "../../sys";
import { ToolError } from "../errors";

export class FsError extends ToolError {
  readonly path: string;
  constructor(code: string, tool: string, path: string, reason: string, options?: { cause?: unknown }) {
    super(code, `${tool} ${path}: ${reason}`, options);
    this.path = path;
  }
}

/** The path is malformed (relative, NUL byte) or leads outside the allowed roots. */
export class FsPathError extends FsError {}

const REASONS: Record<string, string> = {
  ENOENT: "no such file or directory",
  EEXIST: "already exists",
  ENOTDIR: "not a directory",
  EISDIR: "is a directory",
  ENOTEMPTY: "directory not empty",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ELOOP: "too many levels of symbolic links",
  EXDEV: "crosses filesystems",
  ENOSPC: "no space left on device",
  EROFS: "read-only filesystem",
  EBUSY: "busy",
};

/** Wraps what node:fs threw into an FsError naming the guest path: `fs.write /etc/x: EACCES (permission denied)`. */
export function fsFailure(tool: string, path: string, err: unknown): FsError {
  if (err instanceof FsError) return err;
  const code = errorCode(err);
  if (code && /^E[A-Z]+$/.test(code)) return new FsError(code, tool, path, `${code} (${REASONS[code] ?? "failed"})`, { cause: err });
  return new FsError("failed", tool, path, err instanceof Error ? err.message : String(err), { cause: err });
}

/** Runs a node:fs operation and rethrows its failure with the guest path. */
export function attempt<T>(tool: string, path: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw fsFailure(tool, path, err);
  }
}
