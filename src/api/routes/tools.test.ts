import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { setSink } from "../../sys";
import { openProbeSystem, probeRuns, type ProbeSystem } from "../../tools/probe.testing";
import { secTools } from "../../tools/sec";
import { createApi } from "../app";
import type { ToolsApi } from "../types";

const TOKEN = "t0ken";
const previousSink = setSink(() => {});
afterAll(() => setSink(previousSink));

let s: ProbeSystem;
let app: ReturnType<typeof createApi>;
let route: ToolsApi["route"];

beforeEach(async () => {
  s = await openProbeSystem({ level: "full", tools: secTools });
  route = undefined;
  probeRuns.clear();
  app = createApi({
    token: () => TOKEN,
    system: () => ({}) as never,
    power: () => {},
    tools: { registry: s.registry, executor: s.executor, ledger: s.ledger, route: (tool) => route?.(tool) },
  });
});
afterEach(async () => {
  await s.dispose();
});

async function req(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await app.request(`/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  expect(res.headers.get("content-type")).toStartWith("application/json");
  return { status: res.status, json: await res.json() };
}

describe("GET /tools", () => {
  test("lists every tool with its flags and input as JSON Schema", async () => {
    const { status, json } = await req("GET", "/tools");
    expect(status).toBe(200);
    const touch = json.tools.find((t: { name: string }) => t.name === "probe.touch");
    expect(touch).toEqual({
      name: "probe.touch",
      description: "write a file in the sandbox (probe)",
      risk: "medium",
      readOnly: false,
      idempotent: true,
      reversible: true,
      timeoutMs: 5000,
      inputSchema: {
        $schema: "http://json-schema.org/draft-07/schema#",
        type: "object",
        properties: { path: { type: "string", pattern: "^/" }, content: { type: "string" } },
        required: ["path", "content"],
        additionalProperties: false,
      },
      role: "operator",
      outputSchema: expect.objectContaining({ type: "object" }),
    });
    expect(json.tools.map((t: { name: string }) => t.name)).toContain("sec.audit_verify");
    expect((await req("GET", "/tools/sec.grant")).json.risk).toBe("high");
    expect((await req("GET", "/tools/no.such")).status).toBe(404);
  });

  test("needs the token", async () => {
    expect((await app.request("/api/v1/tools")).status).toBe(401);
  });
});

describe("POST /tools/{name}", () => {
  test("200 {callId, result, summary}; the call is audited", async () => {
    const { status, json } = await req("POST", "/tools/probe.touch", { args: { path: "/srv/a", content: "hi" }, agent: "ops", correlationId: "g1" });
    expect(status).toBe(200);
    expect(json).toEqual({ callId: "c1", result: { path: "/srv/a", bytes: 2 }, summary: "Wrote 2 bytes to /srv/a" });
    expect(readFileSync(s.host("/srv/a"), "utf8")).toBe("hi");
    expect(s.ledger.query({ callId: "c1" }).map((r) => r.kind)).toEqual(["result", "request"]);
  });

  test("400 naming the bad field as args.<field>, never a 500", async () => {
    const bad = await req("POST", "/tools/probe.touch", { args: { path: 42, content: "x" }, agent: "ops" });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ error: { code: "invalid_input", message: "probe.touch: args.path: Invalid type: Expected string but received 42", field: "args.path" } });
    const missing = await req("POST", "/tools/probe.touch", { args: { path: "/srv/a" }, agent: "ops" });
    expect(missing.json.error.field).toBe("args.content");
    const unknownKey = await req("POST", "/tools/probe.touch", { args: { path: "/srv/a", content: "", mode: 1 }, agent: "ops" });
    expect(unknownKey.json.error).toMatchObject({ field: "args.mode", message: "probe.touch: args.mode: unknown field" });
    const body = await req("POST", "/tools/probe.touch", "{nope");
    expect(body).toMatchObject({ status: 400, json: { error: { code: "bad_json", field: "body" } } });
    const extra = await req("POST", "/tools/probe.touch", { args: {}, agent: "ops", sudo: true });
    expect(extra).toMatchObject({ status: 400, json: { error: { field: "sudo" } } });
    expect(probeRuns.size).toBe(0);
  });

  test("403 naming the missing capability; 404 for an unknown tool", async () => {
    const r = await req("POST", "/tools/probe.touch", { args: { path: "/srv/a", content: "x" }, agent: "reader" });
    expect(r).toEqual({ status: 403, json: { error: { code: "forbidden", message: "agent reader lacks capability probe.touch", capability: "probe.touch" } } });
    expect(existsSync(s.host("/srv/a"))).toBe(false);
    expect((await req("POST", "/tools/probe.nothing", { args: {}, agent: "ops" })).json.error.code).toBe("unknown_tool");
  });

  test("without agent: the router picks one, or 400 agent: required", async () => {
    const none = await req("POST", "/tools/probe.peek", { args: { path: "/srv/a" } });
    expect(none).toMatchObject({ status: 400, json: { error: { field: "agent" } } });
    route = (tool) => (tool.startsWith("probe.") ? "reader" : undefined);
    expect(await req("POST", "/tools/probe.peek", { args: { path: "/srv/a" } })).toEqual({ status: 200, json: { callId: "c1", result: { content: null }, summary: "/srv/a does not exist" } });
    expect(s.ledger.query({ callId: "c1" })[0]!.agent).toBe("reader");
  });

  test("202 when held; the approval runs it; a tool's own failure is 422 with the call id; timeout 504", async () => {
    s.executor.policy.setLevel("supervised", "test");
    const held = await req("POST", "/tools/probe.touch", { args: { path: "/srv/a", content: "later" }, agent: "ops" });
    expect(held).toEqual({ status: 202, json: { status: "queued", callId: "c1", approvalId: "a1", agent: "ops" } });
    expect(existsSync(s.host("/srv/a"))).toBe(false);
    const fail = await req("POST", "/tools/probe.fail", { args: { how: "throw" }, agent: "ops" });
    expect(fail).toEqual({ status: 422, json: { error: { code: "failed", message: "probe.fail: probe.fail: /dev/probe: EIO", reason: "EIO" }, callId: "c2" } });
    const broken = await req("POST", "/tools/probe.fail", { args: { how: "bad_output" }, agent: "ops" });
    expect(broken).toMatchObject({ status: 500, json: { error: { code: "bad_output", field: "output.ok" }, callId: "c3" } });
    const slow = await req("POST", "/tools/probe.sleep", { args: { ms: 5000 }, agent: "ops" });
    expect(slow).toMatchObject({ status: 504, json: { error: { code: "timeout" }, callId: "c4" } });
  });
});

describe("approvals", () => {
  test("GET lists pending with tool, args, agent, risk and age; POST approve runs, deny refuses", async () => {
    s.executor.policy.setLevel("supervised", "test");
    writeFileSync(s.host("/srv/keep"), "precious");
    await req("POST", "/tools/probe.touch", { args: { path: "/srv/new", content: "x" }, agent: "ops" });
    await req("POST", "/tools/probe.wipe", { args: { path: "/srv/keep" }, agent: "ops" });
    const list = await req("GET", "/approvals");
    expect(list.status).toBe(200);
    expect(list.json.level).toBe("supervised");
    expect(list.json.approvals.map((a: any) => [a.approvalId, a.callId, a.tool, a.agent, a.risk, a.args, typeof a.ageMs])).toEqual([
      ["a1", "c1", "probe.touch", "ops", "medium", { path: "/srv/new", content: "x" }, "number"],
      ["a2", "c2", "probe.wipe", "ops", "critical", { path: "/srv/keep" }, "number"],
    ]);
    const ok = await req("POST", "/approvals/a1", { decision: "approve", remember: true });
    expect(ok).toEqual({ status: 200, json: { approvalId: "a1", callId: "c1", decision: "approve", result: { path: "/srv/new", bytes: 1 }, ruleId: "r1" } });
    const no = await req("POST", "/approvals/a2", { decision: "deny", reason: "keep it" });
    expect(no).toEqual({ status: 200, json: { approvalId: "a2", callId: "c2", decision: "deny" } });
    expect(readFileSync(s.host("/srv/keep"), "utf8")).toBe("precious");
    expect((await req("GET", "/calls/c2")).json).toMatchObject({ status: "denied", error: { code: "denied" } });
    expect((await req("POST", "/approvals/a2", { decision: "approve" })).status).toBe(409);
    expect((await req("POST", "/approvals/a9", { decision: "approve" })).status).toBe(404);
    expect((await req("POST", "/approvals/a1", { decision: "maybe" })).json.error).toMatchObject({ field: "decision" });
    expect((await req("GET", "/rules")).json.rules).toEqual([{ id: "r1", tool: "probe.touch", pattern: { path: "/srv/new", content: "x" }, createdBy: "api", ts: expect.any(Number) }]);
    expect((await req("GET", "/approvals")).json.approvals).toEqual([]);
  });

  test("rules and the autonomy level can be set at run time", async () => {
    expect((await req("PUT", "/autonomy", { level: "manual" })).json).toEqual({ level: "manual" });
    expect((await req("PUT", "/autonomy", { level: "yolo" })).json.error.field).toBe("level");
    expect((await req("POST", "/rules", { tool: "probe.touch", pattern: { path: "/srv/ok-*" } })).status).toBe(201);
    expect((await req("POST", "/tools/probe.touch", { args: { path: "/srv/ok-1", content: "x" }, agent: "ops" })).status).toBe(200);
    expect((await req("POST", "/tools/probe.touch", { args: { path: "/srv/no", content: "x" }, agent: "ops" })).status).toBe(202);
    expect((await req("DELETE", "/rules/r1")).json).toEqual({ removed: "r1" });
    expect((await req("DELETE", "/rules/r1")).status).toBe(404);
  });
});

describe("calls and rollback", () => {
  test("GET /calls/{id} shows status, result and undo; POST rollback restores; twice is 409", async () => {
    writeFileSync(s.host("/srv/a"), "before");
    await req("POST", "/tools/probe.touch", { args: { path: "/srv/a", content: "after" }, agent: "ops" });
    const call = await req("GET", "/calls/c1");
    expect(call.json).toMatchObject({ callId: "c1", tool: "probe.touch", agent: "ops", status: "done", result: { path: "/srv/a", bytes: 5 }, undo: { reversible: true, available: true } });
    expect(await req("POST", "/calls/c1/rollback")).toEqual({ status: 200, json: { callId: "c1", tool: "probe.touch", undone: true } });
    expect(readFileSync(s.host("/srv/a"), "utf8")).toBe("before");
    expect((await req("POST", "/calls/c1/rollback")).json.error.code).toBe("already_undone");
    expect((await req("GET", "/calls/c1")).json.undo.available).toBe(false);
    expect((await req("GET", "/calls/c77")).status).toBe(404);
    await req("POST", "/tools/probe.peek", { args: { path: "/srv/a" }, agent: "ops" });
    expect(await req("POST", "/calls/c2/rollback")).toMatchObject({ status: 409, json: { error: { code: "not_reversible" } } });
    expect((await req("GET", "/calls?limit=1")).json.calls.map((x: any) => x.callId)).toEqual(["c2"]);
  });

  test("POST /correlations/{id}/rollback undoes a goal newest first", async () => {
    await req("POST", "/tools/probe.touch", { args: { path: "/srv/a", content: "1" }, agent: "ops", correlationId: "goal" });
    await req("POST", "/tools/probe.touch", { args: { path: "/srv/b", content: "2" }, agent: "ops", correlationId: "goal" });
    const r = await req("POST", "/correlations/goal/rollback");
    expect(r).toEqual({ status: 200, json: { correlationId: "goal", undone: ["c2", "c1"], skipped: [] } });
    expect(existsSync(s.host("/srv/a")) || existsSync(s.host("/srv/b"))).toBe(false);
    expect((await req("POST", "/correlations/nothing/rollback")).status).toBe(404);
  });
});

describe("audit", () => {
  test("GET /audit?limit=N, newest first; a bad limit is a 400 naming it; verify finds tampering", async () => {
    await req("POST", "/tools/probe.touch", { args: { path: "/srv/a", content: "1" }, agent: "ops" });
    await req("POST", "/tools/probe.touch", { args: { path: "/srv/b", content: "2" }, agent: "ops" });
    const r = await req("GET", "/audit?limit=3");
    expect(r.json.rows.map((x: any) => [x.seq, x.kind, x.callId])).toEqual([[4, "result", "c2"], [3, "request", "c2"], [2, "result", "c1"]]);
    expect((await req("GET", "/audit?kind=request")).json.rows).toHaveLength(2);
    expect(await req("GET", "/audit?limit=lots")).toMatchObject({ status: 400, json: { error: { field: "limit" } } });
    expect((await req("POST", "/audit/verify")).json).toMatchObject({ ok: true, rows: 4 });
    s.ledger.database.exec("DROP TRIGGER audit_no_update");
    s.ledger.database.exec("UPDATE audit SET agent = 'someone-else' WHERE seq = 2");
    expect((await req("POST", "/audit/verify")).json).toMatchObject({ ok: false, rows: 2, firstBadRow: 2 });
  });

  test("POST /audit/{seq}/redact: the payload and the call's copy replaced, the redaction a row, the chain verifying", async () => {
    await req("POST", "/tools/probe.touch", { args: { path: "/srv/a", content: "s3cret" }, agent: "ops" });
    const r = await req("POST", "/audit/1/redact", { reason: "a secret in the content" });
    expect(r).toMatchObject({ status: 200, json: { redaction: { seq: 3, kind: "redact", callId: "c1", data: { seq: 1, by: "api", reason: "a secret in the content" } } } });
    expect(JSON.stringify((await req("GET", "/audit")).json)).not.toContain("s3cret");
    expect(JSON.stringify((await req("GET", "/calls/c1")).json)).not.toContain("s3cret");
    expect((await req("POST", "/audit/verify")).json).toMatchObject({ ok: true, rows: 3, redacted: 1 });
    expect(await req("POST", "/audit/1/redact", { reason: "again" })).toMatchObject({ status: 409, json: { error: { code: "already_redacted" } } });
    expect(await req("POST", "/audit/99/redact", { reason: "x" })).toMatchObject({ status: 404 });
    expect(await req("POST", "/audit/2/redact", {})).toMatchObject({ status: 400, json: { error: { field: "reason" } } });
    expect(await req("POST", "/audit/two/redact", { reason: "x" })).toMatchObject({ status: 400, json: { error: { field: "seq" } } });
  });
});
