/**
 * GET /tools, GET /tools/{name}: what tools exist (flags, input and output as
 * JSON Schema). POST /tools/{name} {"args":{...},"agent"?,"correlationId"?}:
 * one call through the executor. 200 {callId, result, summary}; 202 {callId,
 * approvalId} when the autonomy gate holds it; failures as in
 * tool-errors.ts. Without `agent`, the router (the agents layer) picks one,
 * or the answer is 400 `agent: required`. The caller's role must cover the
 * tool (roles.ts: viewer for read-only tools, admin for power and security).
 */
import { Hono } from "hono";
import * as v from "valibot";
import { person } from "../../tools/authority";
import { actor, requireRole } from "../auth";
import { summarizeCall } from "../../orchestrator/answer";
import { HttpError } from "../errors";
import { doc } from "../openapi";
import { toolRole } from "../roles";
import type { ToolsApi } from "../types";
import { readJson } from "../validate";
import { json } from "../json";

const name = v.pipe(v.string(), v.minLength(1, "must not be empty"), v.maxLength(128, "must be at most 128 characters"));

export const CallBody = v.strictObject({
  args: v.optional(v.unknown(), () => ({})),
  agent: v.optional(name),
  correlationId: v.optional(name),
});

export function toolRoutes(t: ToolsApi) {
  const described = (n: string) => ({ ...t.registry.describe(n), role: toolRole(t.registry.require(n)), outputSchema: t.registry.outputSchema(n) });
  return new Hono()
    .get("/tools", doc({ summary: "Every tool: description, risk, flags, the role a call needs, input and output as JSON Schema" }, (c) => json({ tools: t.registry.names().map(described) })))
    .get("/tools/:name", doc({ summary: "One tool", responses: { 200: "The tool.", 404: "No such tool." } }, (c) => json(described(c.req.param("name")!))))
    .post(
      "/tools/:name",
      doc(
        {
          summary: "Call a tool through the executor (validation, capability, autonomy gate, audit, undo)",
          description: "Each tool also has its own operation, POST /api/v1/tools/<name>, with its argument and result schemas.",
          body: CallBody,
          responses: { 200: "It ran: {callId, result, summary}.", 202: "Held for approval: {status: queued, callId, approvalId}.", 404: "No such tool." },
        },
        async (c) => {
          const tool = t.registry.require(c.req.param("name")!);
          const p = requireRole(c, toolRole(tool), `POST /api/v1/tools/${tool.name}`);
          const body = await readJson(c, CallBody);
          const agent = body.agent ?? t.route?.(tool.name);
          if (!agent) throw new HttpError(400, "bad_request", `agent: required (no agent is set up to route ${tool.name})`, { field: "agent" });
          // A stored token's person is named in the audit; the boot token's calls read as before.
          const onBehalfOf = p.tokenId === null ? undefined : person(actor(p));
          const out = await t.executor.call({ tool: tool.name, args: body.args, agent, correlationId: body.correlationId, onBehalfOf, signal: c.req.raw.signal });
          if (out.status === "queued") return json({ status: "queued", callId: out.callId, approvalId: out.approvalId, agent }, 202);
          // The tool's own words over its result, as a goal's answer has them (the CLI and the console print them).
          const summary = summarizeCall({ tool: tool.name, callId: out.callId, args: (body.args ?? {}) as Record<string, unknown>, result: out.result, answer: true }, t.registry);
          return json({ callId: out.callId, result: out.result, summary });
        },
      ),
    );
}
