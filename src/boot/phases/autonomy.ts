/**
 * Seed 003 phase 5: goals a restart interrupted are recovered, pending goals
 * resume, and the autonomy loop starts ticking (checks, self-healing,
 * watches, scheduled jobs). Steps stopped at shutdown stop first, before the
 * agents they use.
 */
import { durationMs } from "../../config";
import { AutonomyLoop } from "../../orchestrator";
import type { BootContext } from "../context";
import { definePhase, defineStep } from "../step";

const NO_ENGINE = { skip: "no orchestrator (it needs the memory and tools steps)" };

function loop(ctx: BootContext): AutonomyLoop {
  const a = ctx.config.autonomy;
  const memory = ctx.memory;
  const host = ctx.tools?.executor.host;
  return new AutonomyLoop({
    tickMs: durationMs(a.tick),
    healIntervalMs: durationMs(a.heal_interval),
    agents: () => ctx.agents,
    submit: (g) => ctx.orchestrator!.submit(g),
    configJobs: a.jobs,
    logs: host?.logs,
    records: host && {
      watchChecked: (name, ok, detail, at) => void host.watches.recordCheck(name, ok, detail, at),
      jobRan: (name, status, detail, at) => void host.schedules.recordRun(name, status, detail, at),
    },
    observe: memory && {
      metric: (name, value, ts) => memory.operational.metric(name, value, ts),
      event: (kind, source, data) => memory.operational.event(kind, source, data),
      decision: (d) => memory.longterm.recordDecision(d),
      maintenance: () => {
        if (memory.maintenanceDue()) memory.maintain();
      },
    },
  });
}

export const autonomy = definePhase({
  name: "autonomy",
  required: false,
  steps: [
    defineStep({
      name: "recover",
      describe: () => "aios-goals recover   # interrupted goals: re-plan, or roll back and fail with the reason",
      run: async (ctx) => {
        if (!ctx.orchestrator) return NO_ENGINE;
        const r = await ctx.orchestrator.recover();
        return `${r.replanned} to plan again, ${r.failed} failed with the reason`;
      },
    }),
    defineStep({
      name: "goals",
      describe: () => "aios-goals start",
      run: (ctx) => {
        const engine = ctx.orchestrator;
        if (!engine) return NO_ENGINE;
        if (!ctx.agents) return { skip: "no agents to run goals" };
        engine.start();
        ctx.services.push({ name: "goals", stop: () => engine.stop() });
        return `${engine.list(10_000).filter((g) => g.state === "pending").length} pending goals resumed`;
      },
    }),
    defineStep({
      name: "loop",
      describe: (ctx) => `aios-autonomy --tick ${ctx.config.autonomy.tick} --jobs ${ctx.config.autonomy.jobs.length}`,
      run: (ctx) => {
        if (!ctx.orchestrator) return NO_ENGINE;
        if (!ctx.agents) return { skip: "no agents to act" };
        const l = loop(ctx);
        ctx.autonomy = l;
        l.start();
        ctx.services.push({ name: "autonomy", stop: () => l.stop() });
        return `tick ${ctx.config.autonomy.tick}, ${ctx.config.autonomy.jobs.length} jobs from config.toml`;
      },
    }),
  ],
});
