/**
 * What every request gets, whatever route answers it: a request id (the
 * client's `X-Request-Id` when it is a sane token, else a new one) returned
 * and logged; the admission checks (auth.ts, limits.ts); a count by route
 * pattern and status for /metrics; a debug line per request; and the
 * helpers routes share to hold a connection open.
 */
import type { Context, ErrorHandler, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { log, logEnabled, withLogFields } from "../sys";

/** Printable, no spaces or quotes, at most 128: safe to log and to echo in a header. */
const REQUEST_ID = /^[A-Za-z0-9._:@\/+=-]{1,128}$/;

/** A route as Hono mounted it: one object per route for the app's life, so what is derived from it can be kept beside it. */
export interface MatchedRoute {
  method: string;
  path: string;
}

/** The route that answers (the first matched route that is not a middleware), as Hono's pattern. */
export function handlerRoute(c: Context): MatchedRoute | undefined {
  return matchedRoutes(c).find((x) => x.method !== "ALL");
}

export function requestId(c: Context): string {
  return (c.get("requestId" as never) as string | undefined) ?? "-";
}

export interface HttpCount {
  method: string;
  route: string;
  status: string;
  n: number;
}

/** Counts of answered requests by method, route pattern and status, read by /metrics. Kept as plain numbers, found beside the route: no key built per request. */
export interface HttpCounts {
  get(key: string): HttpCount | undefined;
  set(key: string, value: HttpCount): unknown;
  values(): Iterable<HttpCount>;
}

/**
 * A check every request passes before its route (who is asking, the body),
 * given the route that will answer (undefined: none will): it throws an
 * HttpError to refuse, answered by the app's error handler as a route's
 * error would be.
 */
export type Admission = (c: Context, route: MatchedRoute | undefined) => void;

export interface ObserveOptions {
  /** Checks run in order before the route (auth.ts, limits.ts). */
  admit: readonly Admission[];
  /** The app's error handler, for a check's refusal. */
  onError: ErrorHandler;
}

/**
 * The one middleware every request passes: its id, its count, its debug
 * line, and the admission checks. One layer, not one per concern: each layer
 * Hono composes costs an async frame, a promise and a closure on every
 * request, /health included (test/bench/api.ts).
 */
export function observeRequests(counts: HttpCounts, opts: ObserveOptions): MiddlewareHandler {
  const { admit, onError } = opts;
  // The count of each route by status, kept beside the route so that a request finds it without building a key.
  const byRoute = new WeakMap<MatchedRoute, Map<number, HttpCount>>();
  const entry = (method: string, route: string, status: number): HttpCount => {
    const key = `${method} ${route} ${status}`;
    let e = counts.get(key);
    if (!e) counts.set(key, (e = { method, route, status: String(status), n: 0 }));
    return e;
  };
  const count = (method: string, route: MatchedRoute | undefined, status: number): void => {
    if (route === undefined || route.method !== method) {
      entry(method, route?.path ?? "(unmatched)", status).n++;
      return;
    }
    let statuses = byRoute.get(route);
    if (statuses === undefined) byRoute.set(route, (statuses = new Map()));
    let e = statuses.get(status);
    if (e === undefined) statuses.set(status, (e = entry(method, route.path, status)));
    e.n++;
  };
  // The checks, then the route; a refusal becomes the answer here, as Hono's compose would make it.
  const refuse = async (c: Context, err: Error): Promise<void> => {
    c.error = err;
    c.res = await onError(err, c);
  };
  const admitted = (c: Context, route: MatchedRoute | undefined, next: () => Promise<void>): Promise<void> => {
    try {
      for (const check of admit) check(c, route);
    } catch (err) {
      if (!(err instanceof Error)) throw err;
      return refuse(c, err);
    }
    return next();
  };
  return async (c, next) => {
    const given = c.req.header("x-request-id");
    // randomUUID is ~80 ns here (a buffered CSPRNG): too little to trade its unguessability for a counter.
    const id = given !== undefined && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    c.set("requestId" as never, id as never);
    const t0 = performance.now();
    const route = handlerRoute(c);
    await withLogFields({ requestId: id }, () => admitted(c, route, next));
    const res = c.res;
    try {
      res.headers.set("x-request-id", id);
    } catch {
      // a response with immutable headers: nothing to add
    }
    const method = c.req.method;
    const status = res.status;
    count(method, route, status);
    if (logEnabled("debug")) log.debug(`api: ${method} ${c.req.path} ${status} ${(performance.now() - t0).toFixed(1)} ms (request ${id})`);
  };
}

/** Bun.serve closes a connection idle for 10 s; a stream that waits (SSE, inference, MCP) lifts that for its own request. */
export function noIdleTimeout(c: Context): void {
  const server = c.env as { timeout?: (req: Request, seconds: number) => void } | undefined;
  server?.timeout?.(c.req.raw, 0);
}
