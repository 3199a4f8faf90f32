/**
 * The MCP server at POST /mcp (loaded on the first request, mcp.ts): the
 * official SDK's low-level Server over its web-standard Streamable HTTP
 * transport, stateless (one Server per request, JSON answers), behind the
 * same bearer tokens and roles as the rest of the API (auth.ts has already
 * said who is asking).
 *
 * Tools are the registry's, as many as the caller's role may call
 * (roles.ts), each with its input schema and an output schema that wraps the
 * tool's own: `{status: "done", callId, result}` or, when the autonomy gate
 * holds the call, `{status: "queued", callId, approvalId}`. Every call goes
 * through the one executor (validation, the agent's capabilities, the gate,
 * audit, undo) on behalf of `person:mcp` (or `person:mcp:<token name>`); the
 * agent is the one routed for the tool, or `_meta["aios/agent"]`. Resources:
 * the boot phases, the goals (and each goal), the audit's latest rows.
 */
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { Context } from "hono";
import { buildInfo } from "../sys";
import { ToolError } from "../tools";
import { person } from "../tools/authority";
import { type Principal, principal } from "./auth";
import { noIdleTimeout } from "./http";
import { schemaOf } from "./openapi";
import { roleAllows, toolRole } from "./roles";
import { toolErrorBody } from "./routes/tool-errors";
import type { ApiDeps } from "./types";

type Json = Record<string, unknown>;

const RESOURCES = [
  { uri: "aios://boot/phases", name: "boot-phases", title: "Boot phases", description: "Each boot phase with its outcome and duration, and when the system was ready.", mimeType: "application/json" },
  { uri: "aios://goals", name: "goals", title: "Goals", description: "The latest 50 goals with their state and answer.", mimeType: "application/json" },
  { uri: "aios://audit", name: "audit", title: "Audit ledger", description: "The latest 100 audit rows, newest first.", mimeType: "application/json" },
];

/** The wrapper every tool's results fit: MCP wants an object, and a held call answers with its approval instead of a result. */
function outputSchema(result: Json): Json {
  const { $defs, ...rest } = result as Json & { $defs?: Json };
  return {
    type: "object",
    required: ["status", "callId"],
    properties: {
      status: { enum: ["done", "queued"], description: "done: it ran; queued: held for a person (approve it at /api/v1/approvals/{approvalId})." },
      callId: { type: "string" },
      approvalId: { type: "string" },
      result: rest,
    },
    ...($defs ? { $defs } : {}),
  };
}

function textResult(text: string, isError = false, structuredContent?: Json): CallToolResult {
  return { content: [{ type: "text", text }], ...(structuredContent ? { structuredContent } : {}), ...(isError ? { isError } : {}) };
}

function json(uri: string, value: unknown) {
  return { contents: [{ uri, mimeType: "application/json", text: JSON.stringify(value, null, 1) }] };
}

