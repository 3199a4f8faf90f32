/**
 * Seed 003's agent spawn phase: the root supervisor (PID 1's, which logs and
 * stays down rather than ever taking the process with it), the eight agents
 * under an `agents` supervisor, their capabilities declared to the executor,
 * and the system agent's first health check. Optional: a system without agents
 * still boots and serves the API and the console.
 */
import { createActorSystem, type ActorRef, type SupervisorMsg, supervisor } from "../../actors";
import { AGENTS, AGENTS_SUPERVISOR, type AgentRuntime, type Report, startAgents } from "../../agents";
import { errorMessage, log } from "../../sys";
import type { BootContext } from "../context";
import { ACTORS, AGENTS as RUNNING, TOOLS } from "../products";
import { definePhase, defineStep } from "../step";

/** The root restarts a subtree that escalated; more than this and the whole tree stays down (PID 1 does not). */
export const ROOT_SUPERVISOR = { strategy: "one_for_one", intensity: 10, period: 60_000 } as const;
const HEALTH_TIMEOUT_MS = 15_000;

function root(ctx: BootContext): ActorRef<SupervisorMsg> | undefined {
  return ctx.products.find(ACTORS)?.get("root");
}

const NO_EXECUTOR = "no tool executor"; // nothing to supervise yet

export const agents = definePhase({
  name: "agents",
  required: false,
  steps: [
    defineStep({
      name: "supervision",
      needs: { tools: TOOLS },
      without: { tools: NO_EXECUTOR },
      provides: [ACTORS],
      describe: () => `aios-supervisor root --strategy ${ROOT_SUPERVISOR.strategy} --intensity ${ROOT_SUPERVISOR.intensity}/${ROOT_SUPERVISOR.period / 1000}s`,
      run: async (ctx) => {
        if (root(ctx)) return { skip: "root supervisor already running" };
        const actors = ctx.products.find(ACTORS) ?? ctx.products.provide(ACTORS, createActorSystem());
        const ref = await actors.start(supervisor(ROOT_SUPERVISOR), { id: "root", shutdownMs: Infinity });
        ctx.services.push({ name: "actors", stop: () => ref.stop() });
        return "root supervisor running";
      },
    }),
    defineStep({
      name: "spawn",
      needs: { tools: TOOLS, actors: ACTORS },
      without: { tools: NO_EXECUTOR },
      provides: [RUNNING],
      describe: () =>
        `aios-agents ${AGENTS.map((a) => a.name).join(" ")} --strategy ${AGENTS_SUPERVISOR.strategy} --intensity ${AGENTS_SUPERVISOR.intensity}/${AGENTS_SUPERVISOR.period / 1000}s`,
      run: async (ctx, { tools, actors }) => {
        const parent = root(ctx);
        if (!parent || parent.status !== "running") throw new Error("agents: no root supervisor");
        const running = ctx.products.provide(RUNNING, await startAgents({ agents: AGENTS, caller: tools.executor, capabilities: tools.capabilities, actors, parent }));
        return `${running.list().filter((a) => a.status === "running").length} agents under ${running.supervisorId}`;
      },
    }),
    defineStep({
      name: "health",
      required: false,
      needs: { agents: RUNNING },
      describe: () => "aios-agent system health",
      run: (ctx, { agents }) => {
        // Seed 003 has the system agent check the machine once it is up; it runs
        // right after the ready line, so its ~100 ms under TCG do not delay ready.
        ctx.afterReady.push(() => void systemHealth(agents));
        return "scheduled right after ready";
      },
    }),
  ],
});

/** The system agent's first health check, logged as one line (warn when something is wrong). */
export async function systemHealth(agents: AgentRuntime): Promise<string> {
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
