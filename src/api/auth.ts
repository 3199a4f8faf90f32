/**
 * Who is asking, and may they. One middleware for the whole app:
 *
 * - `Authorization: Bearer T`: the boot token (admin) or a stored token
 *   (tokens.ts), found by its sha256 — the comparison is of hashes, so
 *   timing tells nothing about the token;
 * - else the `aios_session` cookie of a browser that signed in
 *   (POST /api/v1/session). For a cookie, an unsafe method must also come
 *   from this origin: `Origin` equal to the request's host, or, without an
 *   Origin, `Sec-Fetch-Site: same-origin` (the cookie is SameSite=Strict too,
 *   so this is defence in depth against CSRF);
 *
 * then the route's role from roles.ts. 401 carries `WWW-Authenticate:
 * Bearer`; 403 names the role missing. The token never travels in a URL.
 */
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { HttpError } from "./errors";
import type { Admission, MatchedRoute } from "./http";
import { type Role, roleAllows, type RouteRole, routeRole } from "./roles";
import { SESSION_COOKIE, type SessionStore } from "./sessions";
import { tokenHash, type TokenStore } from "./tokens";

export interface Principal {
  /** The token's name; "boot" for the boot token. */
  name: string;
  role: Role;
  /** The stored token's id; null for the boot token. */
  tokenId: string | null;
  via: "bearer" | "session";
  /** The session's id, when signed in by cookie. */
  sessionId?: string;
}

export interface AuthDeps {
  /** The boot token (admin). */
  token(): string;
  tokens: TokenStore;
  sessions: SessionStore;
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** Paths whose unknown routes still need a token (a 401 before a 404 tells a stranger nothing). */
const GUARDED = /^\/(api\/|v1\/|mcp$|metrics$)/;

export function unauthorized(message: string, error?: "invalid_token"): HttpError {
  const challenge = error ? `Bearer realm="aios", error="${error}"` : `Bearer realm="aios"`;
  return new HttpError(401, "unauthorized", message, { headers: { "www-authenticate": challenge } });
}

function forbidden(what: string, needed: Role, held: Role): HttpError {
  return new HttpError(403, "forbidden", `${what}: needs the ${needed} role (this token's role is ${held})`, { role: needed });
}

/** Resolves a bearer token to its principal; undefined when it is not a token here. */
export function resolveToken(deps: AuthDeps, token: string): Omit<Principal, "via"> | undefined {
  const hash = tokenHash(token);
  if (hash === bootHash(deps)) return { name: "boot", role: "admin", tokenId: null };
  const t = deps.tokens.find(hash);
  return t && { name: t.name, role: t.role, tokenId: t.id };
}

let boot: { token: string; hash: string } | undefined;
function bootHash(deps: AuthDeps): string | undefined {
  const token = deps.token();
  if (!token) return undefined; // no boot token: nothing matches it
  if (boot?.token !== token) boot = { token, hash: tokenHash(token) };
  return boot.hash;
}

function fromBearer(deps: AuthDeps, header: string): Principal {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (!m) throw unauthorized("authorization: a Bearer token is required");
  const p = resolveToken(deps, m[1]!);
  if (!p) throw unauthorized("authorization: the token is not valid", "invalid_token");
  return { ...p, via: "bearer" };
}

function sameOrigin(c: Context): boolean {
  const origin = c.req.header("origin");
  if (origin === undefined) return c.req.header("sec-fetch-site") === "same-origin";
  const host = c.req.header("host");
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false; // "null" and other opaque origins
  }
}

function fromSession(deps: AuthDeps, c: Context, id: string): Principal {
  const s = deps.sessions.get(id);
  if (!s) throw unauthorized("session: signed out or expired; sign in again");
  if (UNSAFE.has(c.req.method) && !sameOrigin(c)) {
    throw new HttpError(403, "csrf", `${c.req.method} ${c.req.path}: a signed-in browser request must come from this origin (Origin or Sec-Fetch-Site)`);
  }
  return { name: s.name, role: s.role, tokenId: s.tokenId, via: "session", sessionId: s.id };
}

/** The least role a route needs (roles.ts), kept beside the route: the table is read once per route, not per request. */
const routeRoles = new WeakMap<MatchedRoute, RouteRole>();
function neededRole(route: MatchedRoute): RouteRole {
  let role = routeRoles.get(route);
  if (role === undefined) routeRoles.set(route, (role = routeRole(route.method, route.path) ?? "admin"));
  return role;
}

export function authenticate(deps: AuthDeps): Admission {
  return (c, route) => {
    const needed = route ? neededRole(route) : GUARDED.test(c.req.path) ? "viewer" : "public";
    if (needed === "public") return;
    const header = c.req.header("authorization");
    let p: Principal;
    if (header !== undefined) p = fromBearer(deps, header);
    else {
      const sid = getCookie(c, SESSION_COOKIE);
      if (!sid) throw unauthorized("authorization: a Bearer token is required");
      p = fromSession(deps, c, sid);
    }
    c.set("principal" as never, p as never);
    if (needed !== "tool" && !roleAllows(p.role, needed)) throw forbidden(`${c.req.method} ${route!.path}`, needed, p.role);
  };
}

/** Who is asking (set by `authenticate`; a public route has nobody). */
export function principal(c: Context): Principal {
  const p = c.get("principal" as never) as Principal | undefined;
  if (!p) throw unauthorized("authorization: a Bearer token is required");
  return p;
}

/** A check a route makes itself (a tool's role, remembering a rule): 403 naming the role missing. */
export function requireRole(c: Context, needed: Role, what: string): Principal {
  const p = principal(c);
  if (!roleAllows(p.role, needed)) throw forbidden(what, needed, p.role);
  return p;
}

/** How audit rows and decisions name the person: "api" for the boot token (as before), "api:<name>" for a stored token. */
export function actor(p: Principal): string {
  return p.tokenId === null ? "api" : `api:${p.name}`;
}
