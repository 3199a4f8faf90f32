/**
 * Browser sessions (the web console):
 *   POST   /session {token} → {name, role, expiresAt} and an `aios_session` cookie:
 *          HttpOnly, SameSite=Strict, Path=/, Secure over HTTPS; a random id whose record
 *          (role, expiry) stays on the server — the token is never in the cookie or a URL
 *   GET    /session → who this is: {name, role, via, expiresAt}
 *   DELETE /session → signs out (the record is dropped, the cookie cleared)
 * A cookie-authenticated POST, PUT, PATCH or DELETE must come from this origin (auth.ts).
 */
import { Hono } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import * as v from "valibot";
import { type AuthDeps, principal, resolveToken, unauthorized } from "../auth";
import { doc } from "../openapi";
import { ROLES } from "../roles";
import { SESSION_COOKIE } from "../sessions";
import { readJson } from "../validate";

export const SessionBody = v.strictObject({ token: v.pipe(v.string("must be a string"), v.minLength(1, "must not be empty"), v.maxLength(512, "must be at most 512 characters")) });

const WHO = {
  type: "object",
  properties: { name: { type: "string" }, role: { enum: [...ROLES] }, via: { enum: ["bearer", "session"] }, expiresAt: { type: ["integer", "null"] } },
};

export function sessionRoutes(deps: AuthDeps) {
  return new Hono()
    .post("/session", doc({ summary: "Sign in: trade a token for a session cookie (HttpOnly, SameSite=Strict)", body: SessionBody, responses: { 200: { description: "Signed in.", schema: WHO } } }, async (c) => {
      const { token } = await readJson(c, SessionBody);
      const who = resolveToken(deps, token);
      if (!who) throw unauthorized("token: not a valid token", "invalid_token");
      const s = deps.sessions.create(who);
      const secure = new URL(c.req.url).protocol === "https:";
      setCookie(c, SESSION_COOKIE, s.id, { httpOnly: true, sameSite: "Strict", secure, path: "/", maxAge: Math.floor((s.expiresAt - s.createdAt) / 1000) });
      return c.json({ name: s.name, role: s.role, via: "session", expiresAt: s.expiresAt });
    }))
    .get("/session", doc({ summary: "Who is signed in (or whose token this is)", responses: { 200: { description: "The caller.", schema: WHO } } }, (c) => {
      const p = principal(c);
      const s = p.sessionId ? deps.sessions.get(p.sessionId) : undefined;
      return c.json({ name: p.name, role: p.role, via: p.via, expiresAt: s?.expiresAt ?? null });
    }))
    .delete("/session", doc({ summary: "Sign out: the session ends and its cookie is cleared" }, (c) => {
      const p = principal(c);
      if (p.sessionId) deps.sessions.delete(p.sessionId);
      deleteCookie(c, SESSION_COOKIE, { path: "/", httpOnly: true, sameSite: "Strict", secure: new URL(c.req.url).protocol === "https:" });
      return c.json({ signedOut: p.via === "session" });
    }));
}
