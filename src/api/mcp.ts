/**
 * POST /mcp. The official SDK (and the zod it carries) takes 0.3-0.5 s to
 * load in dev mode, a cost every boot and every `aios-init models` run would
 * pay for a surface few sessions use: it is loaded on the first MCP request
 * (mcp-server.ts), and kept.
 */
import type { Context } from "hono";
import type { ApiDeps } from "./types";

export function mcpHandler(deps: ApiDeps): (c: Context) => Promise<Response> {
  let handler: Promise<(c: Context) => Promise<Response>> | undefined;
  return async (c) => (await (handler ??= import("./mcp-server").then((m) => m.mcpServerHandler(deps))))(c);
}
