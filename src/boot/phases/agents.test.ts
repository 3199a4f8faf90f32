/**
 * The agents phase against the real tool system (executor, ledger, catalog)
 * in a sandbox: skipped without an executor; with one, the root supervisor,
 * the eight agents and an audited health check, all stopped by the service
 * entry it leaves for shutdown.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_FS_ROOTS, defaultConfig } from "../../config";
import { setSink } from "../../sys";
import type { ToolEnv } from "../../tools";
import { openToolSystem } from "../../tools/system";
import { createContext, layout } from "../context";
import { ACTORS, AGENTS, TOOLS } from "../products";
import { runPhase } from "../runner";
import { agents, systemHealth } from "./agents";

const logs: string[] = [];
const previousSink = setSink((l) => logs.push(l));
const dir = realpathSync(mkdtempSync(join(tmpdir(), "aios-agents-phase-")));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  setSink(previousSink);
});

const context = () => createContext({ mode: "dev", config: defaultConfig(), paths: layout(dir) }, () => {});

describe("agents phase", () => {
  test("without a tool executor every step is skipped and nothing runs", async () => {
    const ctx = context();
    const r = await runPhase(ctx, agents);
    expect(r.status).toBe("skipped");
    expect(r.steps.map((s) => [s.name, s.status, s.detail])).toEqual([
      ["supervision", "skipped", "no tool executor"],
      ["spawn", "skipped", "no tool executor"],
      ["health", "skipped", "no agents"],
    ]);
    expect(ctx.products.find(ACTORS)).toBeUndefined();
    expect(ctx.services).toEqual([]);
  });

  test("with the executor: root supervisor, eight agents, an audited health check; shutdown stops them", async () => {
    const paths = { data: join(dir, "data"), log: join(dir, "log"), run: join(dir, "run"), secrets: join(dir, "data/secrets") };
    for (const p of Object.values(paths)) mkdirSync(p, { recursive: true });
    const env: ToolEnv = { mode: "dev", root: join(dir, "sandbox"), fsRoots: [...DEFAULT_FS_ROOTS], paths };
    const tools = await openToolSystem({ ledgerPath: join(dir, "ledger/audit.db"), env, level: "supervised" });
    try {
      const ctx = context();
      ctx.products.provide(TOOLS, tools);
      const r = await runPhase(ctx, agents);
      expect(r.steps.map((s) => [s.name, s.status])).toEqual([
        ["supervision", "done"],
        ["spawn", "done"],
        ["health", "done"],
      ]);
      expect(r.status).toBe("ok");
      expect(r.steps[1]!.detail).toBe("8 agents under root/agents");
      expect(r.steps[2]!.detail).toBe("scheduled right after ready");
      expect(ctx.afterReady).toHaveLength(1);
      const line = await systemHealth(ctx.products.get(AGENTS));
      expect(line).toMatch(/^\d+ cpus? .*GiB memory available; /);
      expect(logs.some((l) => l.includes(`agents: system health: ${line}`))).toBe(true);

      const list = ctx.products.get(AGENTS).list();
      expect(list.map((a) => `${a.name} ${a.status}`)).toEqual(
        ["system", "network", "security", "monitor", "package", "storage", "task", "dev"].map((n) => `${n} running`),
      );
      expect(tools.capabilities.allows("security", "sec.audit_verify")).toBe(true);
      const audited = tools.ledger.query({ agent: "system", limit: 100 }).map((row) => row.tool);
      for (const tool of ["hw.info", "monitor.memory", "monitor.disk"]) expect(audited).toContain(tool);

      expect(ctx.services.map((s) => s.name)).toEqual(["actors"]);
      for (const s of [...ctx.services].reverse()) await s.stop();
      expect(ctx.products.get(AGENTS).list().every((a) => a.status === "stopped")).toBe(true);
      expect(ctx.products.get(ACTORS).list()).toEqual([]);
    } finally {
      await tools.close();
    }
  });
});
