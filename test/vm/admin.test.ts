/**
 * The admin tools inside the guest, through the forwarded API (supervised:
 * each change approved through the API) and the guest's own shell: a log
 * rotation policy set, a log rotated on request and by the autonomy loop,
 * gzipped generations read back with BusyBox's zcat, aiOS's own log rotated
 * by size as it is written; a user added to a group and the change undone
 * with sys.undo.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Vm } from "../harness/vm";

const PROMPT = /aios> $/;
const SHELL = /aios-sh# $/;

describe("admin tools in the guest", () => {
  let vm: Vm;
  const post = (path: string, body: unknown) => vm.api(path, { method: "POST", body: JSON.stringify(body) });

  /** Runs a tool as the system agent; a held call is approved through the API. Returns its result. */
  async function tool(name: string, args: unknown): Promise<any> {
    const res = await post(`/api/v1/tools/${name}`, { args, agent: "system" });
    const body = (await res.json()) as any;
    if (res.status === 202) {
      const ok = await post(`/api/v1/approvals/${body.approvalId}`, { decision: "approve" });
      const approved = (await ok.json()) as any;
      expect({ name, status: ok.status }).toEqual({ name, status: 200 });
      return approved.result;
    }
    expect({ name, status: res.status, body }).toMatchObject({ name, status: 200 });
    return body.result;
  }

  /** Runs guest shell lines and returns what they printed. */
  async function sh(...lines: string[]): Promise<string> {
    await vm.run("shell", SHELL);
    let out = "";
    for (const line of lines) out += await vm.run(line, SHELL, 60_000);
    await vm.run("exit", PROMPT);
    return out;
  }

  beforeAll(async () => {
    vm = Vm.boot({ cmdlineExtra: "aios.autonomy.tick=3s" });
    await vm.waitFor(/aios: ready in \d+ ms/, 120_000);
    await vm.waitFor(PROMPT);
  });
  afterAll(() => vm.dispose());

  test("a policy is set, a log rotated on request and by the autonomy loop, and the generations listed", async () => {
    await sh("mkdir -p /var/log/app && seq 1 3000 | sed 's/^/request /' > /var/log/app/web.log && echo WROTE", "ls /var/log/app");
    const set = await tool("log.set_policy", { pattern: "/var/log/app/*.log", maxBytes: 64 * 1024, keep: 3 });
    expect(set).toMatchObject({ policy: { pattern: "/var/log/app/*.log", maxBytes: 65536, keep: 3 }, files: ["/var/log/app/web.log"], fileCount: 1 });

    const first = await tool("log.rotate", { path: "/var/log/app/web.log" });
    expect(first.rotated).toMatchObject([{ path: "/var/log/app/web.log", reason: "asked", pattern: "/var/log/app/*.log", keep: 3, generations: [{ name: "web.log.1" }] }]);

    // Past maxBytes: the autonomy loop (ticking every 3 s here) rotates it by its policy, no call needed.
    await sh("seq 3001 9000 | sed 's/^/request /' >> /var/log/app/web.log && echo MORE");
    let listed: any;
    for (let i = 0; i < 40; i++) {
      listed = await tool("log.policies", {});
      const mine = listed.policies.find((p: any) => p.pattern === "/var/log/app/*.log");
      if (mine.files[0]?.generations.length === 2) break;
      await Bun.sleep(1000);
    }
    const mine = listed.policies.find((p: any) => p.pattern === "/var/log/app/*.log");
    expect(mine).toMatchObject({ builtin: false, fileCount: 1, files: [{ path: "/var/log/app/web.log", bytes: 0, generations: [{ name: "web.log.1" }, { name: "web.log.2.gz" }] }] });
    expect(listed.policies.some((p: any) => p.builtin && p.pattern === "/var/log/aios/aios.log")).toBe(true);

    const files = await sh("ls /var/log/app", "wc -l < /var/log/app/web.log.1", "zcat /var/log/app/web.log.2.gz | wc -l", "zcat /var/log/app/web.log.2.gz | tail -n 1");
    expect(files).toMatch(/web\.log\s+web\.log\.1\s+web\.log\.2\.gz/);
    expect(files).toMatch(/^6000$/m);
    expect(files).toMatch(/^3000$/m);
    expect(files).toContain("request 3000");
    // The person's changes are audited; the loop's rotation applies the policy they set.
    const audited = ((await (await vm.api("/api/v1/audit?limit=100")).json()) as any).rows.map((r: any) => r.tool);
    expect(audited).toEqual(expect.arrayContaining(["log.set_policy", "log.rotate"]));
  });

  test("aiOS's own log rotates by size as it is written; sys.undo puts its built-in policy back", async () => {
    await tool("log.set_policy", { pattern: "/var/log/aios/aios.log", maxBytes: 1024, keep: 2 });
    // Each held call writes a line to aiOS's log (about 90 bytes): a dozen cross the cap.
    for (let i = 0; i < 12; i++) await post("/api/v1/tools/fs.write", { args: { path: `/etc/motd-${i}`, content: "x\n" }, agent: "system" });
    let out = "";
    for (let i = 0; i < 20 && !/aios\.log\.1/.test(out); i++) {
      await Bun.sleep(500);
      out = await sh("ls /var/log/aios");
    }
    expect(out).toMatch(/aios\.log\s+aios\.log\.1/);
    const undone = await tool("sys.undo", {});
    expect(undone).toMatchObject({ target: "latest", undone: [{ tool: "log.set_policy" }], failed: null });
    const policies = await tool("log.policies", {});
    expect(policies.policies.find((p: any) => p.pattern === "/var/log/aios/aios.log")).toMatchObject({ builtin: true, maxBytes: 4 * 1024 * 1024 });
  });

  test("a user joins a group, and sys.undo takes exactly that line back", async () => {
    await sh("echo sudo:x:27: >> /etc/group && echo ADDED");
    await tool("user.create", { name: "alice" });
    const joined = await tool("user.add_to_group", { user: "alice", group: "sudo" });
    expect(joined).toMatchObject({ user: "alice", group: "sudo", gid: 27, changed: true, members: ["alice"] });
    expect(await sh("grep ^sudo: /etc/group")).toMatch(/^sudo:x:27:alice$/m);
    const missing = await post("/api/v1/tools/user.add_to_group", { args: { user: "alice", group: "wheel" }, agent: "system" });
    const refused = (await (missing.status === 202 ? post(`/api/v1/approvals/${((await missing.json()) as any).approvalId}`, { decision: "approve" }) : Promise.resolve(missing)).then((r) => r.json())) as any;
    expect(JSON.stringify(refused)).toContain("user.add_to_group wheel: no such group");

    const undone = await tool("sys.undo", {});
    expect(undone.undone).toMatchObject([{ tool: "user.add_to_group", what: "alice is now a member of sudo (gid 27)" }]);
    const after = await sh("grep ^sudo: /etc/group", "grep -c ^alice: /etc/passwd");
    expect(after).toMatch(/^sudo:x:27:$/m);
    expect(after).toMatch(/^1$/m);
  });
});
