/**
 * Tokens (admin only):
 *   GET    /tokens → {tokens: [{id, name, role, createdAt, lastUsedAt}]} (never a secret; the boot token is not listed)
 *   POST   /tokens {name, role} → 201 {token, id, name, role, createdAt}: the secret, shown this once
 *   DELETE /tokens/{id} → {revoked}: the token stops working at once, and the sessions it opened end
 */
import { Hono } from "hono";
import * as v from "valibot";
import { HttpError } from "../errors";
import { doc } from "../openapi";
import { ROLES } from "../roles";
import type { SessionStore } from "../sessions";
import { TokenError, type TokenStore } from "../tokens";
import { readJson } from "../validate";
import { json } from "../json";

export const TokenBody = v.strictObject({
  name: v.pipe(v.string("must be a string"), v.trim(), v.regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/, "must be 1-64 of A-Z a-z 0-9 space . _ - (starting with a letter or digit)")),
  role: v.picklist(ROLES, `must be one of ${ROLES.join(", ")}`),
});

const TOKEN_VIEW = {
  type: "object",
  properties: { id: { type: "string" }, name: { type: "string" }, role: { enum: [...ROLES] }, createdAt: { type: "integer" }, lastUsedAt: { type: ["integer", "null"] } },
};

export function tokenRoutes(tokens: TokenStore, sessions: SessionStore) {
  return new Hono()
    .get("/tokens", doc({ summary: "API tokens: name, role, created, last used (never the secret)", responses: { 200: { description: "The tokens.", schema: { type: "object", properties: { tokens: { type: "array", items: TOKEN_VIEW } } } } } }, (c) => json({ tokens: tokens.list() })))
    .post(
      "/tokens",
      doc({ summary: "Create a token with a role; the secret is in this answer only", body: TokenBody, responses: { 201: { description: "Created.", schema: { ...TOKEN_VIEW, properties: { ...TOKEN_VIEW.properties, token: { type: "string" } } } }, 409: "A token of that name exists." } }, async (c) => {
        const body = await readJson(c, TokenBody);
        try {
          const { token, view } = tokens.create(body.name, body.role);
          return json({ token, ...view }, 201);
        } catch (err) {
          if (err instanceof TokenError) throw new HttpError(409, err.code, err.message, { field: err.code === "duplicate_name" ? "name" : undefined });
          throw err;
        }
      }),
    )
    .delete("/tokens/:id", doc({ summary: "Revoke a token: it stops working now, and so do the sessions it opened", responses: { 200: "Revoked.", 404: "No such token." } }, (c) => {
      const id = c.req.param("id")!;
      const revoked = tokens.revoke(id);
      if (!revoked) throw new HttpError(404, "not_found", `token ${id.slice(0, 100)}: no such token`);
      sessions.endForToken(revoked.id);
      return json({ revoked });
    }));
}
