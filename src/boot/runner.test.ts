import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig } from "../config";
import { AiosError, setSink, SysError } from "../sys";
import { createContext, layout, type BootContext, type Mode } from "./context";
import { checkOrder, runDeferred, runPhase, runPhases } from "./runner";
import { ProductError, token } from "./products";
import { definePhase, defineStep, type Phase, type PhaseResult, type Step } from "./step";

const root = mkdtempSync(join(tmpdir(), "aios-runner-"));
const logs: string[] = [];
const previousSink = setSink((l) => logs.push(l));
afterAll(() => {
  setSink(previousSink);
  rmSync(root, { recursive: true, force: true });
});
beforeEach(() => {
  logs.length = 0;
});

function ctxFor(mode: Mode): BootContext {
  return createContext({ mode, config: defaultConfig(), paths: layout(root) }, () => {
    throw new Error("power must not be asked for");
  });
}

/** A step that records its run in `ran` and does nothing privileged. */
function step(name: string, ran: string[], behaviour: Partial<Step> & { throws?: unknown; returns?: unknown } = {}): Step {
  return defineStep({
    name,
    describe: (ctx) => `echo ${name} # ${ctx.mode}`,
    run: () => {
      ran.push(name);
      if ("throws" in behaviour) throw behaviour.throws;
      return behaviour.returns as string | void;
    },
    required: behaviour.required,
    pid1Only: behaviour.pid1Only,
    deferred: behaviour.deferred,
  });
}

const noEmergency = { emergency: async () => { throw new Error("emergency must not be called"); } };

