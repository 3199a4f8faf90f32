/**
 * How a ToolError becomes an HTTP answer. The body keeps the API's error shape
 * and adds what the caller needs to follow up: the call id (when the call got
 * one), the missing capability, the underlying errno.
 *
 *   400 bad arguments (`error.field` = `args.path`)   403 missing capability, path outside the roots
 *   404 unknown tool/call/approval                     409 already decided / undone, not reversible, denied
 *   422 the tool ran and failed (its own code: ENOENT, failed...)   504 timed out   500 the tool broke its output schema
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type ToolError, type ToolErrorCode, ToolExecutionError, ToolForbiddenError, ToolInputError, ToolOutputError } from "../../tools";
import { json } from "../json";

/** Every executor code's status (`satisfies` keeps it exhaustive); fs's path policy codes; every other code is a tool's own failure: 422. */
export const TOOL_ERROR_STATUS: Readonly<Record<string, ContentfulStatusCode>> = {
  invalid_input: 400,
  invalid_path: 400,
  forbidden: 403,
  outside_roots: 403,
  reserved: 403,
  root_path: 403,
  unknown_tool: 404,
  unknown_call: 404,
  unknown_approval: 404,
  already_decided: 409,
  already_undone: 409,
  not_reversible: 409,
  nothing_to_undo: 409,
  denied: 409,
  cancelled: 408,
  timeout: 504,
  bad_output: 500,
  failed: 422,
  undo_failed: 422,
  unavailable: 422,
  closing: 422,
} satisfies Record<ToolErrorCode, ContentfulStatusCode> & Record<string, ContentfulStatusCode>;

export function toolErrorStatus(err: ToolError): ContentfulStatusCode {
  return TOOL_ERROR_STATUS[err.code] ?? 422;
}

export interface ToolErrorBody {
  error: { code: string; message: string; field?: string; capability?: string; reason?: string };
  callId?: string;
}

export function toolErrorBody(err: ToolError): ToolErrorBody {
  const error: ToolErrorBody["error"] = { code: err.code, message: err.message };
  if (err instanceof ToolInputError) error.field = err.field;
  if (err instanceof ToolForbiddenError) error.capability = err.capability;
  if (err instanceof ToolOutputError) error.field = `output.${err.field}`;
  if (err instanceof ToolExecutionError && err.reason) error.reason = err.reason;
  const body: ToolErrorBody = { error };
  if (err.callId) body.callId = err.callId;
  return body;
}

export function toolErrorResponse(err: ToolError): Response {
  return json(toolErrorBody(err), toolErrorStatus(err));
}
