/**
 * GET /tools, GET /tools/{name}: what tools exist (flags, input as JSON Schema).
 * POST /tools/{name} {"args":{...},"agent"?,"correlationId"?}: one call through
 * the executor. 200 {callId, result}; 202 {callId, approvalId} when the
 * autonomy gate holds it; failures as in tool-errors.ts. Without `agent`, the
 * router (the agents layer) picks one, or the answer is 400 `agent: required`.
 */
import { Hono } from "hono";
import * as v from "valibot";
import { HttpError } from "../errors";
import type { ToolsApi } from "../types";
import { readJson } from "../validate";

const name = v.pipe(v.string(), v.minLength(1, "must not be empty"), v.maxLength(128, "must be at most 128 characters"));

export const CallBody = v.strictObject({
  args: v.optional(v.unknown(), () => ({})),
  agent: v.optional(name),
  correlationId: v.optional(name),
});

export function toolRoutes(t: ToolsApi) {
  return new Hono()
    .get("/tools", (c) => c.json({ tools: t.registry.describeAll() }))
    .get("/tools/:name", (c) => c.json(t.registry.describe(c.req.param("name"))))
    .post("/tools/:name", async (c) => {
      const tool = t.registry.require(c.req.param("name"));
      const body = await readJson(c, CallBody);
      const agent = body.agent ?? t.route?.(tool.name);
      if (!agent) throw new HttpError(400, "bad_request", `agent: required (no agent is set up to route ${tool.name})`, { field: "agent" });
      const out = await t.executor.call({ tool: tool.name, args: body.args, agent, correlationId: body.correlationId, signal: c.req.raw.signal });
      if (out.status === "queued") return c.json({ status: "queued", callId: out.callId, approvalId: out.approvalId, agent }, 202);
      return c.json({ callId: out.callId, result: out.result });
    });
}