describe("runPhase", () => {
  test("the event loop turns between steps (a timer due meanwhile runs), and the phase says when it started", async () => {
    const ran: string[] = [];
    const before = Math.round(performance.now());
    const first = defineStep({
      name: "first",
      describe: () => "true",
      run: () => {
        setTimeout(() => ran.push("timer"), 0);
        const until = performance.now() + 5; // a step that holds the loop, as most do
        while (performance.now() < until);
        ran.push("first");
      },
    });
    const r = await runPhase(ctxFor("dev"), definePhase({ name: "p", required: true, steps: [first, step("second", ran)] }));
    expect(ran).toEqual(["first", "timer", "second"]);
    expect(r.startMs).toBeGreaterThanOrEqual(before); // dev mode: ms since this process started
    expect(r.startMs).toBeLessThanOrEqual(Math.round(performance.now()));
  });

  test("EBUSY and EEXIST count as already done", async () => {
    const ran: string[] = [];
    const phase = definePhase({
      name: "p",
      required: true,
      steps: [
        step("busy", ran, { throws: new SysError(16, "mount sysfs on /sys") }),
        step("exists", ran, { throws: Object.assign(new Error("mkdir /x: EEXIST"), { code: "EEXIST" }) }),
        step("after", ran),
      ],
    });
    const r = await runPhase(ctxFor("dev"), phase);
    expect(r.status).toBe("ok");
    expect(r.steps.map((s) => [s.name, s.status])).toEqual([["busy", "already"], ["exists", "already"], ["after", "done"]]);
    expect(r.steps[0]!.error).toBeUndefined();
    expect(ran).toEqual(["busy", "exists", "after"]);
  });

  test("other error codes fail the step with the message", async () => {
    const ran: string[] = [];
    const r = await runPhase(ctxFor("dev"), definePhase({ name: "p", required: true, steps: [step("perm", ran, { throws: new SysError(1, "mount tmpfs on /tmp") })] }));
    expect(r.status).toBe("failed");
    expect(r.steps[0]).toMatchObject({ name: "perm", status: "failed", error: "mount tmpfs on /tmp: EPERM" });
  });

  test("pid1Only steps are skipped in dev mode without running", async () => {
    const ran: string[] = [];
    const r = await runPhase(ctxFor("dev"), definePhase({ name: "p", required: true, steps: [step("mount", ran, { pid1Only: true }), step("mkdir", ran)] }));
    expect(ran).toEqual(["mkdir"]);
    expect(r.steps[0]).toMatchObject({ name: "mount", status: "skipped", detail: "dev mode: not PID 1" });
    expect(r.steps[1]).toMatchObject({ name: "mkdir", status: "done" });
    expect(r.status).toBe("ok");
  });

  test("a phase whose steps were all skipped is skipped", async () => {
    const ran: string[] = [];
    const r = await runPhase(ctxFor("dev"), definePhase({ name: "p", required: true, steps: [step("a", ran, { pid1Only: true }), step("b", ran, { returns: { skip: "no disk" } })] }));
    expect(r.status).toBe("skipped");
    expect(r.steps[1]).toMatchObject({ status: "skipped", detail: "no disk" });
  });

  test("a returned string becomes the detail", async () => {
    const r = await runPhase(ctxFor("dev"), definePhase({ name: "p", required: true, steps: [step("a", [], { returns: "3 modules" })] }));
    expect(r.steps[0]).toMatchObject({ status: "done", detail: "3 modules" });
  });

  test("a returned { already } is already done, with its detail, as a returned { skip } is skipped", async () => {
    const steps = [step("a", [], { returns: { already: "mounted before PID 1" } }), step("b", [], { returns: { skip: "no disk" } })];
    const r = await runPhase(ctxFor("dev"), definePhase({ name: "p", required: true, steps }));
    expect(r.status).toBe("ok");
    expect(r.steps.map((s) => [s.status, s.detail])).toEqual([["already", "mounted before PID 1"], ["skipped", "no disk"]]);
  });

  test("a failed optional step degrades the phase and later steps still run", async () => {
    const ran: string[] = [];
    const r = await runPhase(ctxFor("dev"), definePhase({
      name: "p",
      required: true,
      steps: [step("a", ran), step("opt", ran, { required: false, throws: new AiosError("network", "udhcpc: exit 1") }), step("c", ran)],
    }));
    expect(ran).toEqual(["a", "opt", "c"]);
    expect(r.status).toBe("degraded");
    expect(r.steps.map((s) => s.status)).toEqual(["done", "failed", "done"]);
    expect(r.steps[1]!.error).toBe("udhcpc: exit 1");
    expect(logs).toContain("aios: warn: boot: p: opt failed: udhcpc: exit 1");
  });

  test("a failed required step fails the phase and stops it", async () => {
    const ran: string[] = [];
    const r = await runPhase(ctxFor("dev"), definePhase({
      name: "p",
      required: false,
      steps: [step("a", ran), step("req", ran, { throws: new Error("no") }), step("never", ran)],
    }));
    expect(ran).toEqual(["a", "req"]);
    expect(r.status).toBe("failed");
    expect(r.steps.map((s) => s.name)).toEqual(["a", "req"]);
    expect(logs).toContain("aios: error: boot: p: req failed: no");
  });

  test("async steps and non-Error throws", async () => {
    const phase = definePhase({
      name: "p",
      required: true,
      steps: [
        defineStep({ name: "async", describe: () => "sleep 0", run: async () => { await Bun.sleep(1); return "slept"; } }),
        defineStep({ name: "string throw", required: false, describe: () => "false", run: () => { throw "plain string"; } }),
      ],
    });
    const r = await runPhase(ctxFor("dev"), phase);
    expect(r.steps[0]).toMatchObject({ status: "done", detail: "slept" });
    expect(r.steps[1]).toMatchObject({ status: "failed", error: "plain string" });
    expect(r.status).toBe("degraded");
  });

  test("every step result carries its describe() command, skipped ones too", async () => {
    const ran: string[] = [];
    const r = await runPhase(ctxFor("dev"), definePhase({
      name: "p",
      required: false,
      steps: [step("one", ran, { pid1Only: true }), step("two", ran), step("three", ran, { required: false, throws: new Error("x") }), step("four", ran, { throws: new SysError(17, "mkdir") })],
    }));
    expect(r.steps.map((s) => s.command)).toEqual(["echo one # dev", "echo two # dev", "echo three # dev", "echo four # dev"]);
    for (const s of r.steps) expect(s.ms).toBeGreaterThanOrEqual(0);
  });

  test("a pending phase is skipped with its reason and runs nothing", async () => {
    const ran: string[] = [];
    const r = await runPhase(ctxFor("pid1"), definePhase({ name: "later", required: true, steps: [step("x", ran)], pending: "not in this build yet" }));
    expect(r).toEqual({ name: "later", required: true, status: "skipped", ms: 0, steps: [], reason: "not in this build yet" });
    expect(ran).toEqual([]);
  });
});

