/**
 * Typed products between boot steps: a step gets what it needs present and
 * typed, is skipped with the reason when an optional step before it did not
 * provide it, may provide only what it declares, and a table whose needs come
 * before their providers is refused before any step runs.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig } from "../config";
import { setSink } from "../sys";
import { PHASES } from ".";
import { createContext, layout } from "./context";
import { ENGINE, MEMORY, ProductError, Products, TOOLS, token } from "./products";
import { checkOrder, runPhase, runPhases } from "./runner";
import { definePhase, defineStep } from "./step";

const root = mkdtempSync(join(tmpdir(), "aios-products-"));
const previousSink = setSink(() => {});
afterAll(() => {
  setSink(previousSink);
  rmSync(root, { recursive: true, force: true });
});
const context = () => createContext({ mode: "dev", config: defaultConfig(), paths: layout(root) }, () => {});

const COUNT = token<number>("count", "no count (the counting step did not run)");
const NAME = token<string>("name", "no name");

const counting = (n: number | null) =>
  defineStep({
    name: "count",
    required: false,
    provides: [COUNT],
    describe: () => "wc -l",
    run: (ctx) => {
      if (n === null) throw new Error("cannot count");
      ctx.products.provide(COUNT, n);
    },
  });

const doubling = defineStep({
  name: "double",
  needs: { count: COUNT },
  describe: () => "expr 2 \\* $count",
  run: (_ctx, { count }) => `${count * 2}`, // `count` is a number, not number | undefined
});

describe("boot products", () => {
  test("a need is handed to run typed and present", async () => {
    const ctx = context();
    const r = await runPhase(ctx, definePhase({ name: "p", required: true, steps: [counting(21), doubling] }));
    expect(r.steps.map((s) => [s.name, s.status, s.detail])).toEqual([
      ["count", "done", undefined],
      ["double", "done", "42"],
    ]);
    expect(ctx.products.get(COUNT)).toBe(21);
  });

  test("when an optional step before it failed, the step is skipped with the token's reason, or its own", async () => {
    const ctx = context();
    const own = defineStep({ ...doubling, name: "own", without: { count: "nothing to double" } });
    const r = await runPhase(ctx, definePhase({ name: "p", required: true, steps: [counting(null), doubling, own] }));
    expect(r.steps.map((s) => [s.name, s.status, s.detail ?? s.error])).toEqual([
      ["count", "failed", "cannot count"],
      ["double", "skipped", "no count (the counting step did not run)"],
      ["own", "skipped", "nothing to double"],
    ]);
    expect(r.status).toBe("degraded");
  });

  test("a step that provides what it did not declare fails, naming the product", async () => {
    const sneaky = defineStep({ name: "sneaky", describe: () => "true", run: (ctx) => void ctx.products.provide(NAME, "x") });
    const r = await runPhase(context(), definePhase({ name: "p", required: true, steps: [sneaky] }));
    expect(r.steps[0]).toMatchObject({ status: "failed", error: "provided name without declaring it" });
  });

  test("each product is provided once; get names a missing one", () => {
    const p = new Products();
    p.provide(NAME, "a");
    expect(() => p.provide(NAME, "b")).toThrow("boot product name: provided twice");
    expect(() => p.get(COUNT)).toThrow(ProductError);
    expect(() => p.get(COUNT)).toThrow("boot product count: not provided (no count (the counting step did not run))");
    expect(p.find(COUNT)).toBeUndefined();
  });

  test("a need that no earlier step provides is refused before anything runs", async () => {
    const ran: string[] = [];
    const first = defineStep({ name: "first", describe: () => "true", run: () => void ran.push("first") });
    const phases = [definePhase({ name: "early", required: true, steps: [first, doubling] }), definePhase({ name: "late", required: false, steps: [counting(1)] })];
    expect(() => checkOrder(phases)).toThrow("boot step early/double: needs count, which no step before it provides");
    await expect(runPhases(context(), phases, { emergency: async () => {} })).rejects.toThrow(ProductError);
    expect(ran).toEqual([]);
  });

  test("seed 003's phases are in an order where every need comes after its provider", () => {
    expect(() => checkOrder(PHASES)).not.toThrow();
    const needs = PHASES.flatMap((p) => p.steps.flatMap((s) => Object.values(s.needs ?? {})));
    for (const t of [MEMORY, TOOLS, ENGINE]) expect(needs).toContain(t);
  });
});
