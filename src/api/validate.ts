/**
 * Request-body validation with valibot. Malformed JSON and schema failures
 * both become a 400 whose message names the field and the reason.
 */
import type { Context } from "hono";
import * as v from "valibot";
import { issuePath, issueReason } from "../config";
import { HttpError } from "./errors";


export async function readJson<S extends v.GenericSchema>(c: Context, schema: S): Promise<v.InferOutput<S>> {
  const text = await c.req.text();
  let raw: unknown;
  try {
    raw = text.trim() === "" ? undefined : JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, "bad_json", `body: malformed JSON: ${(err as Error).message}`, { field: "body" });
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
