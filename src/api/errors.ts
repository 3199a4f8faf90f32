/**
 * Errors the API answers with. Every error body has one shape:
 * `{"error":{"code":"bad_request","message":"action: ...","field":"action"}}`.
 */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { AiosError } from "../sys";

export class HttpError extends AiosError {
  readonly status: ContentfulStatusCode;
  readonly field?: string;
  constructor(status: ContentfulStatusCode, code: string, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(code, message, { cause: options.cause });
    this.status = status;
    this.field = options.field;
  }
}

export function errorResponse(c: Context, err: HttpError): Response {
  const body: { code: string; message: string; field?: string } = { code: err.code, message: err.message };
  if (err.field) body.field = err.field;
  return c.json({ error: body }, err.status);
}
