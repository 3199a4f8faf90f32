/**
 * Issue 5's acceptance, seed 003's own example, in the VM and offline:
 * "Install nginx and configure it as a reverse proxy for the management API"
 * with the offline repository disk (`make repo`) attached. nginx is installed
 * from it, configured, started as a supervised service, /health answers
 * through nginx on the host, the trace covers every step of the lifecycle,
 * and a second goal removes nginx without leaving a file behind. In
 * supervised mode the goal waits for approvals granted on the serial REPL,
 * and a denial fails it and rolls back what ran.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { FINAL_GOAL_STATES } from "../../src/orchestrator/goals/machine";
import { OUT, Vm } from "../harness/vm";

const GOAL = "Install nginx and configure it as a reverse proxy for the management API";
const PROMPT = /aios> $/;
const SHELL = /aios-sh# $/;
const FINAL: string[] = [...FINAL_GOAL_STATES];

async function submit(vm: Vm, goal: string): Promise<number> {
  const res = await vm.api("/api/v1/goals", { method: "POST", body: JSON.stringify({ goal }) });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: number }).id;
}

/** Polls `f` until it returns something, or fails after `ms`. */
async function poll<T>(f: () => T | undefined, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`nothing after ${ms} ms`);
    await Bun.sleep(100);
  }
}

async function goalOf(vm: Vm, id: number): Promise<any> {
  return (await vm.api(`/api/v1/goals/${id}`)).json();
}

async function until(vm: Vm, id: number, states: string[], ms = 180_000): Promise<any> {
  const end = Date.now() + ms;
  for (;;) {
    const g = await goalOf(vm, id);
    if (states.includes(g.state)) return g;
    if (Date.now() > end) throw new Error(`goal ${id} is ${g.state}, not ${states.join("|")}; trace:\n${g.trace.map((e: any) => e.message).join("\n")}`);
    await Bun.sleep(250);
  }
}

/** Lists every file and directory of the guest's root filesystem into FILE, aiOS's own state and logs aside. */
async function listFiles(vm: Vm, file: string): Promise<string> {
  await vm.run("shell", SHELL);
  const out = await vm.run(`find / -xdev | grep -v -e '^/var/lib/aios' -e '^/var/log/aios' -e '^/tmp' -e '^/run' -e '^/proc' | sort > ${file}; wc -l < ${file}`, SHELL);
  await vm.run("exit", PROMPT);
  return out;
}

