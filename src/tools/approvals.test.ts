import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { setSink } from "../sys";
import { ApprovalDecidedError, ApprovalNotFoundError, ToolDeniedError, ToolForbiddenError } from "./errors";
import { openProbeSystem, probeRuns, type ProbeSystem } from "./probe.testing";
import type { CallOutcome } from "./types";

const previousSink = setSink(() => {});
afterAll(() => setSink(previousSink));

let s: ProbeSystem;
beforeEach(async () => {
  s = await openProbeSystem({ level: "supervised" });
  probeRuns.clear();
});
afterEach(async () => {
  await s.dispose();
});

function queued(out: CallOutcome) {
  if (out.status !== "queued") throw new Error(`expected the call to be held, got ${JSON.stringify(out)}`);
  return out;
}

const touch = (path: string, content: string, agent = "ops") => s.executor.call({ tool: "probe.touch", args: { path, content }, agent });

describe("supervised", () => {
  test("low risk runs at once; medium and above wait, persisted, and never run before approval", async () => {
    writeFileSync(s.host("/srv/keep"), "precious");
    const read = await s.executor.call({ tool: "probe.peek", args: { path: "/srv/keep" }, agent: "ops" });
    expect(read.status).toBe("done");
    const w = queued(await touch("/srv/new", "x"));
    const wipe = queued(await s.executor.call({ tool: "probe.wipe", args: { path: "/srv/keep" }, agent: "ops" }));
    await Bun.sleep(20);
    expect(probeRuns.get("probe.touch")).toBeUndefined();
    expect(probeRuns.get("probe.wipe")).toBeUndefined();
    expect(existsSync(s.host("/srv/new"))).toBe(false);
    expect(s.executor.approvals.pending().map((a) => [a.approvalId, a.callId, a.tool, a.agent, a.risk, a.args])).toEqual([
      [w.approvalId, w.callId, "probe.touch", "ops", "medium", { path: "/srv/new", content: "x" }],
      [wipe.approvalId, wipe.callId, "probe.wipe", "ops", "critical", { path: "/srv/keep" }],
    ]);
    expect(s.executor.getCall(w.callId).status).toBe("queued");
    expect(s.ledger.query({ callId: w.callId }).map((r) => [r.kind, (r.data as { approval: string }).approval])).toEqual([["queued", w.approvalId]]);
  });

  test("approve runs the call: settled resolves with the result; the approval and the run are audited", async () => {
    const w = queued(await touch("/srv/new", "approved"));
    const out = await s.executor.approvals.approve(w.approvalId, { by: "console" });
    expect(out).toEqual({ approvalId: w.approvalId, callId: w.callId, decision: "approve", result: { path: "/srv/new", bytes: 8 } });
    expect(await w.settled).toEqual({ path: "/srv/new", bytes: 8 });
    expect(readFileSync(s.host("/srv/new"), "utf8")).toBe("approved");
    expect(s.ledger.query({ callId: w.callId }).reverse().map((r) => r.kind)).toEqual(["queued", "approval", "request", "result"]);
    expect(s.ledger.query({ kind: "approval" })[0]!.data).toMatchObject({ decision: "approve", by: "console" });
    expect(s.executor.approvals.pending()).toEqual([]);
    expect(s.executor.getCall(w.callId)).toMatchObject({ status: "done", approvalId: w.approvalId });
    await expect(s.executor.approvals.approve(w.approvalId, { by: "console" })).rejects.toBeInstanceOf(ApprovalDecidedError);
  });

  test("a denied call never runs: settled rejects with ToolDeniedError, audited", async () => {
    writeFileSync(s.host("/srv/keep"), "precious");
    const wipe = queued(await s.executor.call({ tool: "probe.wipe", args: { path: "/srv/keep" }, agent: "ops" }));
    expect(s.executor.approvals.deny(wipe.approvalId, { by: "api", reason: "not today" })).toEqual({ approvalId: wipe.approvalId, callId: wipe.callId, decision: "deny" });
    const err = await wipe.settled.then(() => undefined, (e: Error) => e);
    expect(err).toBeInstanceOf(ToolDeniedError);
    expect(err!.message).toBe(`probe.wipe: approval ${wipe.approvalId} denied by api`);
    await Bun.sleep(20);
    expect(probeRuns.get("probe.wipe")).toBeUndefined();
    expect(readFileSync(s.host("/srv/keep"), "utf8")).toBe("precious");
    expect(s.executor.getCall(wipe.callId)).toMatchObject({ status: "denied", error: { code: "denied" } });
    expect(s.ledger.query({ callId: wipe.callId }).reverse().map((r) => r.kind)).toEqual(["queued", "approval"]);
    expect(s.ledger.query({ kind: "approval" })[0]!.data).toMatchObject({ decision: "deny", by: "api", reason: "not today" });
    expect(() => s.executor.approvals.deny(wipe.approvalId, { by: "api" })).toThrow(ApprovalDecidedError);
    await expect(s.executor.approvals.approve(wipe.approvalId, { by: "api" })).rejects.toBeInstanceOf(ApprovalDecidedError);
  });

  test("unknown approval ids are ApprovalNotFoundError", async () => {
    await expect(s.executor.approvals.approve("a42", { by: "t" })).rejects.toBeInstanceOf(ApprovalNotFoundError);
    expect(() => s.executor.approvals.deny("c1", { by: "t" })).toThrow(ApprovalNotFoundError);
  });

  test("the capability is checked before the gate: an unauthorized call is refused, never queued", async () => {
    const err = await touch("/srv/x", "x", "reader").catch((e: Error) => e);
    expect(err).toBeInstanceOf(ToolForbiddenError);
    expect(s.executor.approvals.pending()).toEqual([]);
    expect(s.ledger.query().map((r) => r.kind)).toEqual(["refused"]);
  });

  test("a capability revoked while the call waited is enforced when it is approved", async () => {
    const w = queued(await touch("/srv/x", "x"));
    s.capabilities.revoke("ops", "probe.touch");
    await expect(s.executor.approvals.approve(w.approvalId, { by: "console" })).rejects.toBeInstanceOf(ToolForbiddenError);
    expect(await w.settled.then(() => "ran", (e: Error) => e.name)).toBe("ToolForbiddenError");
    expect(existsSync(s.host("/srv/x"))).toBe(false);
    expect(s.executor.getCall(w.callId)).toMatchObject({ status: "failed", error: { code: "forbidden" } });
  });

  test("approve with remember: later matching calls run without asking, others still wait", async () => {
    const w = queued(await touch("/srv/a", "1"));
    const out = await s.executor.approvals.approve(w.approvalId, { by: "console", remember: true });
    expect(out).toMatchObject({ decision: "approve", ruleId: "r1" });
    expect(s.executor.policy.list()).toEqual([{ id: "r1", tool: "probe.touch", pattern: { path: "/srv/a", content: "1" }, createdBy: "console", ts: expect.any(Number) }]);
    expect((await touch("/srv/a", "1")).status).toBe("done");
    expect(s.ledger.query({ kind: "request" })[0]!.data).toMatchObject({ rule: "r1" });
    expect((await touch("/srv/a", "2")).status).toBe("queued");
    const glob = queued(await touch("/srv/www-1", "x"));
    await s.executor.approvals.approve(glob.approvalId, { by: "console", remember: { path: "/srv/www-*" } });
    expect((await touch("/srv/www-2", "anything")).status).toBe("done");
    expect((await touch("/srv/elsewhere", "x")).status).toBe("queued");
  });

  test("rules survive a reboot, and can be removed", async () => {
    s.executor.policy.addRule("probe.touch", { path: "/srv/ok-*" }, "test");
    s = await s.reopen();
    expect((await touch("/srv/ok-1", "x")).status).toBe("done");
    expect(s.executor.policy.removeRule("r1", "test")).toBe(true);
    expect((await touch("/srv/ok-2", "x")).status).toBe("queued");
    expect(s.ledger.query({ kind: "rule" }).map((r) => (r.data as { change: string }).change)).toEqual(["remove", "add"]);
  });

  test("a held call survives a reboot and runs when approved afterwards", async () => {
    const w = queued(await touch("/srv/after", "reboot"));
    s = await s.reopen();
    expect(s.executor.approvals.pending().map((a) => a.approvalId)).toEqual([w.approvalId]);
    expect(existsSync(s.host("/srv/after"))).toBe(false);
    await s.executor.approvals.approve(w.approvalId, { by: "console" });
    expect(readFileSync(s.host("/srv/after"), "utf8")).toBe("reboot");
    expect(s.ledger.verify()).toMatchObject({ ok: true });
  });
});

