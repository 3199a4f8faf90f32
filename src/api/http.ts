/**
 * What every request gets, whatever route answers it: a request id (the
 * client's `X-Request-Id` when it is a sane token, else a new one) returned
 * and logged; the admission checks (auth.ts, limits.ts); a count by route
 * pattern and status for /metrics; a debug line per request; and the
 * helpers routes share to hold a connection open.
 */
import type { Context, ErrorHandler, Handler, NotFoundHandler } from "hono";
import { COMPOSED_HANDLER } from "hono/utils/constants";
import { log, logEnabled, withLogFields } from "../sys";

/** Printable, no spaces or quotes, at most 128: safe to log and to echo in a header. */
const REQUEST_ID = /^[A-Za-z0-9._:@\/+=-]{1,128}$/;

/** A route as mounted: its method and Hono's pattern (never the raw path). */
export interface MatchedRoute {
  method: string;
  path: string;
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
  /** The app's error handler: a check's refusal and a route's error are answered by it. */
  onError: ErrorHandler;
}

export interface Observer {
  /** A route's handler, observed: what Hono mounts in its place. */
  route(route: MatchedRoute, handler: Handler): Handler;
  /** The app's not-found handler (404, 405, OPTIONS), observed as a request no route answers. */
  notFound(handler: NotFoundHandler): NotFoundHandler;
}

type Answer = Response | Promise<Response>;

/**
 * Each route's handler is wrapped, once, in what every request needs (its
 * id, the admission checks, its count, its debug line), rather than Hono
 * running one `*` middleware before it: with a single handler per route,
 * Hono calls it directly, and a synchronous route answers synchronously.
 * A middleware costs every request Hono's compose (async frames, promises
 * and closures) and Bun.serve a pending promise: about 2 µs of the serving
 * thread's CPU per GET /health and 3 µs per authenticated GET /api/v1/agents
 * on the bench machine (test/bench/api.ts). What each route needs (its counts
 * by status) is found once, in the wrapper, not looked up per request.
 */
export function observer(counts: HttpCounts, opts: ObserveOptions): Observer {
  const { admit, onError } = opts;
  const entry = (method: string, route: string, status: number): HttpCount => {
    const key = `${method} ${route} ${status}`;
    let e = counts.get(key);
    if (!e) counts.set(key, (e = { method, route, status: String(status), n: 0 }));
    return e;
  };
  const fail = (c: Context, err: unknown): Answer => {
    if (!(err instanceof Error)) throw err;
    c.error = err;
    return onError(err, c);
  };
  const observe = (route: MatchedRoute | undefined, answer: (c: Context, next: () => Promise<void>) => unknown): Handler => {
    // The route's counts by status (its own method: HEAD, answered by the GET route, is counted as HEAD).
    const statuses = new Map<number, HttpCount>();
    const pattern = route?.path ?? "(unmatched)";
    const count = (method: string, status: number): void => {
      if (route === undefined || route.method !== method) {
        entry(method, pattern, status).n++;
        return;
      }
      let e = statuses.get(status);
      if (e === undefined) statuses.set(status, (e = entry(method, pattern, status)));
      e.n++;
    };
    const done = (c: Context, id: string, t0: number, res: unknown): unknown => {
      if (!(res instanceof Response)) return res; // nothing answered here: Hono's own not-found follows
      try {
        res.headers.set("x-request-id", id);
      } catch {
        // a response with immutable headers: nothing to add
      }
      const method = c.req.method;
      count(method, res.status);
      if (t0 >= 0) log.debug(`api: ${method} ${c.req.path} ${res.status} ${(performance.now() - t0).toFixed(1)} ms (request ${id})`);
      return res;
    };
    const run = (c: Context, next: () => Promise<void>): unknown => {
      try {
        for (const check of admit) check(c, route);
        return answer(c, next);
      } catch (err) {
        return fail(c, err);
      }
    };
    return (c, next) => {
      const given = c.req.header("x-request-id");
      // randomUUID is ~80 ns here (a buffered CSPRNG): too little to trade its unguessability for a counter.
      const id = given !== undefined && REQUEST_ID.test(given) ? given : crypto.randomUUID();
      c.set("requestId" as never, id as never);
      const t0 = logEnabled("debug") ? performance.now() : -1;
      const res = withLogFields({ requestId: id }, () => run(c, next));
      if (!(res instanceof Promise)) return done(c, id, t0, res) as Answer;
      return res.then(
        (r) => done(c, id, t0, r),
        (err) => Promise.resolve(fail(c, err)).then((r) => done(c, id, t0, r)),
      ) as Promise<Response>;
    };
  };
  return {
    route: (route, handler) => {
      const wrapped = observe(route, handler as (c: Context, next: () => Promise<void>) => unknown);
      // What Hono's findTargetHandler follows to the route's own handler (where doc() put its OpenAPI spec).
      return Object.assign(wrapped, { [COMPOSED_HANDLER]: handler });
    },
    notFound: (handler) => observe(undefined, handler) as NotFoundHandler,
  };
}

/** Bun.serve closes a connection idle for 10 s; a stream that waits (SSE, inference, MCP) lifts that for its own request. */
export function noIdleTimeout(c: Context): void {
  const server = c.env as { timeout?: (req: Request, seconds: number) => void } | undefined;
  server?.timeout?.(c.req.raw, 0);
}
