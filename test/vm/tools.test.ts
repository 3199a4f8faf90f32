/**
 * Tools inside the guest, through the forwarded API and the serial REPL: a
 * held write approved from the console, the file really written on the
 * guest's filesystem, rolled back, and the audit ledger still verifying.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Vm } from "../harness/vm";

const PROMPT = /aios> $/;

describe("tools in the guest", () => {
  let vm: Vm;
  const post = (path: string, body: unknown) => vm.api(path, { method: "POST", body: JSON.stringify(body) });

  beforeAll(async () => {
    vm = Vm.boot();
    await vm.waitFor(/aios: ready in \d+ ms/, 120_000);
    await vm.waitFor(PROMPT);
  });
  afterAll(() => vm.dispose());

  test("a read runs at once as the system agent and sees the guest's files", async () => {
    const res = await post("/api/v1/tools/fs.read", { args: { path: "/etc/hosts" }, agent: "system" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.callId).toMatch(/^c\d+$/);
    expect(JSON.stringify(body.result)).toContain("localhost");
  });

  test("bad input names the field; a missing capability is a 403 naming it", async () => {
    const bad = await post("/api/v1/tools/fs.write", { args: { path: "etc/motd", content: "x" }, agent: "system" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.field).toBe("args.path");
    const forbidden = await post("/api/v1/tools/process.kill", { args: { pid: 123 }, agent: "network" });
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as any).error.message).toContain("process.kill");
  });

  test("a write waits for approval (supervised), runs when approved on the console, and rolls back exactly", async () => {
    const held = await post("/api/v1/tools/fs.write", { args: { path: "/etc/motd", content: "hello from aiOS\n", createParents: true }, agent: "system" });
    expect(held.status).toBe(202);
    const { callId, approvalId } = (await held.json()) as any;
    expect(await vm.run("approvals", PROMPT)).toContain(approvalId);

    await vm.run("shell", /aios-sh# $/);
    expect(await vm.run("cat /etc/motd || echo NO-MOTD-YET", /aios-sh# $/)).toContain("NO-MOTD-YET");
    await vm.run("exit", PROMPT);

    // The prompt comes back once approved; the call's result prints above it when done.
    await vm.run(`approve ${approvalId}`, new RegExp(`${approvalId}: ${callId} done: Wrote 16 B to /etc/motd`));
    const call = (await (await vm.api(`/api/v1/calls/${callId}`)).json()) as any;
    expect(call.status).toBe("done");
    await vm.run("shell", /aios-sh# $/);
    expect(await vm.run("cat /etc/motd", /aios-sh# $/)).toContain("hello from aiOS");
    await vm.run("exit", PROMPT);

    const undo = await post(`/api/v1/calls/${callId}/rollback`, {});
    expect(undo.status).toBe(200);
    await vm.run("shell", /aios-sh# $/);
    expect(await vm.run("test -e /etc/motd && echo STILL-THERE || echo GONE", /aios-sh# $/)).toContain("GONE");
    await vm.run("exit", PROMPT);

    const verify = (await (await post("/api/v1/audit/verify", {})).json()) as any;
    expect(verify.ok).toBe(true);
    expect(verify.rows).toBeGreaterThanOrEqual(6);
    const kinds = ((await (await vm.api("/api/v1/audit?limit=50")).json()) as any).rows.filter((r: any) => r.callId === callId).map((r: any) => r.kind);
    expect(kinds).toEqual(expect.arrayContaining(["queued", "request", "result", "undo"]));
  });

  test("agents are listed and running under supervision", async () => {
    const { agents } = (await (await vm.api("/api/v1/agents")).json()) as any;
    expect(agents.map((a: any) => a.name)).toEqual(["system", "network", "security", "monitor", "package", "storage", "task", "dev"]);
    expect(agents.every((a: any) => a.status === "running")).toBe(true);
    expect(await vm.run("agents", PROMPT)).toMatch(/monitor\s+running/);
  });

  test("poweroff still unmounts the data disk with the ledger open", async () => {
    vm.type("poweroff\r");
    expect(await vm.waitExit()).toBe(0);
    expect(vm.output).toContain("shutdown: unmounted /var/lib/aios");
  });
});