describe("runPhases", () => {
  test("in pid1 mode a failed required phase calls emergency once, then boot goes on", async () => {
    const ran: string[] = [];
    const ctx = ctxFor("pid1");
    const calls: Array<{ phase: PhaseResult; ctx: BootContext; phasesSoFar: number }> = [];
    const phases: Phase[] = [
      definePhase({ name: "first", required: true, steps: [step("f1", ran, { pid1Only: true })] }),
      definePhase({ name: "broken", required: true, steps: [step("b1", ran, { throws: new Error("disk gone") }), step("b2", ran)] }),
      definePhase({ name: "next", required: true, steps: [step("n1", ran)] }),
      definePhase({ name: "pending", required: false, steps: [], pending: "later" }),
    ];
    const results = await runPhases(ctx, phases, {
      emergency: async (phase, c) => {
        calls.push({ phase, ctx: c, phasesSoFar: c.report.phases.length });
      },
    });
    expect(ran).toEqual(["f1", "b1", "n1"]);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.phase.name).toBe("broken");
    expect(calls[0]!.phase.steps[0]!.error).toBe("disk gone");
    expect(calls[0]!.ctx).toBe(ctx);
    expect(calls[0]!.phasesSoFar).toBe(2); // the failed phase is in the report before the emergency
    expect(results).toBe(ctx.report.phases);
    expect(results.map((p) => [p.name, p.status])).toEqual([["first", "ok"], ["broken", "failed"], ["next", "ok"], ["pending", "skipped"]]);
    expect(results[3]!.reason).toBe("later");
    expect(logs).toContain("aios: boot: pending skipped (0 ms): later");
  });

  test("a failed optional phase never calls emergency", async () => {
    const ran: string[] = [];
    const results = await runPhases(ctxFor("pid1"), [
      definePhase({ name: "net", required: false, steps: [step("lo", ran, { throws: new Error("ip: exit 1") })] }),
      definePhase({ name: "after", required: true, steps: [step("a", ran)] }),
    ], noEmergency);
    expect(results.map((p) => p.status)).toEqual(["failed", "ok"]);
    expect(ran).toEqual(["lo", "a"]);
  });

  test("in dev mode a failed required phase logs and boot goes on without emergency", async () => {
    const ran: string[] = [];
    const results = await runPhases(ctxFor("dev"), [
      definePhase({ name: "storage", required: true, steps: [step("s", ran, { throws: new Error("x") })] }),
      definePhase({ name: "services", required: true, steps: [step("api", ran)] }),
    ], noEmergency);
    expect(results.map((p) => p.status)).toEqual(["failed", "ok"]);
    expect(ran).toEqual(["s", "api"]);
    expect(logs).toContain("aios: error: boot: required phase storage failed; dev mode continues without an emergency shell");
  });

  test("the real phase table in dev mode: early is skipped, pending phases carry reasons", async () => {
    const { PHASES } = await import("./index");
    expect(PHASES.map((p) => p.name)).toEqual(["early", "hardware", "storage", "network", "ai-runtime", "services", "agents", "autonomy", "fleet"]);
    const ctx = ctxFor("dev");
    const early = await runPhase(ctx, PHASES[0]!);
    expect(early.status).toBe("skipped");
    expect(early.steps.every((s) => s.status === "skipped" && s.detail === "dev mode: not PID 1")).toBe(true);
    expect(early.steps.map((s) => s.command)).toContain("mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /tmp");
    expect(early.steps.map((s) => s.command)).toContain("hostname aios");
    for (const p of PHASES.filter((x) => x.pending)) expect((await runPhase(ctx, p)).reason).toBe(p.pending!);
  });
});

