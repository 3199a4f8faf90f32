/**
 * Request-body validation with valibot. Malformed JSON and schema failures
 * both become a 400 whose message names the field and the reason.
 */
import type { Context } from "hono";
import * as v from "valibot";
import { issuePath, issueReason } from "../config";
import { clip, HttpError } from "./errors";


/** Deeper than any body the API takes; a 100,000-deep array made JSON.parse and the schemas recurse into a 500. */
export const MAX_JSON_DEPTH = 64;

/** True when brackets nest deeper than `max` (outside strings): one linear pass, no recursion. */
export function nestedDeeper(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92) i++; // backslash: skip the escaped character
      else if (ch === 34) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 91 || ch === 123) {
      if (++depth > max) return true;
    } else if (ch === 93 || ch === 125) depth--;
  }
  return false;
}

/** A client that went away before sending its whole body: nothing to answer, nothing wrong with aiOS. */
export class ClientGoneError extends HttpError {
  constructor(cause: unknown) {
    super(400, "client_closed", "body: the client closed the connection before sending it", { field: "body", cause });
  }
}

export async function readJson<S extends v.GenericSchema>(c: Context, schema: S): Promise<v.InferOutput<S>> {
  let text: string;
  try {
    text = await c.req.text();
  } catch (err) {
    if (err instanceof HttpError) throw err; // the body limit (limits.ts) cut a chunked body
    throw new ClientGoneError(err);
  }
  if (nestedDeeper(text, MAX_JSON_DEPTH)) throw new HttpError(400, "bad_json", `body: nested deeper than ${MAX_JSON_DEPTH} levels`, { field: "body" });
  let raw: unknown;
  try {
    raw = text.trim() === "" ? undefined : JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, "bad_json", `body: malformed JSON: ${clip((err as Error).message, 200)}`, { field: "body" });
  }
  if (raw === undefined) throw new HttpError(400, "bad_request", "body: a JSON object is required", { field: "body" });
  const result = v.safeParse(schema, raw);
  if (!result.success) {
    const issue = result.issues[0];
    const field = issuePath(issue) ?? "body";
    throw new HttpError(400, "bad_request", `${field}: ${issueReason(issue)}`, { field });
  }
  return result.output;
}
