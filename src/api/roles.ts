/**
 * Who may do what, in one table. Every route of the API names the least role
 * that may call it; the auth middleware (auth.ts) checks it for whoever asks
 * — the console, the CLI, MCP, curl, and the fleet's NATS requests, which go
 * through the same Hono app. A route missing from the table is admin-only
 * (and a test fails until it is listed).
 *
 *   viewer    reads everything (the system, goals, audit, tools, metrics); calls read-only tools
 *   operator  + submits and cancels goals, decides held calls, calls tools (the autonomy gate still holds
 *             what it holds), rolls back, kills an agent; never tokens, power or security settings
 *   admin     + tokens, power, the autonomy level, remembered rules, firewall, grants (the boot token)
 */
import type { Tool } from "../tools";

export const ROLES = ["viewer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** `public`: no token needed; `tool`: the tool's own role (toolRole). */
export type RouteRole = Role | "public" | "tool";

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export function roleAllows(held: Role, needed: Role): boolean {
  return RANK[held] >= RANK[needed];
}

/**
 * Tools that change power or security settings: admin-only, whichever way
 * they are reached (POST /tools, MCP, approving a held call of them).
 */
export const ADMIN_TOOLS: ReadonlySet<string> = new Set(["sys.power", "sec.grant", "sec.revoke", "firewall.open", "firewall.close"]);

/** The role a direct call of this tool needs: viewer for read-only tools, admin for ADMIN_TOOLS, operator for the rest. */
export function toolRole(tool: Pick<Tool, "name" | "readOnly">): Role {
  if (ADMIN_TOOLS.has(tool.name)) return "admin";
  return tool.readOnly ? "viewer" : "operator";
}

/** `METHOD /path/:param` (Hono's route pattern, as mounted) → the least role. */
export const ROUTE_ROLES: Readonly<Record<string, RouteRole>> = {
  "GET /health": "public",
  "GET /": "public", // the web console's page and assets: they hold no data; signing in happens in them
  "GET /console/:file": "public",
  "GET /metrics": "viewer",
  "POST /mcp": "viewer", // each tool call inside is checked against toolRole; stateless, so no GET stream or DELETE
  "GET /api/v1/openapi.json": "viewer",

  "POST /api/v1/session": "public", // the sign-in: exchanges a token (in the body) for a cookie
  "GET /api/v1/session": "viewer",
  "DELETE /api/v1/session": "viewer",
  "GET /api/v1/tokens": "admin",
  "POST /api/v1/tokens": "admin",
  "DELETE /api/v1/tokens/:id": "admin",

  "GET /api/v1/system": "viewer",
  "POST /api/v1/power": "admin",
  // system updates (A/B slots)
  "GET /api/v1/system/update": "viewer",
  "PUT /api/v1/system/update": "admin",
  "POST /api/v1/system/rollback": "admin",

  "GET /api/v1/agents": "viewer",
  "GET /api/v1/agents/:name": "viewer",
  "POST /api/v1/agents/:name/kill": "operator",
  "GET /api/v1/gateway": "viewer",

  "POST /api/v1/memory/documents": "operator",
  "GET /api/v1/memory/search": "viewer",
  "GET /api/v1/memory/stats": "viewer",

  "POST /api/v1/goals": "operator",
  "GET /api/v1/goals": "viewer",
  "GET /api/v1/goals/:id": "viewer",
  "POST /api/v1/goals/:id/cancel": "operator",
  "GET /api/v1/goals/:id/events": "viewer",

  "GET /api/v1/fleet/nodes": "viewer",
  "POST /api/v1/fleet/goals": "operator",
  "GET /api/v1/fleet/goals/:id": "viewer",

  "GET /api/v1/tools": "viewer",
  "GET /api/v1/tools/:name": "viewer",
  "POST /api/v1/tools/:name": "tool",
  "GET /api/v1/calls": "viewer",
  "GET /api/v1/calls/:id": "viewer",
  "POST /api/v1/calls/:id/rollback": "operator",
  "POST /api/v1/correlations/:id/rollback": "operator",
  "GET /api/v1/audit": "viewer",
  "POST /api/v1/audit/verify": "viewer", // a read: walks the chain
  "POST /api/v1/audit/:seq/redact": "admin",
  "GET /api/v1/approvals": "viewer",
  "GET /api/v1/approvals/:id": "viewer",
  "POST /api/v1/approvals/:id": "operator", // admin for a call of an admin tool, or to remember a rule (approvals.ts)
  "GET /api/v1/rules": "viewer",
  "POST /api/v1/rules": "admin",
  "DELETE /api/v1/rules/:id": "admin",
  "GET /api/v1/autonomy": "viewer",
  "PUT /api/v1/autonomy": "admin",

  "GET /v1/models": "viewer",
  "GET /v1/models/:id": "viewer",
  "POST /v1/embeddings": "operator",
  "POST /v1/chat/completions": "operator",
};

/** The table's entry for a matched route; undefined for none (admin-only). */
export function routeRole(method: string, pattern: string): RouteRole | undefined {
  return ROUTE_ROLES[`${method === "HEAD" ? "GET" : method} ${pattern}`];
}
