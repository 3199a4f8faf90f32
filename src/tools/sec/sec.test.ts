import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { setSink } from "../../sys";
import { openProbeSystem, type ProbeSystem } from "../probe.testing";
import { secTools } from "./index";

const previousSink = setSink(() => {});
afterAll(() => setSink(previousSink));

let s: ProbeSystem;
beforeEach(async () => {
  s = await openProbeSystem({ level: "full", tools: secTools });
  s.capabilities.declare("security", ["sec"]);
  s.capabilities.declare("storage", ["probe.peek"]);
});
afterEach(async () => {
  await s.dispose();
});

async function sec(tool: string, args: unknown): Promise<any> {
  const out = await s.executor.call({ tool, args, agent: "security" });
  if (out.status !== "done") throw new Error(`${tool} was held`);
  return out.result;
}

describe("sec.audit_verify", () => {
  test("ok on an intact ledger; names the first edited row after tampering", async () => {
    for (let i = 0; i < 3; i++) await s.executor.call({ tool: "probe.touch", args: { path: `/srv/f${i}`, content: String(i) }, agent: "ops" });
    expect(await sec("sec.audit_verify", {})).toMatchObject({ ok: true, rows: 7 }); // and where it is anchored, once a flush wrote that
    // An attacker with the database file: drop the guard, rewrite what c2 wrote.
    const db = s.ledger.database;
    db.exec("DROP TRIGGER audit_no_update");
    db.exec(`UPDATE audit SET data = '{"args":{"path":"/srv/innocent","content":"1"}}' WHERE seq = 3`);
    const r = await sec("sec.audit_verify", {});
    expect(r).toMatchObject({ ok: false, firstBadRow: 3, reason: "content does not match its hash" });
  });

  test("a removed row is found", async () => {
    for (let i = 0; i < 2; i++) await s.executor.call({ tool: "probe.touch", args: { path: `/srv/f${i}`, content: "x" }, agent: "ops" });
    const db = s.ledger.database;
    db.exec("DROP TRIGGER audit_no_delete");
    db.exec("DELETE FROM audit WHERE seq = 2");
    expect(await sec("sec.audit_verify", {})).toMatchObject({ ok: false, firstBadRow: 3, reason: "row 2 is missing" });
  });
});

describe("sec.audit_query", () => {
  test("filters by tool, kind and call, newest first, within the limit", async () => {
    await s.executor.call({ tool: "probe.touch", args: { path: "/srv/a", content: "x" }, agent: "ops", correlationId: "g1" });
    await s.executor.call({ tool: "probe.peek", args: { path: "/srv/a" }, agent: "ops" });
    const byTool = await sec("sec.audit_query", { tool: "probe.touch" });
    expect(byTool.rows.map((r: any) => [r.kind, r.callId])).toEqual([["result", "c1"], ["request", "c1"]]);
    const byKind = await sec("sec.audit_query", { kind: "result", limit: 1 });
    expect(byKind.rows.map((r: any) => r.callId)).toEqual(["c3"]); // the first audit_query call itself
    const byCorr = await sec("sec.audit_query", { correlationId: "g1" });
    expect(byCorr.rows).toHaveLength(2);
  });

  test("by time window and by the text a call's data holds, said in the summary", async () => {
    const before = new Date(Date.now() - 1000).toISOString();
    await s.executor.call({ tool: "probe.touch", args: { path: "/srv/hosts.bak", content: "x" }, agent: "ops" });
    await s.executor.call({ tool: "probe.touch", args: { path: "/srv/other", content: "x" }, agent: "ops" });
    // The query's own request holds the text too: left out.
    const touched = await sec("sec.audit_query", { text: "/srv/hosts.bak", kind: "request" });
    expect(touched.rows.map((r: any) => [r.tool, r.agent])).toEqual([["probe.touch", "ops"]]);
    const tool = s.executor.registry.require("sec.audit_query");
    expect(tool.summarize!(touched, { limit: 50, text: "/srv/hosts.bak" })).toStartWith('1 audit entry (mentioning "/srv/hosts.bak"), newest first:');
    expect((await sec("sec.audit_query", { text: "/srv/other", kind: "request", limit: 1 })).rows.map((r: any) => r.tool)).toEqual(["probe.touch"]);
    expect((await sec("sec.audit_query", { since: before, tool: "probe.touch" })).rows).toHaveLength(4);
    expect((await sec("sec.audit_query", { until: before })).rows).toEqual([]);
    const none = await sec("sec.audit_query", { since: new Date(Date.now() + 60_000).toISOString() });
    expect(none.rows).toEqual([]);
  });
});

