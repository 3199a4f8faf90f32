/**
 * What every request gets, whatever route answers it: a request id (the
 * client's `X-Request-Id` when it is a sane token, else a new one) returned
 * and logged; a count by route pattern and status for /metrics; a debug
 * line per request; and the helpers routes share to hold a connection open.
 */
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { log, logEnabled, withLogFields } from "../sys";

/** Printable, no spaces or quotes, at most 128: safe to log and to echo in a header. */
const REQUEST_ID = /^[A-Za-z0-9._:@\/+=-]{1,128}$/;

/** The route that answers (the first matched route that is not a middleware), as Hono's pattern. */
export function handlerRoute(c: Context): { method: string; path: string } | undefined {
  const cached = c.get("route" as never) as { method: string; path: string } | null | undefined;
  if (cached !== undefined) return cached ?? undefined;
  const r = matchedRoutes(c).find((x) => x.method !== "ALL");
  c.set("route" as never, (r ?? null) as never);
  return r;
}

export function requestId(c: Context): string {
  return (c.get("requestId" as never) as string | undefined) ?? "-";
}

/** Counts of answered requests by method, route pattern and status, read by /metrics. Kept as plain numbers: one Map hit per request. */
export interface HttpCounts {
  get(key: string): { method: string; route: string; status: string; n: number } | undefined;
  set(key: string, value: { method: string; route: string; status: string; n: number }): unknown;
  values(): Iterable<{ method: string; route: string; status: string; n: number }>;
}

export function observeRequests(counts: HttpCounts): MiddlewareHandler {
  return async (c, next) => {
    const given = c.req.header("x-request-id");
    const id = given !== undefined && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    c.set("requestId" as never, id as never);
    const t0 = performance.now();
    await withLogFields({ requestId: id }, next);
    const res = c.res;
    try {
      res.headers.set("x-request-id", id);
    } catch {
      // a response with immutable headers: nothing to add
    }
    const route = handlerRoute(c)?.path ?? "(unmatched)";
    const method = c.req.method;
    const status = res.status;
    const key = `${method} ${route} ${status}`;
    const entry = counts.get(key);
    if (entry) entry.n++;
    else counts.set(key, { method, route, status: String(status), n: 1 });
    if (logEnabled("debug")) log.debug(`api: ${method} ${c.req.path} ${status} ${(performance.now() - t0).toFixed(1)} ms (request ${id})`);
  };
}

/** Bun.serve closes a connection idle for 10 s; a stream that waits (SSE, inference, MCP) lifts that for its own request. */
export function noIdleTimeout(c: Context): void {
  const server = c.env as { timeout?: (req: Request, seconds: number) => void } | undefined;
  server?.timeout?.(c.req.raw, 0);
}
