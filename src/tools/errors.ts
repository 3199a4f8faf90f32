/**
 * Why a tool call did not produce a result. Each has a stable `code` that the
 * API maps to a status (input 400, forbidden 403, not found 404, ...) and a
 * message that names the tool and the field or capability at fault.
 */
import { AiosError } from "../sys";

/** The executor's own codes: why a call did not run, or ran and failed without a code of its own. */
export const TOOL_ERROR_CODES = [
  "invalid_input", "forbidden", "unknown_tool", "timeout", "denied", "failed", "cancelled", "bad_output",
  "unknown_call", "unknown_approval", "already_decided", "not_reversible", "already_undone", "nothing_to_undo", "undo_failed",
  "unavailable", // the host lacks what the tool needs (no package manager, no rollback, no long-term memory)
  "closing", // the executor is shutting down
] as const;
export type ToolErrorCode = (typeof TOOL_ERROR_CODES)[number];

/**
 * `Code` is the executor's union for its own errors; a tool family's class
 * (FsError, NetError...) names its own codes, which may be the errno that
 * node:fs or the kernel gave (ENOENT), passed through as the tool's result.
 */
export class ToolError<Code extends string = string> extends AiosError<Code> {
  /** The call it belongs to, once the executor gave it an id (absent for input and capability failures). */
  callId?: string;
}

/** The arguments do not match the tool's input schema. */
export class ToolInputError extends ToolError<ToolErrorCode> {
  readonly field: string;
  constructor(tool: string, field: string, reason: string) {
    super("invalid_input", `${tool}: ${field}: ${reason}`);
    this.field = field;
  }
}

/** The calling agent lacks the capability. */
export class ToolForbiddenError extends ToolError<ToolErrorCode> {
  readonly capability: string;
  /** `actingFor`: the agent it ran as, when the one lacking is the principal that agent acted for. */
  constructor(agent: string, tool: string, actingFor?: string) {
    super("forbidden", actingFor ? `agent ${actingFor} acts for ${agent}, which lacks capability ${tool}` : `agent ${agent} lacks capability ${tool}`);
    this.capability = tool;
  }
}

export class ToolNotFoundError extends ToolError<ToolErrorCode> {
  constructor(tool: string) {
    super("unknown_tool", `${tool}: no such tool`);
  }
}

export class ToolTimeoutError extends ToolError<ToolErrorCode> {
  constructor(tool: string, ms: number) {
    super("timeout", `${tool}: timed out after ${ms} ms`);
  }
}

/** A queued call was denied by a person; it never ran. */
export class ToolDeniedError extends ToolError<ToolErrorCode> {
  constructor(tool: string, approvalId: string, by: string) {
    super("denied", `${tool}: approval ${approvalId} denied by ${by}`);
  }
}

/** The tool ran and failed; `cause` holds what it threw. */
export class ToolExecutionError extends ToolError<ToolErrorCode> {
  constructor(tool: string, cause: unknown) {
    super("failed", `${tool}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }

  /** The code of what the tool threw (`ENOENT`, `EACCES`...), when it had one. */
  get reason(): string | undefined {
    const c = this.cause as { code?: unknown } | undefined;
    return typeof c?.code === "string" ? c.code : undefined;
  }
}

/** The caller's signal fired (a client that went away, a cancelled goal). */
export class ToolCancelledError extends ToolError<ToolErrorCode> {
  constructor(tool: string) {
    super("cancelled", `${tool}: cancelled by the caller`);
  }
}

/** The tool returned something its output schema rejects: a bug in the tool, never hidden. */
export class ToolOutputError extends ToolError<ToolErrorCode> {
  readonly field: string;
  constructor(tool: string, field: string, reason: string) {
    super("bad_output", `${tool}: output ${field}: ${reason} (a bug in the tool)`);
    this.field = field;
  }
}

export class CallNotFoundError extends ToolError<ToolErrorCode> {
  constructor(callId: string) {
    super("unknown_call", `${callId}: no such call`);
  }
}

export class ApprovalNotFoundError extends ToolError<ToolErrorCode> {
  constructor(approvalId: string) {
    super("unknown_approval", `${approvalId}: no such approval`);
  }
}

/** The approval was decided already (or its call no longer waits). */
export class ApprovalDecidedError extends ToolError<ToolErrorCode> {
  constructor(approvalId: string, status: string) {
    super("already_decided", `${approvalId}: already ${status}`);
  }
}

/** Rollback asked of something that cannot be undone: a tool without undo, a call that saved no record, one undone already. */
export class UndoError extends ToolError<ToolErrorCode> {}

export class NotReversibleError extends UndoError {
  constructor(callId: string, tool: string) {
    super("not_reversible", `${callId}: ${tool} is not reversible`);
  }
}

export class AlreadyUndoneError extends UndoError {
  constructor(callId: string) {
    super("already_undone", `${callId}: already undone`);
  }
}

export class NothingToUndoError extends UndoError {
  constructor(callId: string, why: string) {
    super("nothing_to_undo", `${callId}: nothing to undo (${why})`);
  }
}

/** The tool's undo ran and failed; the call stays not undone. */
export class UndoFailedError extends UndoError {
  constructor(callId: string, tool: string, cause: unknown) {
    super("undo_failed", `${callId}: ${tool} undo: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
