/** Bearer-token authentication, compared in constant time. */
import { timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { HttpError } from "./errors";

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function bearerAuth(token: () => string): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const m = /^Bearer\s+(.+)$/i.exec(header);
    if (!m) throw new HttpError(401, "unauthorized", "authorization: a Bearer token is required");
    if (!same(m[1]!.trim(), token())) throw new HttpError(401, "unauthorized", "authorization: the token is not valid");
    await next();
  };
}
