import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { setSink } from "../sys";
import {
  NothingToUndoError,
  NotReversibleError,
  ToolCancelledError,
  ToolExecutionError,
  ToolForbiddenError,
  ToolInputError,
  ToolNotFoundError,
  ToolOutputError,
  ToolTimeoutError,
  UndoFailedError,
} from "./errors";
import { openProbeSystem, probeAborts, probeRuns, type ProbeSystem } from "./probe.testing";
import { RuleSet, exactPattern, globLiteral } from "./gate";

const previousSink = setSink(() => {});
afterAll(() => setSink(previousSink));

let s: ProbeSystem;
beforeEach(async () => {
  s = await openProbeSystem({ level: "full" });
  probeRuns.clear();
  probeAborts.length = 0;
});
afterEach(async () => {
  await s.dispose();
});

const kinds = (callId: string) => s.ledger.query({ callId }).reverse().map((r) => r.kind);

async function refused(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a refusal");
}

describe("the pipeline", () => {
  test("a call runs, returns its result and is audited as request then result", async () => {
    const out = await s.executor.call({ tool: "probe.touch", args: { path: "/srv/a", content: "hello" }, agent: "ops", correlationId: "g1" });
    expect(out).toEqual({ status: "done", callId: "c1", result: { path: "/srv/a", bytes: 5 } });
    expect(readFileSync(s.host("/srv/a"), "utf8")).toBe("hello");
    const rows = s.ledger.query({ callId: "c1" }).reverse();
    expect(rows.map((r) => [r.kind, r.tool, r.agent, r.correlationId])).toEqual([
      ["request", "probe.touch", "ops", "g1"],
      ["result", "probe.touch", "ops", "g1"],
    ]);
    expect(rows[0]!.data).toEqual({ args: { path: "/srv/a", content: "hello" } });
    expect(rows[1]!.data).toMatchObject({ ok: true, result: { path: "/srv/a", bytes: 5 }, undo: true });
    expect(s.executor.getCall("c1")).toMatchObject({ status: "done", result: { path: "/srv/a", bytes: 5 }, undo: { reversible: true, available: true } });
  });

  test("an unknown tool is ToolNotFoundError and nothing is audited", async () => {
    const err = await refused(s.executor.call({ tool: "probe.nope", args: {}, agent: "ops" }));
    expect(err).toBeInstanceOf(ToolNotFoundError);
    expect(s.ledger.count()).toBe(0);
  });

  test("bad input names the field and is checked before the capability", async () => {
    const err = await refused(s.executor.call({ tool: "probe.touch", args: { path: "relative", content: "x" }, agent: "nobody" }));
    expect(err).toBeInstanceOf(ToolInputError);
    expect((err as ToolInputError).field).toBe("args.path");
    expect(err.message).toBe("probe.touch: args.path: must be an absolute path (got \"relative\")");
    const missing = await refused(s.executor.call({ tool: "probe.touch", args: { path: "/srv/x" }, agent: "ops" }));
    expect((missing as ToolInputError).field).toBe("args.content");
    const whole = await refused(s.executor.call({ tool: "probe.touch", args: "nope", agent: "ops" }));
    expect((whole as ToolInputError).field).toBe("args");
    // Issue 11: a refusal at validation leaves an audit row naming the field, never the arguments.
    expect(s.ledger.query().reverse().map((r) => [r.kind, r.agent, r.callId, (r.data as { field: string }).field])).toEqual([
      ["refused", "nobody", null, "args.path"],
      ["refused", "ops", null, "args.content"],
      ["refused", "ops", null, "args"],
    ]);
    expect(JSON.stringify(s.ledger.query())).not.toContain("nope");
    expect(probeRuns.size).toBe(0);
  });

  test("a missing capability is refused, named, audited as the only row, and nothing runs", async () => {
    const err = await refused(s.executor.call({ tool: "probe.touch", args: { path: "/srv/a", content: "x" }, agent: "reader" }));
    expect(err).toBeInstanceOf(ToolForbiddenError);
    expect((err as ToolForbiddenError).capability).toBe("probe.touch");
    expect(err.message).toBe("agent reader lacks capability probe.touch");
    expect(existsSync(s.host("/srv/a"))).toBe(false);
    expect(s.ledger.query().map((r) => [r.kind, r.agent, r.tool])).toEqual([["refused", "reader", "probe.touch"]]);
  });

  test("a tool that throws fails as ToolExecutionError with its code; the failure is audited", async () => {
    const err = await refused(s.executor.call({ tool: "probe.fail", args: { how: "throw" }, agent: "ops" }));
    expect(err).toBeInstanceOf(ToolExecutionError);
    expect((err as ToolExecutionError).reason).toBe("EIO");
    expect((err as ToolExecutionError).callId).toBe("c1");
    expect(kinds("c1")).toEqual(["request", "result"]);
    expect(s.ledger.query({ callId: "c1", kind: "result" })[0]!.data).toMatchObject({ ok: false, error: { code: "failed" } });
    expect(s.executor.getCall("c1")).toMatchObject({ status: "failed", error: { code: "failed" } });
  });

  test("output that breaks the tool's schema fails the call loudly as a tool bug", async () => {
    const err = await refused(s.executor.call({ tool: "probe.fail", args: { how: "bad_output" }, agent: "ops" }));
    expect(err).toBeInstanceOf(ToolOutputError);
    expect(err.message).toContain("probe.fail: output ok:");
    expect(s.ledger.query({ callId: "c1", kind: "result" })[0]!.data).toMatchObject({ ok: false, error: { code: "bad_output" } });
  });

  test("a timeout aborts the tool's signal and fails with ToolTimeoutError, audited", async () => {
    const t0 = performance.now();
    const err = await refused(s.executor.call({ tool: "probe.sleep", args: { ms: 5_000 }, agent: "ops" }));
    expect(err).toBeInstanceOf(ToolTimeoutError);
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(probeAborts).toEqual([{ tool: "probe.sleep", reason: "ToolTimeoutError" }]);
    expect(s.ledger.query({ callId: "c1", kind: "result" })[0]!.data).toMatchObject({ ok: false, error: { code: "timeout" } });
  });

  test("the caller's signal cancels a running call; an aborted signal stops it before it starts", async () => {
    const ac = new AbortController();
    const p = s.executor.call({ tool: "probe.sleep", args: { ms: 50 }, agent: "ops", signal: ac.signal });
    setTimeout(() => ac.abort(), 5);
    const err = await refused(p);
    expect(err).toBeInstanceOf(ToolCancelledError);
    expect(probeAborts).toEqual([{ tool: "probe.sleep", reason: "ToolCancelledError" }]);
    const again = await refused(s.executor.call({ tool: "probe.sleep", args: { ms: 1 }, agent: "ops", signal: ac.signal }));
    expect(again).toBeInstanceOf(ToolCancelledError);
    expect(probeRuns.get("probe.sleep")).toBe(1);
  });

  test("a tool that ignores its signal and finishes late: a `late` row, and its undo record is kept", async () => {
    const err = await refused(s.executor.call({ tool: "probe.sleep", args: { ms: 200, ignoreSignal: true, path: "/srv/late" }, agent: "ops" }));
    expect(err).toBeInstanceOf(ToolTimeoutError);
    for (let i = 0; i < 100 && !s.ledger.query({ kind: "late" }).length; i++) await Bun.sleep(10);
    expect(s.ledger.query({ kind: "late" }).map((r) => [r.callId, r.data])).toEqual([["c1", { ok: true }]]);
    expect(existsSync(s.host("/srv/late"))).toBe(true);
    await s.executor.rollback("c1", "test");
    expect(existsSync(s.host("/srv/late"))).toBe(false);
  });

  test("large results reach the caller whole but are stored as a marker", async () => {
    const big = "x".repeat(40_000);
    writeFileSync(s.host("/srv/big"), big);
    const out = await s.executor.call({ tool: "probe.peek", args: { path: "/srv/big" }, agent: "ops" });
    expect(out.status === "done" && (out.result as { content: string }).content.length).toBe(40_000);
    expect(s.executor.getCall("c1").result).toEqual({ $truncated: true, chars: 40_014 });
  });
});

