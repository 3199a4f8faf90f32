import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import { PlanSchema, type Plan } from "./plan";
import { runSchedule } from "./schedule";

const plan = (tasks: Array<{ id: string; dependsOn?: string[] }>): Plan =>
  v.parse(PlanSchema, { summary: "t", tasks: tasks.map((t) => ({ ...t, title: t.id, calls: [{ tool: "fs.stat", args: {} }] })) });

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("runSchedule", () => {
  test("a task starts only after its dependencies; independent tasks overlap", async () => {
    const log: string[] = [];
    const p = plan([{ id: "a" }, { id: "b" }, { id: "c", dependsOn: ["a", "b"] }, { id: "d", dependsOn: ["c"] }]);
    const r = await runSchedule(p, async (t) => {
      log.push(`start ${t.id}`);
      await tick(t.id === "a" ? 20 : 5);
      log.push(`end ${t.id}`);
      return t.id.toUpperCase();
    });
    expect(r.ok).toBe(true);
    expect(log.slice(0, 2)).toEqual(["start a", "start b"]);
    expect(log.indexOf("start c")).toBeGreaterThan(log.indexOf("end a"));
    expect(log.indexOf("start d")).toBeGreaterThan(log.indexOf("end c"));
    expect(r.tasks.map((t) => t.result)).toEqual(["A", "B", "C", "D"]);
  });

  test("a failure stops new starts, lets running tasks finish and skips the rest", async () => {
    const p = plan([{ id: "slow" }, { id: "bad" }, { id: "after", dependsOn: ["bad"] }, { id: "later", dependsOn: ["slow"] }]);
    let slowFinished = false;
    const r = await runSchedule(p, async (t) => {
      if (t.id === "bad") throw new Error("disk full");
      await tick(20);
      if (t.id === "slow") slowFinished = true;
    });
    expect(r.ok).toBe(false);
    expect(r.failed).toMatchObject({ id: "bad", error: "disk full" });
    expect(slowFinished).toBe(true);
    expect(r.tasks.map((t) => [t.id, t.status])).toEqual([["slow", "done"], ["bad", "failed"], ["after", "skipped"], ["later", "skipped"]]);
  });

  test("concurrency limits how many run at once", async () => {
    let now = 0;
    let peak = 0;
    await runSchedule(plan([{ id: "a" }, { id: "b" }, { id: "c" }, { id: "d" }]), async () => {
      peak = Math.max(peak, ++now);
      await tick(5);
      now--;
    }, { concurrency: 2 });
    expect(peak).toBe(2);
  });

  test("an abort reaches running tasks and skips the others", async () => {
    const ac = new AbortController();
    const p = plan([{ id: "a" }, { id: "b", dependsOn: ["a"] }]);
    const run = runSchedule(p, (_t, signal) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("aborted")))), { signal: ac.signal });
    await tick(5);
    ac.abort();
    const r = await run;
    expect(r.tasks.map((t) => t.status)).toEqual(["failed", "skipped"]);
  });

  test("the plan schema refuses cycles, unknown dependencies and duplicate ids", () => {
    const base = { summary: "s" };
    const task = (id: string, dependsOn: string[] = []) => ({ id, title: id, dependsOn, calls: [{ tool: "fs.stat", args: {} }] });
    const issue = (tasks: unknown[]) => v.safeParse(PlanSchema, { ...base, tasks }).issues?.[0]?.message;
    expect(issue([task("a", ["b"]), task("b", ["a"])])).toBe("task dependencies form a cycle");
    expect(issue([task("a", ["zz"])])).toBe("dependsOn names a task that is not in the plan");
    expect(issue([task("a"), task("a")])).toBe("task ids must be unique");
    expect(issue([{ ...task("a"), calls: [{ tool: "rm -rf", args: {} }] }])).toBe("must be a tool name such as fs.write");
  });
});