describe("sec.grant and sec.revoke", () => {
  test("change what an agent may call at once, audited, and replayed after a reboot", async () => {
    await expect(s.executor.call({ tool: "probe.touch", args: { path: "/srv/a", content: "x" }, agent: "storage" })).rejects.toThrow("agent storage lacks capability probe.touch");
    expect(await sec("sec.grant", { agent: "storage", capability: "probe.touch" })).toEqual({ agent: "storage", capability: "probe.touch", capabilities: ["probe.peek", "probe.touch"] });
    expect((await s.executor.call({ tool: "probe.touch", args: { path: "/srv/a", content: "x" }, agent: "storage" })).status).toBe("done");
    await sec("sec.revoke", { agent: "storage", capability: "probe.peek" });
    expect(s.capabilities.allows("storage", "probe.peek")).toBe(false);

    s = await s.reopen();
    // At boot the agents declare again; the stored changes still apply on top.
    s.capabilities.declare("security", ["sec"]);
    s.capabilities.declare("storage", ["probe.peek"]);
    expect(s.capabilities.list("storage")).toEqual(["probe.touch"]);
    expect(s.capabilities.allows("storage", "probe.peek")).toBe(false);
    expect(s.ledger.query({ tool: "sec.grant", kind: "request" })[0]!.data).toEqual({ args: { agent: "storage", capability: "probe.touch" } });
  });

  test("undo restores exactly what was there, also after a reboot", async () => {
    await sec("sec.revoke", { agent: "storage", capability: "probe.peek" }); // c1: declared → revoked
    await sec("sec.grant", { agent: "storage", capability: "probe.peek" }); // c2: revoked → granted
    await sec("sec.grant", { agent: "storage", capability: "net" }); // c3: nothing → granted
    s = await s.reopen();
    s.capabilities.declare("storage", ["probe.peek"]);
    await s.executor.rollback("c3", "test");
    expect(s.capabilities.list("storage")).toEqual(["probe.peek"]);
    expect(s.capabilities.entry("storage", "probe.peek")).toEqual({ granted: true, revoked: false });
    await s.executor.rollback("c2", "test");
    expect(s.capabilities.allows("storage", "probe.peek")).toBe(false);
    await s.executor.rollback("c1", "test");
    expect(s.capabilities.entry("storage", "probe.peek")).toEqual({ granted: false, revoked: false });
    expect(s.capabilities.allows("storage", "probe.peek")).toBe(true);
    s = await s.reopen();
    s.capabilities.declare("storage", ["probe.peek"]);
    expect(s.capabilities.list("storage")).toEqual(["probe.peek"]);
  });

  test("are high risk: supervised autonomy holds them for a person", async () => {
    s.executor.policy.setLevel("supervised", "test");
    const out = await s.executor.call({ tool: "sec.grant", args: { agent: "storage", capability: "*" }, agent: "security" });
    expect(out.status).toBe("queued");
    expect(s.capabilities.allows("storage", "probe.wipe")).toBe(false);
  });
});

describe("sec.check_perms", () => {
  test("what an agent may call, whether one tool, and a path's mode, owner and problems", async () => {
    mkdirSync(s.host("/srv/bin"));
    writeFileSync(s.host("/srv/bin/su"), "");
    chmodSync(s.host("/srv/bin/su"), 0o4755);
    symlinkSync("/etc/passwd", s.host("/srv/link"));
    mkdirSync(s.host("/etc"));
    writeFileSync(s.host("/etc/passwd"), `root:x:0:0:root:/root:/bin/sh\nme:x:${process.getuid!()}:${process.getgid!()}::/:/bin/sh\n`);
    const r = await sec("sec.check_perms", { agent: "storage", tool: "probe.touch", path: "/srv/bin/su" });
    expect(r).toMatchObject({ agent: "storage", known: true, capabilities: ["probe.peek"], tools: ["probe.peek"], allowed: false });
    expect(r.path).toEqual({ path: "/srv/bin/su", exists: true, type: "file", mode: "04755", uid: process.getuid!(), gid: process.getgid!(), owner: "me", issues: ["setuid"] });
    expect((await sec("sec.check_perms", { agent: "storage", path: "/srv/link" })).path).toMatchObject({ type: "symlink", issues: [] });
    expect((await sec("sec.check_perms", { agent: "storage", path: "/srv/../../../outside" })).path).toEqual({ path: "/outside", exists: false, issues: [] });
    expect(await sec("sec.check_perms", { agent: "ghost" })).toEqual({ agent: "ghost", known: false, capabilities: [], tools: [] });
  });
});