describe("manual and full", () => {
  test("manual holds every call that changes the system, even low risk; read-only calls run", async () => {
    s.executor.policy.setLevel("manual", "test");
    expect((await s.executor.call({ tool: "probe.peek", args: { path: "/srv/a" }, agent: "ops" })).status).toBe("done");
    expect((await s.executor.call({ tool: "probe.sleep", args: { ms: 1 }, agent: "ops" })).status).toBe("queued");
    expect((await touch("/srv/a", "x")).status).toBe("queued");
    expect(probeRuns.get("probe.sleep")).toBeUndefined();
  });

  test("full runs everything; the level changes at run time and the change is audited", async () => {
    s.executor.policy.setLevel("full", "console");
    expect(s.executor.policy.level).toBe("full");
    expect((await s.executor.call({ tool: "probe.wipe", args: { path: "/srv/none" }, agent: "ops" })).status).toBe("done");
    expect(s.ledger.query({ kind: "autonomy" }).map((r) => r.data)).toEqual([{ from: "supervised", to: "full", by: "console" }]);
  });
});

describe("authority never transfers (issue 11)", () => {
  test("a call on behalf of an agent needs both agents' capabilities; the refusal names both and is audited", async () => {
    const err = await s.executor.call({ tool: "probe.wipe", args: { path: "/srv/x" }, agent: "ops", onBehalfOf: "writer" }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(ToolForbiddenError);
    expect((err as Error).message).toBe("agent ops acts for writer, which lacks capability probe.wipe");
    expect(s.ledger.query().map((r) => [r.kind, r.agent, (r.data as { onBehalfOf?: string }).onBehalfOf])).toEqual([["refused", "ops", "writer"]]);
    // A person bounds nothing: the agent's own rights apply, and the audit says who it acted for.
    const out = await s.executor.call({ tool: "probe.peek", args: { path: "/srv/x" }, agent: "ops", onBehalfOf: "person:api" });
    expect(s.ledger.query({ callId: out.callId, kind: "request" })[0]!.data).toMatchObject({ onBehalfOf: "person:api" });
  });

  test("a held call keeps its principal across a reboot and is checked again when approved", async () => {
    const w = queued(await s.executor.call({ tool: "probe.touch", args: { path: "/srv/held", content: "x" }, agent: "ops", onBehalfOf: "writer" }));
    expect(s.ledger.query({ callId: w.callId })[0]!.data).toMatchObject({ onBehalfOf: "writer" });
    s = await s.reopen();
    s.capabilities.revoke("writer", "probe.touch");
    const err = await s.executor.approvals.approve(w.approvalId, { by: "console" }).catch((e: Error) => e);
    expect((err as Error).message).toBe("agent ops acts for writer, which lacks capability probe.touch");
    expect(existsSync(s.host("/srv/held"))).toBe(false);
  });

  test("a rule pattern naming __proto__, constructor or a field the tool lacks is refused, never stored as {}", async () => {
    for (const key of ["__proto__", "constructor", "nope"]) {
      const pattern = JSON.parse(`{"${key}": "x"}`);
      expect(() => s.executor.policy.addRule("probe.touch", pattern, "test")).toThrow(key === "__proto__" ? "pattern" : `pattern.${key}`);
    }
    expect(s.executor.policy.list()).toEqual([]);
    expect((await touch("/srv/a", "1")).status).toBe("queued");
  });
});

describe("per-call risk", () => {
  test("arguments that touch something sensitive raise the risk; rules never approve such calls", async () => {
    const w = queued(await touch("/srv/secret-key", "x"));
    expect(s.executor.approvals.get(w.approvalId).risk).toBe("high");
    s.executor.policy.addRule("probe.touch", { path: "/srv/**" }, "test");
    expect((await touch("/srv/ordinary", "x")).status).toBe("done");
    expect((await touch("/srv/secret-2", "x")).status).toBe("queued");
    // A read is low risk, unless what it reads is sensitive: manual holds that one.
    s = await s.reopen("manual");
    expect((await s.executor.call({ tool: "probe.peek", args: { path: "/srv/ordinary" }, agent: "ops" })).status).toBe("done");
    expect((await s.executor.call({ tool: "probe.peek", args: { path: "/srv/secret-key" }, agent: "ops" })).status).toBe("queued");
  });
});