describe("concurrent phases", () => {
  /** A step that waits for `gate` before it records itself. */
  function waiting(name: string, ran: string[], gate: Promise<void>, behaviour: Partial<Step> = {}): Step {
    return defineStep({ name, describe: () => `wait ${name}`, run: async () => { await gate; ran.push(name); }, ...behaviour });
  }

  test("the phases after a concurrent one run meanwhile; it finishes before runPhases resolves, and the report keeps table order", async () => {
    const ran: string[] = [];
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const phases = [
      definePhase({ name: "first", required: true, steps: [step("f", ran)] }),
      definePhase({ name: "net", required: false, concurrent: true, steps: [waiting("dhcp", ran, gate)] }),
      definePhase({ name: "services", required: true, steps: [step("api", ran), defineStep({ name: "release", describe: () => "true", run: () => open() })] }),
      definePhase({ name: "agents", required: false, steps: [step("spawn", ran)] }),
    ];
    const results = await runPhases(ctxFor("pid1"), phases, noEmergency);
    expect(ran).toEqual(["f", "api", "dhcp", "spawn"]);
    expect(results.map((p) => [p.name, p.status])).toEqual([["first", "ok"], ["net", "ok"], ["services", "ok"], ["agents", "ok"]]);
  });

  test("ready waits for a concurrent phase that outlasts every other one", async () => {
    const ran: string[] = [];
    const phases = [
      definePhase({ name: "net", required: false, concurrent: true, steps: [waiting("dhcp", ran, Bun.sleep(30))] }),
      definePhase({ name: "services", required: true, steps: [step("api", ran)] }),
    ];
    const results = await runPhases(ctxFor("pid1"), phases, noEmergency);
    expect(ran).toEqual(["api", "dhcp"]);
    expect(results.map((p) => p.name)).toEqual(["net", "services"]);
    expect(logs.findIndex((l) => l.includes("boot: net ok"))).toBeGreaterThan(logs.findIndex((l) => l.includes("boot: services ok")));
  });

  test("a failed required concurrent phase calls emergency before runPhases resolves", async () => {
    const calls: string[] = [];
    const results = await runPhases(ctxFor("pid1"), [
      definePhase({ name: "bg", required: true, concurrent: true, steps: [defineStep({ name: "x", describe: () => "false", run: async () => { await Bun.sleep(5); throw new Error("gone"); } })] }),
      definePhase({ name: "after", required: true, steps: [step("a", [])] }),
    ], { emergency: async (phase) => { calls.push(phase.name); } });
    expect(calls).toEqual(["bg"]);
    expect(results.map((p) => [p.name, p.status])).toEqual([["bg", "failed"], ["after", "ok"]]);
  });

  test("what a step provides while another phase's step runs is not that step's undeclared product", async () => {
    const T = token<number>("t", "no t");
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const results = await runPhases(ctxFor("dev"), [
      definePhase({ name: "net", required: false, concurrent: true, steps: [waiting("dhcp", [], gate)] }),
      definePhase({ name: "services", required: true, steps: [defineStep({ name: "memory", provides: [T], describe: () => "true", run: (ctx) => { ctx.products.provide(T, 1); open(); } })] }),
    ], noEmergency);
    expect(results.flatMap((p) => p.steps.map((s) => [s.name, s.status]))).toEqual([["dhcp", "done"], ["memory", "done"]]);
  });

  test("checkOrder: no later phase may need what a concurrent phase provides; its own later steps may", () => {
    const T = token<number>("t", "no t");
    const provider = defineStep({ name: "give", provides: [T], describe: () => "true", run: () => {} });
    const user = defineStep({ name: "take", needs: { t: T }, describe: () => "true", run: () => {} });
    expect(() => checkOrder([definePhase({ name: "bg", required: false, concurrent: true, steps: [provider, user] })])).not.toThrow();
    expect(() => checkOrder([
      definePhase({ name: "bg", required: false, concurrent: true, steps: [provider] }),
      definePhase({ name: "later", required: false, steps: [user] }),
    ])).toThrow(ProductError);
  });
});

