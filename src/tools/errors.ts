/**
 * Why a tool call did not produce a result. Each has a stable `code` that the
 * API maps to a status (input 400, forbidden 403, not found 404, ...) and a
 * message that names the tool and the field or capability at fault.
 */
import { AiosError } from "../sys";

export class ToolError extends AiosError {}

/** The arguments do not match the tool's input schema. */
export class ToolInputError extends ToolError {
  readonly field: string;
  constructor(tool: string, field: string, reason: string) {
    super("invalid_input", `${tool}: ${field}: ${reason}`);
    this.field = field;
  }
}

/** The calling agent lacks the capability. */
export class ToolForbiddenError extends ToolError {
  readonly capability: string;
  constructor(agent: string, tool: string) {
    super("forbidden", `agent ${agent} lacks capability ${tool}`);
    this.capability = tool;
  }
}

export class ToolNotFoundError extends ToolError {
  constructor(tool: string) {
    super("unknown_tool", `${tool}: no such tool`);
  }
}

export class ToolTimeoutError extends ToolError {
  constructor(tool: string, ms: number) {
    super("timeout", `${tool}: timed out after ${ms} ms`);
  }
}

/** A queued call was denied by a person; it never ran. */
export class ToolDeniedError extends ToolError {
  constructor(tool: string, approvalId: string, by: string) {
    super("denied", `${tool}: approval ${approvalId} denied by ${by}`);
  }
}

/** The tool ran and failed; `cause` holds what it threw. */
export class ToolExecutionError extends ToolError {
  constructor(tool: string, cause: unknown) {
    super("failed", `${tool}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
