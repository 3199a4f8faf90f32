/**
 * The autonomy loop over real parts: the monitor agent's check, a failed
 * service healed through the executor (audited, with the decision kept in
 * long-term memory), a watch probed, and due jobs run as goals and tool calls.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { setSink } from "../sys";
import { AutonomyLoop, isDue } from "./autonomy";
import { fixedPlanner, openWorld, removeWorld, type World } from "./testing";

setSink(() => {});
const worlds: World[] = [];
afterEach(async () => {
  for (const w of worlds.splice(0)) {
    await w.close().catch(() => {});
    removeWorld(w);
  }
});

function loopFor(w: World, extra: Partial<ConstructorParameters<typeof AutonomyLoop>[0]> = {}): AutonomyLoop {
  const host = w.tools.executor.host;
  return new AutonomyLoop({
    tickMs: 60_000,
    healIntervalMs: 300_000,
    agents: () => w.agents,
    submit: (g) => w.engine.submit(g),
    configJobs: [],
    logs: host.logs,
    records: {
      watchChecked: (n, ok, d, at) => void host.watches.recordCheck(n, ok, d, at),
      jobRan: (n, s, d, at) => void host.schedules.recordRun(n, s, d, at),
    },
    observe: {
      metric: (n, v, ts) => w.memory.operational.metric(n, v, ts),
      event: (k, s, d) => w.memory.operational.event(k, s, d),
      decision: (d) => w.memory.longterm.recordDecision(d),
    },
    ...extra,
  });
}

describe("isDue", () => {
  test("a cron fired between the last run and now", () => {
    const t = Date.UTC(2026, 10, 23, 2, 59, 30);
    expect(isDue("* * * * *", t, t + 20_000)).toBe(false);
    expect(isDue("* * * * *", t, t + 31_000)).toBe(true);
    expect(isDue("*/5 * * * * *", t, t + 5_000)).toBe(true);
  });
});

