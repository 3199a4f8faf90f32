/**
 * Seed 003's agent spawn phase: the root supervisor (PID 1's, which logs and
 * stays down rather than ever taking the process with it), the eight agents
 * under an `agents` supervisor, their capabilities declared to the executor,
 * and the system agent's first health check. Optional: a system without agents
 * still boots and serves the API and the console.
 */
import { createActorSystem, type ActorRef, type SupervisorMsg, supervisor } from "../../actors";
import { AGENTS, AGENTS_SUPERVISOR, type Report, startAgents } from "../../agents";
import { errorMessage, log } from "../../sys";
import type { BootContext } from "../context";
import { definePhase, defineStep } from "../step";

/** The root restarts a subtree that escalated; more than this and the whole tree stays down (PID 1 does not). */
export const ROOT_SUPERVISOR = { strategy: "one_for_one", intensity: 10, period: 60_000 } as const;
const HEALTH_TIMEOUT_MS = 15_000;

function root(ctx: BootContext): ActorRef<SupervisorMsg> | undefined {
  return ctx.actors?.get("root");
}

export const agents = definePhase({
  name: "agents",
  required: false,
  steps: [
    defineStep({
      name: "supervision",
      describe: () => `aios-supervisor root --strategy ${ROOT_SUPERVISOR.strategy} --intensity ${ROOT_SUPERVISOR.intensity}/${ROOT_SUPERVISOR.period / 1000}s`,
      run: async (ctx) => {
        if (!ctx.caller || !ctx.capabilities) return { skip: "no tool executor" }; // nothing to supervise yet
        if (root(ctx)) return { skip: "root supervisor already running" };
        ctx.actors ??= createActorSystem();
        const ref = await ctx.actors.start(supervisor(ROOT_SUPERVISOR), { id: "root", shutdownMs: Infinity });
        ctx.services.push({ name: "actors", stop: () => ref.stop() });
        return "root supervisor running";
      },
    }),
    defineStep({
      name: "spawn",
      describe: () =>
        `aios-agents ${AGENTS.map((a) => a.name).join(" ")} --strategy ${AGENTS_SUPERVISOR.strategy} --intensity ${AGENTS_SUPERVISOR.intensity}/${AGENTS_SUPERVISOR.period / 1000}s`,
      run: async (ctx) => {
        const parent = root(ctx);
        if (!ctx.caller || !ctx.capabilities) return { skip: "no tool executor" };
        if (!ctx.actors || !parent || parent.status !== "running") throw new Error("agents: no root supervisor");
        ctx.agents = await startAgents({ agents: AGENTS, caller: ctx.caller, capabilities: ctx.capabilities, actors: ctx.actors, parent });
        return `${ctx.agents.list().filter((a) => a.status === "running").length} agents under ${ctx.agents.supervisorId}`;
      },
    }),
    defineStep({
      name: "health",
      required: false,
      describe: () => "aios-agent system health",
      run: (ctx) => {
        const agents = ctx.agents;
        if (!agents) return { skip: "no agents" };
        // Seed 003 has the system agent check the machine once it is up; it runs
        // right after the ready line, so its ~100 ms under TCG do not delay ready.
        ctx.afterReady.push(() => void systemHealth(agents));
        return "scheduled right after ready";
      },
    }),
  ],
});

/** The system agent's first health check, logged as one line (warn when something is wrong). */
export async function systemHealth(agents: NonNullable<BootContext["agents"]>): Promise<string> {
  try {
    const report = await agents.ask<Report>("system", { type: "health" }, HEALTH_TIMEOUT_MS);
    const line = `${report.summary}${report.problems.length ? `; problems: ${report.problems.join("; ")}` : ""}`;
    (report.ok ? log.info : log.warn)(`agents: system health: ${line}`);
    return line;
  } catch (err) {
    const line = `system agent: health: ${errorMessage(err)}`;
    log.error(`agents: ${line}`);
    return line;
  }
}
