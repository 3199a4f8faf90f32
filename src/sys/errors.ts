/**
 * Typed errors with a stable `code`. aiOS's own codes are snake_case, one
 * `as const` list and union per family (TOOL_ERROR_CODES / ToolErrorCode),
 * so a typo'd code is a type error; errno names (ENOENT, EBUSY) appear only
 * where the kernel said them (SysError, node:fs). Messages name the object they concern
 * (`mount tmpfs on /tmp: EPERM`), so a single console line is enough to act on.
 */
export class AiosError<Code extends string = string> extends Error {
  readonly code: Code;
  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A failed libc call; `code` is the errno name (EBUSY, EPERM, ...). */
export class SysError extends AiosError {
  readonly errno: number;
  constructor(errno: number, what: string) {
    const name = errnoName(errno);
    super(name, `${what}: ${name}`);
    this.errno = errno;
  }
}

const ERRNO_NAMES: Record<number, string> = {
  1: "EPERM", 2: "ENOENT", 3: "ESRCH", 4: "EINTR", 5: "EIO", 6: "ENXIO", 7: "E2BIG",
  9: "EBADF", 10: "ECHILD", 11: "EAGAIN", 12: "ENOMEM", 13: "EACCES", 14: "EFAULT",
  15: "ENOTBLK", 16: "EBUSY", 17: "EEXIST", 19: "ENODEV", 20: "ENOTDIR", 21: "EISDIR",
  22: "EINVAL", 24: "EMFILE", 28: "ENOSPC", 30: "EROFS", 36: "ENAMETOOLONG", 38: "ENOSYS",
  39: "ENOTEMPTY", 40: "ELOOP", 95: "EOPNOTSUPP", 110: "ETIMEDOUT",
};

export function errnoName(errno: number): string {
  return ERRNO_NAMES[errno] ?? `errno ${errno}`;
}

/** The errno name carried by an error from libc or node:fs, if any. */
export function errorCode(err: unknown): string | undefined {
  if (err && typeof err === "object" && "code" in err && typeof err.code === "string") return err.code;
  return undefined;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
