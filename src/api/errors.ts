/**
 * Errors the API answers with. Every error body has one shape:
 * `{"error":{"code":"bad_request","message":"action: ...","field":"action"}}`,
 * plus `role` on a 403 that names the role missing. Headers a status needs
 * (`WWW-Authenticate` on 401, `Allow` on 405) travel with the error.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { AiosError } from "../sys";
import { json } from "./json";

/** A message longer than this is cut: no error carries a client's megabytes back to it. */
export const MESSAGE_MAX = 320;

export function clip(text: string, max = MESSAGE_MAX): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

export class HttpError extends AiosError {
  readonly status: ContentfulStatusCode;
  readonly field?: string;
  /** The role a 403 says is missing. */
  readonly role?: string;
  readonly headers?: Record<string, string>;
  constructor(status: ContentfulStatusCode, code: string, message: string, options: { field?: string; role?: string; headers?: Record<string, string>; cause?: unknown } = {}) {
    super(code, message, { cause: options.cause });
    this.status = status;
    this.field = options.field;
    this.role = options.role;
    this.headers = options.headers;
  }
}

export function errorResponse(err: HttpError): Response {
  const body: { code: string; message: string; field?: string; role?: string } = { code: err.code, message: clip(err.message) };
  if (err.field) body.field = clip(err.field, 200);
  if (err.role) body.role = err.role;
  return json({ error: body }, err.status, err.headers);
}