describe("a tick", () => {
  test("runs the monitor agent's check through the executor and records metrics", async () => {
    const w = await openWorld({ planners: [], level: "full" });
    worlds.push(w);
    const r = await loopFor(w).tick();
    expect(r.summary).toMatch(/cpu/);
    expect(w.memory.operational.stats().metrics.size).toBeGreaterThan(0);
    expect(w.tools.ledger.query({ agent: "monitor", limit: 50 }).map((row) => row.tool)).toEqual(expect.arrayContaining(["monitor.cpu", "monitor.memory", "service.list"]));
  });

  test("heals a failed service once per interval, and says why in a decision", async () => {
    const w = await openWorld({ planners: [], level: "full" });
    worlds.push(w);
    const start = await w.agents.call({ tool: "service.start", agent: "system", args: { name: "flaky", definition: { argv: ["/bin/sh", "-c", "exit 3"], restart: "on-failure", maxRestarts: 0 } } });
    expect(start.status).toBe("done");
    const m = w.tools.executor.host.services;
    for (let i = 0; i < 200 && m.status("flaky").state !== "failed"; i++) await Bun.sleep(10);
    expect(m.status("flaky").state).toBe("failed");

    const loop = loopFor(w);
    const first = await loop.tick();
    expect(first.healed).toEqual([{ service: "flaky", why: expect.stringMatching(/^state failed/), outcome: expect.stringMatching(/^restarted \(c\d+\)$/) }]);
    const audited = w.tools.ledger.query({ tool: "service.restart", limit: 5 });
    expect(audited.map((r) => r.agent)).toContain("system");
    const decisions = await w.memory.longterm.search("self-heal flaky", { kinds: ["decision"] });
    expect(decisions.hits[0]?.title).toBe("self-heal flaky");

    for (let i = 0; i < 200 && m.status("flaky").state !== "failed"; i++) await Bun.sleep(10);
    expect((await loop.tick()).healed).toEqual([]); // within heal_interval
  });

  test("a restart held by the autonomy gate is reported, not forced", async () => {
    const w = await openWorld({ planners: [], level: "supervised" });
    worlds.push(w);
    w.tools.executor.policy.setLevel("full", "test");
    await w.agents.call({ tool: "service.start", agent: "system", args: { name: "flaky", definition: { argv: ["/bin/sh", "-c", "exit 3"], restart: "always", maxRestarts: 0 } } });
    w.tools.executor.policy.setLevel("supervised", "test");
    const m = w.tools.executor.host.services;
    for (let i = 0; i < 200 && m.status("flaky").state !== "failed"; i++) await Bun.sleep(10);
    const r = await loopFor(w).tick();
    expect(r.healed[0]?.outcome).toMatch(/^held for approval a\d+/);
    expect(w.tools.executor.approvals.pending().map((a) => a.tool)).toEqual(["service.restart"]);
  });

  test("probes a due watch and records the result", async () => {
    const w = await openWorld({ planners: [], level: "full" });
    worlds.push(w);
    const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    try {
      await w.agents.call({ tool: "monitor.watch", agent: "monitor", args: { name: "up", port: { host: "127.0.0.1", port: server.port } } });
      const r = await loopFor(w).tick();
      expect(r.watches).toEqual([{ name: "up", ok: true, detail: `127.0.0.1:${server.port} open` }]);
      expect(w.tools.executor.host.watches.get("up")?.lastOk).toBe(true);
    } finally {
      server.stop(true);
    }
  });

  test("due jobs run: a config job's tool call and a goal", async () => {
    const w = await openWorld({ planners: [fixedPlanner("script", { summary: "mk", tasks: [{ id: "a", title: "a", dependsOn: [], calls: [{ tool: "fs.mkdir", args: { path: "/srv/from-goal", parents: true } }] }] })], level: "full" });
    worlds.push(w);
    let now = Date.UTC(2026, 10, 23, 2, 59, 30);
    const loop = loopFor(w, {
      now: () => now,
      configJobs: [
        { name: "mk", cron: "0 3 * * *", tool: "fs.mkdir", args: { path: "/srv/from-job", parents: true }, agent: "storage" },
        { name: "goal", cron: "0 3 * * *", goal: "make it" },
      ],
    });
    expect((await loop.tick()).jobs).toEqual([]);
    now += 60_000;
    const r = await loop.tick();
    expect(r.jobs.map((j) => j.name)).toEqual(["mk", "goal"]);
    expect(r.jobs[0]!.outcome).toMatch(/^ran fs\.mkdir \(c\d+\)$/);
    expect(existsSync(w.host("/srv/from-job"))).toBe(true);
    const goalId = Number(/^goal (\d+) submitted$/.exec(r.jobs[1]!.outcome)![1]);
    expect(await w.until(goalId, ["done", "failed"])).toBe("done");
    expect(w.engine.get(goalId)!.source).toBe("schedule:goal");
    expect((await loop.tick()).jobs).toEqual([]); // not again until tomorrow
  });

  test("rotates the logs whose policy is due, and records it as an event", async () => {
    const w = await openWorld({ planners: [], level: "supervised" });
    worlds.push(w);
    mkdirSync(w.host("/var/log/app"), { recursive: true });
    writeFileSync(w.host("/var/log/app/big.log"), "x".repeat(2048));
    writeFileSync(w.host("/var/log/app/small.log"), "x");
    expect((await w.agents.call({ tool: "log.set_policy", agent: "system", args: { pattern: "/var/log/app/*.log", maxBytes: 1024, keep: 2 } })).status).toBe("queued");
    // Under supervised the policy itself waits for a person; the loop then applies it without asking again.
    const approval = w.tools.executor.approvals.pending()[0]!;
    await w.tools.executor.approvals.approve(approval.approvalId, { by: "test" });
    const r = await loopFor(w).tick();
    expect(r.rotated).toEqual([{ path: "/var/log/app/big.log", reason: "size" }]);
    expect(readdirSync(w.host("/var/log/app")).sort()).toEqual(["big.log", "big.log.1", "small.log"]);
    expect(w.memory.operational.recentEvents({ kind: "logs-rotated" }).map((e) => e.source)).toEqual(["autonomy"]);
    expect((await loopFor(w).tick()).rotated).toEqual([]);
  });

  test("a job acts with at most its owner's rights, at every run (issue 11)", async () => {
    const w = await openWorld({ planners: [], level: "full" });
    worlds.push(w);
    // Stored as if added before the check existed, or the owner lost the right since: the run is still bounded.
    w.tools.executor.host.schedules.set({ name: "steal", cron: "* * * * *", goal: null, tool: "fs.mkdir", args: { path: "/srv/stolen" }, agent: "system", owner: "task" });
    w.tools.executor.host.schedules.set({ name: "old", cron: "* * * * *", goal: null, tool: "fs.mkdir", args: { path: "/srv/old" }, agent: "system" });
    let now = Date.now() + 120_000;
    const r = await loopFor(w, { now: () => now }).tick();
    expect(r.jobs).toEqual([
      { name: "old", outcome: "failed: the job has no recorded owner (added before owners were kept); add it again" },
      { name: "steal", outcome: "failed: agent system acts for task, which lacks capability fs.mkdir" },
    ]);
    expect(existsSync(w.host("/srv/stolen"))).toBe(false);
    const refused = w.tools.ledger.query({ kind: "refused", tool: "fs.mkdir" })[0]!;
    expect([refused.agent, (refused.data as { onBehalfOf: string }).onBehalfOf]).toEqual(["system", "task"]);
    now += 0;
  });
});