describe("rollback", () => {
  test("undoes one call exactly once, audited; a non-reversible call is a clear error", async () => {
    writeFileSync(s.host("/srv/a"), "before");
    await s.executor.call({ tool: "probe.touch", args: { path: "/srv/a", content: "after" }, agent: "ops" });
    expect(await s.executor.rollback("c1", "test")).toEqual({ callId: "c1", tool: "probe.touch", undone: true });
    expect(readFileSync(s.host("/srv/a"), "utf8")).toBe("before");
    expect(kinds("c1")).toEqual(["request", "result", "undo", "undo"]);
    await expect(s.executor.rollback("c1", "test")).rejects.toThrow("c1: already undone");
    expect(s.executor.getCall("c1").undo).toMatchObject({ available: false, undoneAt: expect.any(Number) });
    await s.executor.call({ tool: "probe.peek", args: { path: "/srv/a" }, agent: "ops" });
    await expect(s.executor.rollback("c2", "test")).rejects.toBeInstanceOf(NotReversibleError);
    await expect(s.executor.rollback("c99", "test")).rejects.toThrow("c99: no such call");
  });

  test("a correlation is undone newest first, skipping what cannot be undone", async () => {
    const order: string[] = [];
    await s.executor.call({ tool: "probe.touch", args: { path: "/srv/f", content: "1" }, agent: "ops", correlationId: "goal-7" });
    await s.executor.call({ tool: "probe.peek", args: { path: "/srv/f" }, agent: "ops", correlationId: "goal-7" });
    await s.executor.call({ tool: "probe.touch", args: { path: "/srv/f", content: "2" }, agent: "ops", correlationId: "goal-7" });
    await s.executor.call({ tool: "probe.touch", args: { path: "/srv/g", content: "3" }, agent: "ops", correlationId: "goal-7" });
    await s.executor.call({ tool: "probe.touch", args: { path: "/srv/other", content: "x" }, agent: "ops", correlationId: "goal-8" });
    const out = await s.executor.rollbackCorrelation("goal-7", "test");
    expect(out).toEqual({ correlationId: "goal-7", undone: ["c4", "c3", "c1"], skipped: [{ callId: "c2", reason: "not reversible" }] });
    for (const r of s.ledger.query({ correlationId: "goal-7", kind: "undo" }).reverse()) if ((r.data as { stage: string }).stage === "request") order.push(r.callId!);
    expect(order).toEqual(["c4", "c3", "c1"]);
    expect(existsSync(s.host("/srv/f"))).toBe(false);
    expect(existsSync(s.host("/srv/g"))).toBe(false);
    expect(readFileSync(s.host("/srv/other"), "utf8")).toBe("x");
    const again = await s.executor.rollbackCorrelation("goal-7", "test");
    expect(again.undone).toEqual([]);
    expect(again.skipped.map((x) => x.reason)).toEqual(["already undone", "already undone", "not reversible", "already undone"]);
  });

  test("a failing undo stops the correlation there and leaves that call not undone", async () => {
    await s.executor.call({ tool: "probe.touch", args: { path: "/srv/f", content: "1" }, agent: "ops", correlationId: "g" });
    await s.executor.call({ tool: "probe.touch", args: { path: "/srv/h", content: "2" }, agent: "ops", correlationId: "g" });
    await s.executor.call({ tool: "probe.touch", args: { path: "/srv/k", content: "3" }, agent: "ops", correlationId: "g" });
    // Someone removed /srv/h behind the tool's back: its undo (unlink) fails.
    Bun.spawnSync(["rm", s.host("/srv/h")]);
    const out = await s.executor.rollbackCorrelation("g", "test");
    expect(out.undone).toEqual(["c3"]);
    expect(out.failed).toMatchObject({ callId: "c2", code: "undo_failed" });
    expect(existsSync(s.host("/srv/f"))).toBe(true);
    expect(s.executor.getCall("c2").undo.available).toBe(true);
    await expect(s.executor.rollback("c2", "test")).rejects.toBeInstanceOf(UndoFailedError);
  });

  test("works after a reboot: the undo record comes back from the database", async () => {
    writeFileSync(s.host("/srv/a"), "original");
    await s.executor.call({ tool: "probe.touch", args: { path: "/srv/a", content: "changed" }, agent: "ops", correlationId: "g" });
    await s.executor.call({ tool: "probe.touch", args: { path: "/srv/b", content: "new" }, agent: "ops", correlationId: "g" });
    s = await s.reopen();
    expect(s.executor.getCall("c1").undo.available).toBe(true);
    const out = await s.executor.rollbackCorrelation("g", "after-reboot");
    expect(out.undone).toEqual(["c2", "c1"]);
    expect(readFileSync(s.host("/srv/a"), "utf8")).toBe("original");
    expect(existsSync(s.host("/srv/b"))).toBe(false);
    expect(s.ledger.verify()).toMatchObject({ ok: true });
  });

  test("a call that failed before saving anything has nothing to undo", async () => {
    await refused(s.executor.call({ tool: "probe.sleep", args: { ms: 5_000 }, agent: "ops" }));
    await expect(s.executor.rollback("c1", "test")).rejects.toBeInstanceOf(NothingToUndoError);
  });
});

