/**
 * Exit codes of `aios-init ctl`, one per kind of outcome a script branches on,
 * and the one error class that carries them. Documented in `ctl --help` and
 * the README; keep the three in step.
 */
import { AiosError } from "../sys/errors";

export const EXIT = {
  /** It worked: the goal is done, the call ran, the chain verified. */
  ok: 0,
  /** It ran and failed: a failed goal, a tool's own failure, a broken audit chain, any other API error. */
  failed: 1,
  /** The command line is wrong: unknown verb or flag, a bad key=value, a missing argument. */
  usage: 2,
  /** No aiOS answered at the URL (refused, timed out, not the API). */
  unreachable: 3,
  /** The token is missing, wrong (401) or lacks the role (403). */
  denied: 4,
  /** No such goal, call, approval, tool or node (404). */
  notFound: 5,
  /** The goal was cancelled. */
  cancelled: 6,
  /** Held for a person: the call or goal waits for an approval. */
  held: 7,
  /** Interrupted (Ctrl-C) while waiting; what was submitted goes on. */
  interrupted: 130,
} as const;

export const EXIT_HELP = `exit status:
  0  ok: done, ran, verified         4  the token is missing, wrong or lacks the role (401, 403)
  1  failed (goal, call, chain, API) 5  no such goal, call, approval, tool or node (404)
  2  usage: bad verb, flag, argument 6  the goal was cancelled
  3  no aiOS answered at the URL     7  held: waits for an approval     130  interrupted`;

export class CtlError extends AiosError {
  readonly exit: number;
  /** The API's answer when there was one (a held call's ids, a failed call's id). */
  readonly body?: unknown;
  constructor(code: string, message: string, exit: number, options: { cause?: unknown; body?: unknown } = {}) {
    super(code, message, { cause: options.cause });
    this.exit = exit;
    this.body = options.body;
  }
}

export const usageError = (message: string) => new CtlError("usage", message, EXIT.usage);

/** The exit code for an HTTP status. */
export function exitForStatus(status: number): number {
  if (status === 401 || status === 403) return EXIT.denied;
  if (status === 404) return EXIT.notFound;
  return EXIT.failed;
}