describe("the acceptance goal, full autonomy", () => {
  let vm: Vm;
  beforeAll(async () => {
    // The plan checks nginx on 127.0.0.1:80 with no egress allowance: a port its supervised service listens on may be reached.
    vm = Vm.boot({ repoImg: join(OUT, "repo.img"), forward: [80], cmdlineExtra: "aios.autonomy_level=full" });
    await vm.waitFor(/aios: ready in \d+ ms/, 120_000);
    await vm.waitFor(PROMPT);
  });
  afterAll(() => vm.dispose());

  test("ends done: nginx from the offline repository proxies /health to the API", async () => {
    expect(await listFiles(vm, "/tmp/before.txt")).toMatch(/\d+\n/);
    const t0 = performance.now();
    const id = await submit(vm, GOAL);
    const g = await until(vm, id, FINAL);
    expect(g.error).toBeNull();
    expect(g.state).toBe("done");
    console.log(`acceptance goal done in ${Math.round(performance.now() - t0)} ms after submit`);

    const viaNginx = await fetch(`http://127.0.0.1:${vm.forwarded[80]}/health`);
    expect(viaNginx.status).toBe(200);
    expect(viaNginx.headers.get("server") ?? "").toMatch(/^nginx/);
    expect(await viaNginx.json()).toEqual({ status: "ok" });

    const services = (await (await vm.api("/api/v1/tools/service.list", { method: "POST", body: JSON.stringify({ agent: "monitor", args: {} }) })).json()) as any;
    expect(services.result.services.find((s: any) => s.name === "nginx")).toMatchObject({ state: "running", enabled: true });
  });

  test("the trace lists every step of the seed's lifecycle, with audit call ids", async () => {
    const g = await goalOf(vm, 1);
    const kinds = g.trace.map((e: any) => e.kind);
    for (const k of ["submitted", "planning", "planner", "plan", "route", "running", "task", "call", "outcome", "procedure"]) expect(kinds).toContain(k);
    const calls = g.trace.filter((e: any) => e.kind === "call").map((e: any) => e.data.tool);
    expect(calls.indexOf("pkg.install")).toBeLessThan(calls.indexOf("fs.write"));
    expect(calls.indexOf("service.start")).toBeLessThan(calls.indexOf("net.http_check"));
    expect(new Set(calls)).toEqual(new Set(["pkg.search", "pkg.install", "net.check_port", "fs.write", "fs.symlink", "process.spawn", "service.start", "net.http_check", "monitor.watch"]));
    expect(g.tasks.map((t: any) => t.agent)).toEqual(["package", "package", "monitor", "system", "system", "monitor", "monitor"]);
    const audit = (await (await vm.api("/api/v1/audit?limit=500")).json()) as any;
    const audited = new Set(audit.rows.map((r: any) => r.callId));
    for (const e of g.trace.filter((x: any) => x.kind === "call")) expect(audited.has(e.data.callId)).toBe(true);
    expect(((await (await vm.api("/api/v1/audit/verify", { method: "POST", body: "{}" })).json()) as any).ok).toBe(true);
    expect(await vm.run("trace 1", PROMPT)).toContain("[outcome] done: ");
    // The answer, composed from the tools' typed results.
    expect(g.answer).toMatch(/^Installed nginx \S+/m);
    expect(g.answer).toMatch(/answers: HTTP 200/);
  });

  test("aiOS's own documentation is in its knowledge base, embedded in the binary and ingested after ready", async () => {
    let hits: any[] = [];
    for (let i = 0; i < 120 && !hits.some((h) => h.source === "models/README.md"); i++) {
      hits = ((await (await vm.api("/api/v1/memory/search?q=import%20a%20model&k=5")).json()) as any).hits;
      if (!hits.some((h) => h.source === "models/README.md")) await Bun.sleep(500);
    }
    expect(hits.map((h) => h.source)).toContain("models/README.md");
    const res = await vm.api("/api/v1/tools/memory.search", { method: "POST", body: JSON.stringify({ agent: "task", args: { query: "what does supervised mean?" } }) });
    const out = (await res.json()) as any;
    expect(out.result.results.map((r: any) => r.source)).toContain("README.md");
    expect(vm.output).toMatch(/docs: ingested aiOS's own documentation: \d+ of \d+ documents new or changed/);
  });

  test("a second goal removes nginx and leaves no file of it behind", async () => {
    const id = await submit(vm, "Remove nginx");
    const g = await until(vm, id, FINAL);
    expect(g.error).toBeNull();
    expect(g.state).toBe("done");
    await listFiles(vm, "/tmp/after.txt");
    await vm.run("shell", SHELL);
    const diff = await vm.run("diff /tmp/before.txt /tmp/after.txt && echo SAME-FILES", SHELL);
    await vm.run("exit", PROMPT);
    expect(diff).toContain("SAME-FILES");
    await expect(fetch(`http://127.0.0.1:${vm.forwarded[80]}/health`, { signal: AbortSignal.timeout(3000) })).rejects.toThrow();
  });

  test("poweroff ends it cleanly", async () => {
    vm.type("poweroff\r");
    expect(await vm.waitExit()).toBe(0);
  });
});

describe("the acceptance goal, supervised", () => {
  let vm: Vm;
  beforeAll(async () => {
    vm = Vm.boot({ repoImg: join(OUT, "repo.img"), forward: [80] });
    await vm.waitFor(/aios: ready in \d+ ms/, 120_000);
    await vm.waitFor(PROMPT);
  });
  afterAll(() => vm.dispose());

  /** Approves each held call of the goal on the serial REPL until it ends. */
  async function approveAll(id: number): Promise<any> {
    for (;;) {
      const g = await until(vm, id, [...FINAL, "awaiting_approval"]);
      if (FINAL.includes(g.state)) return g;
      const pending = (await (await vm.api("/api/v1/approvals")).json()) as any;
      for (const a of pending.approvals) await vm.run(`approve ${a.approvalId}`, PROMPT, 120_000);
      await Bun.sleep(200);
    }
  }

  test("the README's walkthrough, typed at the serial REPL: the prompt comes back at once, approvals are typed while it waits, the answer prints", async () => {
    const from = vm.output.length;
    // `goal` gives the prompt back at once: the submission line is followed by the prompt, not by the goal's progress.
    const submitted = await vm.run(`goal ${GOAL}`, /goal (\d+) submitted[^\n]*\naios> /, 15_000);
    const id = Number(/goal (\d+) submitted/.exec(submitted)![1]);
    // Up to the prompt the REPL draws after it: the serial line may have delivered only part of the answer yet.
    const end = new RegExp(`goal ${id} (done|failed|cancelled):\n((?: {2}[^\n]*\n)+)aios> `);
    const approved = new Set<string>();
    let listed = false;
    for (;;) {
      // What a person reads on the console: the next approval the goal waits for, or its answer.
      const next = await poll(() => {
        const out = vm.output.slice(from);
        if (end.test(out)) return { ended: true };
        const waiting = [...out.matchAll(new RegExp(`goal ${id}: [^\n]*waits for approval (a\\d+)`, "g"))].map((w) => w[1]!).find((a) => !approved.has(a));
        return waiting ? { waiting } : undefined;
      }, 240_000);
      if (!("waiting" in next)) break;
      const approval = next.waiting!;
      if (!listed) {
        // A person looks first: the held call is listed while the goal waits.
        const list = await vm.run("approvals", new RegExp(`${approval}\\s+c\\d+\\s+pkg\\.install\\s`), 15_000);
        expect(list).toMatch(/ID\s+CALL\s+TOOL/);
        listed = true;
      }
      // The prompt comes back once the decision is taken, while the call runs.
      await vm.run(`approve ${approval}`, new RegExp(`${approval} approved: [^\n]*\n(?:[^\n]*\n)*?aios> `), 15_000);
      approved.add(approval);
    }
    const m = vm.output.slice(from).match(end)!;
    expect(m[1]).toBe("done");
    const answer = m[2]!;
    console.log(`the answer printed at the console:\n${answer}`);
    expect(answer).toMatch(/^ {2}Installed nginx \S+/m);
    expect(answer).toMatch(/answers: HTTP 200/);
    expect(approved.size).toBeGreaterThan(0);
    expect((await fetch(`http://127.0.0.1:${vm.forwarded[80]}/health`)).status).toBe(200);
    expect((await goalOf(vm, id)).answer).toBe(answer.replace(/^ {2}/gm, "").trimEnd());

    // Not understood: the refusal prints and the prompt is there; ^C always gives the prompt back.
    const refused = await vm.run("goal make me a sandwich", /goal \d+ failed:\n {2}Not done: [^\n]*\n(?:[^\n]*\n)*?aios> /, 30_000);
    expect(refused).toContain("make me a sandwich");
    const beforeInterrupt = vm.output.length;
    vm.type("\x03");
    await vm.waitFor(/\^C\naios> /, 5_000, beforeInterrupt);

    const removal = await approveAll(await submit(vm, "Remove nginx"));
    expect(removal.state).toBe("done");
  });

  test("a denied approval fails the goal and rolls back what ran", async () => {
    const id = await submit(vm, GOAL);
    await until(vm, id, ["awaiting_approval"]);
    // pkg.install is held first: approve it, so there is something to roll back, then deny the config write.
    for (;;) {
      const pending = ((await (await vm.api("/api/v1/approvals")).json()) as any).approvals;
      const held = pending[0];
      if (!held) {
        await Bun.sleep(200);
        continue;
      }
      if (held.tool === "pkg.install") await vm.run(`approve ${held.approvalId}`, PROMPT, 120_000);
      else if (held.tool === "fs.write") {
        await vm.run(`deny ${held.approvalId}`, PROMPT);
        break;
      } else await vm.run(`approve ${held.approvalId}`, PROMPT, 120_000);
    }
    const g = await until(vm, id, FINAL);
    expect(g.state).toBe("failed");
    expect(g.error).toMatch(/denied/);
    expect(g.error).toMatch(/rolled back \d+ calls/);
    expect(g.trace.some((e: any) => e.kind === "rollback")).toBe(true);
    await vm.run("shell", SHELL);
    expect(await vm.run("test -e /usr/sbin/nginx && echo NGINX-STILL-THERE || echo NGINX-GONE", SHELL)).toContain("NGINX-GONE");
    await vm.run("exit", PROMPT);
  });
});