export function mcpServerHandler(deps: ApiDeps): (c: Context) => Promise<Response> {
  const schemas = new Map<string, { input: Json; output: Json }>();
  const schemasOf = (name: string) => {
    let s = schemas.get(name);
    if (!s) {
      const t = deps.tools!.registry.require(name);
      s = { input: schemaOf(t.input), output: outputSchema(schemaOf(t.output)) };
      schemas.set(name, s);
    }
    return s;
  };

  function serverFor(p: Principal): Server {
    const server = new Server({ name: "aios", version: buildInfo().version }, { capabilities: { tools: { listChanged: false }, resources: { listChanged: false } } });
    const tools = deps.tools;

    server.setRequestHandler(ListToolsRequestSchema, () => ({
      tools: (tools?.registry.list() ?? [])
        .filter((t) => roleAllows(p.role, toolRole(t)))
        .map((t) => {
          const s = schemasOf(t.name);
          return {
            name: t.name,
            description: t.description,
            inputSchema: s.input as { type: "object" },
            outputSchema: s.output as { type: "object" },
            annotations: { readOnlyHint: t.readOnly, idempotentHint: t.idempotent, destructiveHint: !t.readOnly && !t.reversible, openWorldHint: t.name.startsWith("net.") },
            _meta: { "aios/risk": t.risk, "aios/reversible": t.reversible, "aios/role": toolRole(t) },
          };
        }),
    }));

    server.setRequestHandler(CallToolRequestSchema, async (req, extra): Promise<CallToolResult> => {
      const tool = tools?.registry.get(req.params.name);
      if (!tools || !tool) throw new McpError(ErrorCode.InvalidParams, `tool ${req.params.name.slice(0, 128)}: no such tool`);
      const needed = toolRole(tool);
      if (!roleAllows(p.role, needed)) {
        return textResult(JSON.stringify({ error: { code: "forbidden", message: `${tool.name}: needs the ${needed} role (this token's role is ${p.role})`, role: needed } }), true);
      }
      const asked = req.params._meta?.["aios/agent"];
      const agent = typeof asked === "string" && asked ? asked : tools.route?.(tool.name);
      if (!agent) return textResult(JSON.stringify({ error: { code: "bad_request", message: `agent: no agent is set up to route ${tool.name}; name one in _meta["aios/agent"]`, field: "agent" } }), true);
      const onBehalfOf = person(p.tokenId === null ? "mcp" : `mcp:${p.name}`);
      try {
        const out = await tools.executor.call({ tool: tool.name, args: req.params.arguments ?? {}, agent, onBehalfOf, signal: extra.signal });
        if (out.status === "queued") {
          const text = `Held for approval ${out.approvalId} (call ${out.callId}): a person approves or denies it at /api/v1/approvals/${out.approvalId}.`;
          return textResult(text, false, { status: "queued", callId: out.callId, approvalId: out.approvalId });
        }
        let text: string;
        try {
          text = tool.summarize?.(out.result as never, req.params.arguments as never) ?? JSON.stringify(out.result);
        } catch {
          text = JSON.stringify(out.result);
        }
        return textResult(text, false, { status: "done", callId: out.callId, result: out.result });
      } catch (err) {
        if (err instanceof ToolError) return textResult(JSON.stringify(toolErrorBody(err)), true);
        throw err;
      }
    });

    server.setRequestHandler(ListResourcesRequestSchema, () => ({ resources: RESOURCES }));
    server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({
      resourceTemplates: [{ uriTemplate: "aios://goals/{id}", name: "goal", title: "A goal", description: "One goal: its answer, plan, tasks and trace.", mimeType: "application/json" }],
    }));
    server.setRequestHandler(ReadResourceRequestSchema, (req) => {
      const uri = req.params.uri;
      if (uri === "aios://boot/phases") return json(uri, deps.system().boot);
      if (uri === "aios://audit") {
        if (!tools) throw new McpError(ErrorCode.InvalidParams, "audit: the tools step did not run");
        return json(uri, { rows: tools.ledger.query({ limit: 100 }) });
      }
      const engine = deps.goals?.();
      if (uri === "aios://goals") {
        if (!engine) throw new McpError(ErrorCode.InvalidParams, "goals: the orchestrator did not start");
        return json(uri, { goals: engine.list(50).map((g) => ({ id: g.id, goal: g.description || g.title, state: g.state, createdAt: g.createdAt, answer: g.answer })) });
      }
      const m = /^aios:\/\/goals\/(\d{1,12})$/.exec(uri);
      const g = m && engine?.get(Number(m[1]));
      if (g && engine) return json(uri, { ...g, tasks: engine.tasks(g.id), trace: engine.trace(g.id) });
      throw new McpError(ErrorCode.InvalidParams, `${uri.slice(0, 200)}: no such resource`);
    });
    return server;
  }

  return async (c: Context): Promise<Response> => {
    const p = principal(c);
    noIdleTimeout(c); // a tool call may run for minutes
    const server = serverFor(p);
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw);
    } finally {
      void server.close().catch(() => {});
    }
  };
}

