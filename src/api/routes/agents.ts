import { Hono } from "hono";
import { HttpError } from "../errors";
import { doc } from "../openapi";
import type { ApiDeps } from "../types";
import { json } from "../json";

/** The agents as the supervisor sees them: status, restarts, mailbox depth, capabilities in force. */
export function agentRoutes(deps: ApiDeps) {
  const list = () => deps.agents?.() ?? [];
  return new Hono()
    .get("/agents", doc({ summary: "The agents: status, restarts, mailbox depth, capabilities in force" }, (c) => json({ agents: list() })))
    .get("/agents/:name", doc({ summary: "One agent", responses: { 200: "The agent.", 404: "No such agent." } }, (c) => {
      const name = c.req.param("name");
      const agent = list().find((a) => a.name === name);
      if (!agent) throw new HttpError(404, "unknown_agent", `agent ${name}: no such agent`, { field: "name" });
      return json(agent);
    }))
    // Crashes an agent on purpose (OTP's exit(Pid, kill)): its supervisor restarts it. 202: the restart is the supervisor's.
    .post("/agents/:name/kill", doc({ summary: "Crash an agent on purpose; its supervisor restarts it", responses: { 202: "Accepted.", 404: "No such agent." } }, (c) => {
      const name = c.req.param("name");
      if (!deps.killAgent || !list().some((a) => a.name === name)) throw new HttpError(404, "unknown_agent", `agent ${name}: no such agent`, { field: "name" });
      deps.killAgent(name, "api");
      return json({ status: "accepted", agent: name }, 202);
    }));
}
