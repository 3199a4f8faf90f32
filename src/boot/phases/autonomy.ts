/**
 * Seed 003 phase 5: goals a restart interrupted are recovered, pending goals
 * resume, and the autonomy loop starts ticking (checks, self-healing,
 * watches, scheduled jobs). Steps stopped at shutdown stop first, before the
 * agents they use.
 */
import { durationMs } from "../../config";
import { AutonomyLoop, type GoalEngine } from "../../orchestrator";
import type { BootContext } from "../context";
import { AGENTS, AUTONOMY, ENGINE, MEMORY, TOOLS } from "../products";
import { definePhase, defineStep } from "../step";

function loop(ctx: BootContext, engine: GoalEngine): AutonomyLoop {
  const a = ctx.config.autonomy;
  const memory = ctx.products.find(MEMORY);
  const host = ctx.products.find(TOOLS)?.executor.host;
  return new AutonomyLoop({
    tickMs: durationMs(a.tick),
    healIntervalMs: durationMs(a.heal_interval),
    agents: () => ctx.products.find(AGENTS),
    submit: (g) => engine.submit(g),
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
      needs: { engine: ENGINE },
      describe: () => "aios-goals recover   # interrupted goals: re-plan, or roll back and fail with the reason",
      run: async (_ctx, { engine }) => {
        const r = await engine.recover();
        return `${r.replanned} to plan again, ${r.failed} failed with the reason`;
      },
    }),
    defineStep({
      name: "goals",
      needs: { engine: ENGINE, agents: AGENTS },
      without: { agents: "no agents to run goals" },
      describe: () => "aios-goals start",
      run: (ctx, { engine }) => {
        engine.start();
        ctx.services.push({ name: "goals", stop: () => engine.stop() });
        return `${engine.list(10_000).filter((g) => g.state === "pending").length} pending goals resumed`;
      },
    }),
    defineStep({
      name: "loop",
      needs: { engine: ENGINE, agents: AGENTS },
      without: { agents: "no agents to act" },
      provides: [AUTONOMY],
      describe: (ctx) => `aios-autonomy --tick ${ctx.config.autonomy.tick} --jobs ${ctx.config.autonomy.jobs.length}`,
      run: (ctx, { engine }) => {
        const l = ctx.products.provide(AUTONOMY, loop(ctx, engine));
        l.start();
        ctx.services.push({ name: "autonomy", stop: () => l.stop() });
        return `tick ${ctx.config.autonomy.tick}, ${ctx.config.autonomy.jobs.length} jobs from config.toml`;
      },
    }),
  ],
});