describe("deferred steps", () => {
  test("run only in runDeferred, in order, each row deferred until then; a failure degrades its phase and is logged", async () => {
    const ran: string[] = [];
    const ctx = ctxFor("pid1");
    const results = await runPhases(ctx, [
      definePhase({ name: "services", required: true, steps: [step("api", ran), step("repl", ran, { required: false, deferred: true }), step("docs", ran, { required: false, deferred: true, throws: new Error("no disk") })] }),
    ], noEmergency);
    expect(ran).toEqual(["api"]);
    expect(results[0]!.status).toBe("ok");
    expect(results[0]!.steps.map((s) => [s.name, s.status])).toEqual([["api", "done"], ["repl", "deferred"], ["docs", "deferred"]]);
    await runDeferred(ctx);
    expect(ran).toEqual(["api", "repl", "docs"]);
    expect(results[0]!.steps.map((s) => [s.name, s.status])).toEqual([["api", "done"], ["repl", "done"], ["docs", "failed"]]);
    expect(results[0]!.steps[2]!.error).toBe("no disk");
    expect(results[0]!.status).toBe("degraded");
    expect(logs).toContain("aios: warn: boot: services: docs failed: no disk");
    await runDeferred(ctx); // nothing left: each runs once
    expect(ran).toEqual(["api", "repl", "docs"]);
  });

  test("a phase stopped by a failed required step runs none of its deferred steps", async () => {
    const ran: string[] = [];
    const ctx = ctxFor("dev");
    const r = await runPhase(ctx, definePhase({ name: "p", required: false, steps: [step("later", ran, { required: false, deferred: true }), step("req", ran, { throws: new Error("x") })] }));
    await runDeferred(ctx);
    expect(ran).toEqual(["req"]);
    expect(r.steps.map((s) => [s.name, s.status])).toEqual([["later", "skipped"], ["req", "failed"]]);
  });

  test("checkOrder: a deferred step must be optional, and provides nothing before ready", () => {
    const T = token<number>("t", "no t");
    expect(() => checkOrder([definePhase({ name: "p", required: true, steps: [step("d", [], { deferred: true })] })])).toThrow("deferred, so it must be optional");
    const giver = defineStep({ name: "give", required: false, deferred: true, provides: [T], describe: () => "true", run: () => {} });
    const taker = defineStep({ name: "take", needs: { t: T }, describe: () => "true", run: () => {} });
    expect(() => checkOrder([definePhase({ name: "p", required: true, steps: [giver, taker] })])).toThrow(ProductError);
  });
});

describe("createContext / layout", () => {
  test("layout roots every path", () => {
    expect(layout("/s")).toEqual({ root: "/s", etc: "/s/etc/aios", data: "/s/var/lib/aios", secrets: "/s/var/lib/aios/secrets", log: "/s/var/log/aios", run: "/s/run/aios" });
    expect(layout("/").secrets).toBe("/var/lib/aios/secrets");
  });

  test("createContext starts empty and forwards power", () => {
    const asked: string[] = [];
    const ctx = createContext({ mode: "dev", config: defaultConfig(), paths: layout(root), port: 0 }, (a, o) => asked.push(`${a} ${o}`));
    expect(ctx.report.readyMs).toBeNull();
    expect(ctx.report.phases).toEqual([]);
    expect(ctx.services).toEqual([]);
    expect(ctx.afterReady).toEqual([]);
    expect(ctx.port).toBe(0);
    ctx.power("reboot", "test");
    expect(asked).toEqual(["reboot test"]);
  });
});