describe("recovery", () => {
  test("a call left running by a dead process is marked interrupted at the next open, audited", async () => {
    // What a crash mid-call leaves: the request stage committed, no result.
    s.executor.calls.insert({ seq: s.executor.calls.nextSeq(), ts: Date.now(), tool: "probe.touch", agent: "ops", correlationId: null, args: '{"path":"/srv/z","content":"z"}', status: "running" });
    s = await s.reopen();
    expect(s.executor.getCall("c1")).toMatchObject({ status: "interrupted", error: { code: "interrupted" } });
    expect(s.ledger.query({ kind: "interrupted" }).map((r) => r.callId)).toEqual(["c1"]);
  });
});

describe("rule patterns", () => {
  test("strings are globs, other values exact, unnamed arguments free; literals are escaped", () => {
    const rules = new RuleSet([
      { id: "r1", tool: "fs.write", pattern: { path: "/srv/www/**" }, createdBy: "t", ts: 1 },
      { id: "r2", tool: "process.spawn", pattern: { argv: ["ls", "-l"] }, createdBy: "t", ts: 2 },
      { id: "r3", tool: "fs.write", pattern: exactPattern({ path: "/etc/a*b", mode: 420 }), createdBy: "t", ts: 3 },
    ]);
    expect(rules.match("fs.write", { path: "/srv/www/a/b.html", content: "x" })?.id).toBe("r1");
    expect(rules.match("fs.write", { path: "/srv/other" })).toBeUndefined();
    expect(rules.match("process.spawn", { argv: ["ls", "-l"] })?.id).toBe("r2");
    expect(rules.match("process.spawn", { argv: ["ls", "-la"] })).toBeUndefined();
    expect(rules.match("fs.write", { path: "/etc/a*b", mode: 420 })?.id).toBe("r3");
    expect(rules.match("fs.write", { path: "/etc/axxb", mode: 420 })).toBeUndefined();
    expect(rules.match("fs.write", { path: "/etc/a*b", mode: 493 })).toBeUndefined();
    expect(globLiteral("a{b}[c]?*!\\")).toBe("a\\{b\\}\\[c\\]\\?\\*\\!\\\\");
    expect(rules.remove("r1")).toBe(true);
    expect(rules.match("fs.write", { path: "/srv/www/x" })).toBeUndefined();
  });
});

