/** Query-string parameters, checked like bodies: a bad value is a 400 naming the parameter. */
import type { Context } from "hono";
import { quoted } from "../config";
import { HttpError } from "./errors";

export function queryInt(c: Context, name: string, min: number, max: number): number | undefined;
export function queryInt(c: Context, name: string, min: number, max: number, fallback: number): number;
export function queryInt(c: Context, name: string, min: number, max: number, fallback?: number): number | undefined {
  const raw = c.req.query(name);
  if (raw === undefined || raw === "") return fallback;
  const n = /^\d{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(n >= min && n <= max)) throw new HttpError(400, "bad_request", `${name}: must be an integer ${min}..${max} (got ${quoted(raw)})`, { field: name });
  return n;
}

export function queryText(c: Context, name: string): string | undefined {
  const raw = c.req.query(name);
  return raw === undefined || raw === "" ? undefined : raw;
}
