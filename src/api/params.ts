/**
 * Query-string parameters as data: each one reads and checks itself (a bad
 * value is a 400 naming it) and describes itself for the OpenAPI document, so
 * the two cannot drift apart. Pagination is by cursor: a list answers
 * `{…, next}`, where `next` is an opaque string to send back as `cursor` for
 * the following page, or null when there is none.
 */
import type { Context } from "hono";
import { quoted } from "../config";
import { HttpError } from "./errors";
import { queryInt, queryText } from "./validate-query";

export interface QueryParam<T> {
  name: string;
  read(c: Context): T;
  /** The OpenAPI 3.1 Parameter Object. */
  doc: { name: string; in: "query"; required?: boolean; description: string; schema: Record<string, unknown> };
}

export function intParam(name: string, description: string, min: number, max: number, fallback: number): QueryParam<number>;
export function intParam(name: string, description: string, min: number, max: number): QueryParam<number | undefined>;
export function intParam(name: string, description: string, min: number, max: number, fallback?: number): QueryParam<number | undefined> {
  return {
    name,
    read: (c) => (fallback === undefined ? queryInt(c, name, min, max) : queryInt(c, name, min, max, fallback)),
    doc: { name, in: "query", description, schema: { type: "integer", minimum: min, maximum: max, ...(fallback === undefined ? {} : { default: fallback }) } },
  };
}

export function textParam(name: string, description: string): QueryParam<string | undefined> {
  return { name, read: (c) => queryText(c, name), doc: { name, in: "query", description, schema: { type: "string" } } };
}

export const limitParam = (fallback: number, max: number) => intParam("limit", `Items per page (1..${max}).`, 1, max, fallback);

/** Where a page starts: after (`a`) or before (`b`) an item's number. */
export interface Cursor {
  dir: "a" | "b";
  n: number;
}

export const cursorParam: QueryParam<Cursor | undefined> = {
  name: "cursor",
  read: (c) => {
    const raw = c.req.query("cursor");
    if (raw === undefined || raw === "") return undefined;
    const m = /^([ab])(\d{1,15})$/.exec(raw);
    if (!m) throw new HttpError(400, "bad_request", `cursor: not a cursor this API gave out (got ${quoted(raw)}); send back a list's \`next\``, { field: "cursor" });
    return { dir: m[1] as "a" | "b", n: Number(m[2]) };
  },
  doc: { name: "cursor", in: "query", description: "Where the page starts: the `next` of the previous page (opaque).", schema: { type: "string", pattern: "^[ab][0-9]{1,15}$" } },
};

export const cursorText = (c: Cursor): string => `${c.dir}${c.n}`;

/**
 * A page from `limit + 1` fetched items: the first `limit`, and the cursor
 * after the last of them when there was one more.
 */
export function page<T>(fetched: T[], limit: number, next: (last: T) => Cursor): { items: T[]; next: string | null } {
  if (fetched.length <= limit) return { items: fetched, next: null };
  const items = fetched.slice(0, limit);
  return { items, next: cursorText(next(items[items.length - 1]!)) };
}

/** The OpenAPI schema of a list's `next`. */
export const NEXT_DOC = { type: ["string", "null"], description: "The cursor of the next page (send it back as `cursor`), or null on the last page." };
