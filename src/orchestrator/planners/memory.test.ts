/**
 * The memory planner reuses a stored plan for the same request only: the
 * same intents with the same arguments, never a similar sentence.
 */
import { describe, expect, test } from "bun:test";
import type { Plan } from "../plan";
import type { PlanningContext } from "../types";
import { planningContext } from "./heuristic/testing";
import { memoryPlanner, type StoredProcedure } from "./memory";

const plan = (tool: string, args: Record<string, unknown>): Plan => ({ summary: "s", tasks: [{ id: "t", title: "t", calls: [{ tool, args }], dependsOn: [] }] });
const stored = (goal: string, p: Plan): StoredProcedure => ({ title: goal, goal, steps: [], plan: p, documentId: 7, updatedAt: Date.UTC(2026, 0, 2) });

function ctx(goal: string, procedures: StoredProcedure[]): PlanningContext {
  return { ...planningContext(goal), procedures };
}

const planner = memoryPlanner();
const INSTALL = plan("pkg.install", { names: ["nginx"] });

describe("memory planner", () => {
  test("the same intent and arguments, said another way, reuse the plan", async () => {
    const r = await planner.plan(ctx("could you please install the nginx package", [stored("Install nginx", INSTALL)]));
    expect(r).toEqual({ plan: INSTALL, why: 'reusing procedure "Install nginx" (memory document 7) that achieved the same request (install-package with the same arguments) on 2026-01-02' });
  });

  test("a merely similar sentence never does", async () => {
    for (const goal of ["install nginx and curl", "install curl", "is nginx installed", "install nginx as a dry run"]) {
      expect(await planner.plan(ctx(goal, [stored("Install nginx", INSTALL)]))).toMatchObject({ pass: expect.stringContaining("no stored procedure achieved this request") });
    }
    expect(await planner.plan(ctx("remove nginx", [stored("Install nginx", INSTALL)]))).toMatchObject({ pass: expect.stringContaining("planned afresh") });
  });

  test("plans built from what probes saw (a file's content, files to delete) are planned afresh", async () => {
    const edit = plan("fs.write", { path: "/etc/app.ini", content: "port = 1\n" });
    const r = await planner.plan(ctx("set port to 1 in /etc/app.ini", [stored("set port to 1 in /etc/app.ini", edit)]));
    expect(r).toEqual({ pass: "a plan for edit-file depends on what the system holds now; it is planned afresh" });
  });

  test("goals the catalogue cannot read match by their exact words only", async () => {
    const p = plan("fs.read", { path: "/etc/motd" });
    expect(await planner.plan(ctx("Publish a page!", [stored("publish   a PAGE", p)]))).toMatchObject({ plan: p });
    expect(await planner.plan(ctx("Publish the page", [stored("publish a page", p)]))).toMatchObject({ pass: expect.any(String) });
  });

  test("a stored plan that no longer fits today's tools is not reused", async () => {
    const old = plan("sys.cleanup", { olderThanDays: 7 });
    const r = await planner.plan(ctx("free disk space", [stored("free disk space", old)]));
    expect(r).toEqual({ pass: "the stored plan for this request no longer fits this system's tools (sys.cleanup: args.scopes: is required)" });
  });
});
