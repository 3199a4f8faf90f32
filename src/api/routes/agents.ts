import { Hono } from "hono";
import { HttpError } from "../errors";
import type { ApiDeps } from "../types";

/** The agents as the supervisor sees them: status, restarts, mailbox depth, capabilities in force. */
export function agentRoutes(deps: ApiDeps) {
  const list = () => deps.agents?.() ?? [];
  return new Hono()
    .get("/agents", (c) => c.json({ agents: list() }))
    .get("/agents/:name", (c) => {
      const name = c.req.param("name");
      const agent = list().find((a) => a.name === name);
      if (!agent) throw new HttpError(404, "unknown_agent", `agent ${name}: no such agent`, { field: "name" });
      return c.json(agent);
    })
    // Crashes an agent on purpose (OTP's exit(Pid, kill)): its supervisor restarts it. 202: the restart is the supervisor's.
    .post("/agents/:name/kill", (c) => {
      const name = c.req.param("name");
      if (!deps.killAgent || !list().some((a) => a.name === name)) throw new HttpError(404, "unknown_agent", `agent ${name}: no such agent`, { field: "name" });
      deps.killAgent(name, "api");
      return c.json({ status: "accepted", agent: name }, 202);
    });
}