describe("recovery of approved calls", () => {
  test("an approved call that was running when the process died is found too", async () => {
    s.executor.policy.setLevel("supervised", "test");
    const out = await s.executor.call({ tool: "probe.touch", args: { path: "/srv/q", content: "q" }, agent: "ops" });
    if (out.status !== "queued") throw new Error("expected a held call");
    // Many newer calls, then the approval flips the old row to running, and the process dies.
    s.executor.policy.setLevel("full", "test");
    for (let i = 0; i < 5; i++) await s.executor.call({ tool: "probe.peek", args: { path: "/srv/q" }, agent: "ops" });
    s.executor.approvals.store.decide({ seq: 1, status: "approved", at: Date.now(), by: "test" });
    s.executor.calls.leaveQueue(1, "running", Date.now());
    s = await s.reopen();
    expect(s.executor.getCall(out.callId).status).toBe("interrupted");
    expect(s.executor.getCall("c2").status).toBe("done");
  });
});

describe("results that are not JSON", () => {
  test("fail the call loudly as a tool bug instead of leaving it running", async () => {
    const { defineTool } = await import("./define");
    const v = await import("valibot");
    const weird = defineTool({
      name: "probe.bigint",
      description: "returns a BigInt (probe)",
      input: v.strictObject({}),
      output: v.object({ n: v.unknown() }),
      risk: "low",
      readOnly: true,
      idempotent: true,
      reversible: false,
      timeoutMs: 1000,
      execute: () => ({ n: 1n }),
    });
    const t = await openProbeSystem({ level: "full", tools: [weird] });
    try {
      const err = await refused(t.executor.call({ tool: "probe.bigint", args: {}, agent: "ops" }));
      expect(err).toBeInstanceOf(ToolOutputError);
      expect(t.executor.getCall("c1")).toMatchObject({ status: "failed", error: { code: "bad_output" } });
    } finally {
      await t.dispose();
    }
  });
});
