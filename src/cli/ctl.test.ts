/**
 * `aios-init ctl` against a dev-mode aiOS over real loopback HTTP: every
 * verb, its --json, and the exit codes scripts branch on. Most runs call
 * ctl() in this process (same code, faster); a few go through
 * `bun src/main.ts ctl` to check the dispatch and the exit status.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join, resolve } from "node:path";
import { DevSystem } from "../../test/harness/dev";
import { freePort } from "../../test/harness/vm";
import { ctl } from "./ctl";
import { EXIT } from "./errors";

const ROOT = resolve(import.meta.dir, "../..");
let dev: DevSystem;
let env: Record<string, string>;

interface Run {
  code: number;
  out: string;
  err: string;
}

async function run(args: string[], opts: { env?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await ctl(args, { io: { out: (t) => out.push(t), err: (t) => err.push(t) }, env: { ...env, ...opts.env }, home: "/nonexistent", signal: opts.signal });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const json = async (args: string[]) => {
  const r = await run([...args, "--json"]);
  expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: "" });
  return JSON.parse(r.out);
};

beforeAll(async () => {
  dev = await DevSystem.start({ token: "ctl-test" });
  env = { AIOS_URL: dev.url, AIOS_TOKEN: "ctl-test" };
}, 90_000);
afterAll(async () => {
  await dev?.stop();
});

describe("reaching aiOS", () => {
  test("status: the system in a few lines; --json gives the data", async () => {
    const r = await run(["status"]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toMatch(new RegExp(`^aiOS.* at ${dev.url}: ready in \\d+ ms, up `));
    expect(r.out).toMatch(/^ {2}boot +early skipped, hardware ok \d+ ms/m); // the key column widens when an "event loop" row is there
    expect(r.out).toMatch(/^ {2}agents +8 of 8 running/m);
    const j = await json(["status"]);
    expect(j.system.boot.phases.length).toBeGreaterThan(5);
    expect(j.agents).toHaveLength(8);
  });

  test("--url and --token win over the environment; a wrong token is 4, no aiOS is 3, a bad command line is 2", async () => {
    expect((await run(["status", "--url", "http://127.0.0.1:1", "--url", dev.url])).code).toBe(EXIT.ok);
    const denied = await run(["status", "--token", "wrong"]);
    expect(denied.code).toBe(EXIT.denied);
    expect(denied.err).toContain("the token from --token was refused");
    const none = await run(["status"], { env: { AIOS_TOKEN: "" } });
    expect(none.code).toBe(EXIT.denied);
    expect(none.err).toContain("no token given");
    const away = await run(["status", "--url", `http://127.0.0.1:${freePort()}`]);
    expect(away.code).toBe(EXIT.unreachable);
    expect(away.err).toContain("cannot reach aiOS at http://127.0.0.1:");
    expect((await run(["frobnicate"])).err).toContain("frobnicate: unknown verb (status, goal");
    expect((await run(["goals", "--verify"])).code).toBe(EXIT.usage);
    expect((await run(["goals", "--verify"])).err).toContain("--verify: not an option of goals");
    expect((await run(["goals", "--limit", "x"])).err).toContain("--limit: must be an integer");
    expect((await run(["status", "--bogus"])).code).toBe(EXIT.usage);
    const help = await run(["--help"]);
    expect(help.code).toBe(EXIT.ok);
    expect(help.out).toContain("exit status:");
    expect((await run([])).code).toBe(EXIT.usage);
  });
});

describe("goals", () => {
  test("goal --wait follows it live and exits 0 with its answer; goals and trace show it", async () => {
    const r = await run(["goal", "show", "disk", "usage", "--wait"]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.err).toMatch(/goal \d+ submitted; following it/);
    expect(r.err).toMatch(/goal \d+: heuristic planned 1 tasks/);
    expect(r.out).toMatch(/^goal \d+ done:\n {2}\S/);
    const id = Number(/goal (\d+) done/.exec(r.out)![1]);
    const list = await run(["goals"]);
    expect(list.out).toMatch(new RegExp(`^${id} +done +api .* show disk usage$`, "m"));
    const trace = await run(["trace", String(id)]);
    expect(trace.out).toContain(`goal ${id} (done): show disk usage`);
    expect(trace.out).toMatch(/\[plan\] heuristic planned 1 tasks/);
    expect(trace.out).toContain("answer:");
    expect((await json(["goals", "--limit", "1"])).goals[0].id).toBe(id);
    expect((await json(["trace", String(id)])).trace.length).toBeGreaterThan(5);
  }, 60_000);

  test("a goal aiOS does not understand fails (exit 1) and says what it did not understand", async () => {
    const r = await run(["goal", "frobnicate the quantum wibble", "--wait"]);
    expect(r.code).toBe(EXIT.failed);
    expect(r.out).toMatch(/goal \d+ failed:\n.*did not understand/);
  }, 60_000);

  test("a goal waiting for approval: --wait says how to approve; approving it ends the goal", async () => {
    const path = join(dev.state, "ctl-goal.txt").replace(dev.state, "/tmp");
    const waiting = run(["goal", `write 'hello' to ${path}`, "--wait"]);
    let approval: string | undefined;
    for (let i = 0; i < 100 && !approval; i++) {
      await Bun.sleep(100);
      approval = (await json(["approvals"])).approvals.find((a: { tool: string }) => a.tool === "fs.write")?.approvalId;
    }
    expect(approval).toMatch(/^a\d+$/);
    const ok = await run(["approve", approval!]);
    expect(ok.code).toBe(EXIT.ok);
    expect(ok.out).toContain(`${approval} approved: c`);
    const r = await waiting;
    expect(r.err).toContain(`aios-init ctl approve ${approval}`);
    expect({ code: r.code, out: r.out }).toMatchObject({ code: EXIT.ok, out: expect.stringMatching(/goal \d+ done:\n.*Wrote/) });
  }, 60_000);

  test("goal without --wait prints the id; an empty goal is a usage error", async () => {
    const r = await run(["goal", "show memory usage"]);
    expect(r.out).toMatch(/^goal \d+ submitted \(pending\): aios-init ctl trace \d+/);
    expect((await json(["goal", "show memory usage"])).id).toBeGreaterThan(0);
    expect((await run(["goal"])).code).toBe(EXIT.usage);
    expect((await run(["trace", "x"])).code).toBe(EXIT.usage);
    expect((await run(["trace", "99999"])).code).toBe(EXIT.notFound);
  }, 30_000);
});

describe("tools, calls, approvals", () => {
  test("tools lists them; tools NAME shows its arguments; --names for scripts", async () => {
    const r = await run(["tools"]);
    expect(r.out).toMatch(/^fs\.write +medium +reversible,idempotent +Write a whole file/m);
    expect((await run(["tools", "fs.write"])).out).toContain("  createParents  boolean      default false");
    expect((await run(["tools", "--names"])).out.split("\n")).toContain("monitor.cpu");
    expect((await json(["tools"])).some((t: { name: string }) => t.name === "fs.stat")).toBe(true);
    expect((await run(["tools", "no.such"])).code).toBe(EXIT.notFound);
  });

  test("call: typed arguments, the tool's summary; a held call exits 7 with its approval", async () => {
    const stat = await run(["call", "fs.stat", "path=/tmp"]);
    expect({ code: stat.code, out: stat.out }).toEqual({ code: EXIT.ok, out: expect.stringMatching(/^c\d+ done: \/tmp is a dir/) });
    expect((await json(["call", "monitor.cpu", "sampleMs=50"])).result.cpuCount).toBeGreaterThan(0);
    const held = await run(["call", "fs.write", "path=/tmp/ctl-held.txt", "content=hi", "createParents=true"]);
    expect(held.code).toBe(EXIT.held);
    expect(held.out).toMatch(/^c\d+ held for approval (a\d+) \(medium risk\): aios-init ctl approve a\d+, or deny a\d+$/);
    const id = /approval (a\d+)/.exec(held.out)![1]!;
    expect((await run(["approvals"])).out).toMatch(new RegExp(`^${id} +c\\d+ +fs\\.write +system +medium`, "m"));
    const denied = await run(["deny", id, "--reason", "not today"]);
    expect(denied).toMatchObject({ code: EXIT.ok, out: `${id} denied` });
    expect((await run(["deny", id])).code).toBe(EXIT.failed); // already decided: 409
    expect((await run(["approve", "x1"])).code).toBe(EXIT.usage);
    expect((await run(["approve", "a99999"])).code).toBe(EXIT.notFound);
  });

  test("call: bad arguments are named before any request; an unknown tool is 5; a tool's own failure is 1", async () => {
    const bad = await run(["call", "monitor.cpu", "sampleMs=soon"]);
    expect(bad).toMatchObject({ code: EXIT.usage, err: 'aios-init ctl: monitor.cpu: sampleMs: must be an integer (got "soon")' });
    expect((await run(["call", "fs.stat"])).err).toContain("fs.stat: path: required");
    expect((await run(["call", "no.such"])).code).toBe(EXIT.notFound);
    const failed = await run(["call", "fs.read", "path=/tmp/no-such-file-here"]);
    expect(failed.code).toBe(EXIT.failed);
    expect(failed.err).toContain("/tmp/no-such-file-here");
  });

  test("rollback undoes a call; twice is refused", async () => {
    const made = await run(["call", "fs.mkdir", "path=/tmp/ctl-rollback-dir"]);
    expect(made.code).toBe(EXIT.ok);
    const callId = /^(c\d+) done/.exec(made.out)![1]!;
    expect(await run(["rollback", callId])).toMatchObject({ code: EXIT.ok, out: expect.stringContaining(`${callId} rolled back`) });
    expect((await run(["rollback", callId])).code).toBe(EXIT.failed);
    expect((await run(["rollback"])).code).toBe(EXIT.usage);
  });
});

describe("audit, logs, models, completion, power", () => {
  test("audit lists rows newest first; --verify checks the chain", async () => {
    const r = await run(["audit", "--limit", "5"]);
    expect(r.out.split("\n")[0]).toMatch(/^SEQ +TIME +KIND +TOOL +AGENT +CALL +WHAT$/);
    // Five rows under the header, then (where the API pages with cursors) the command for the next page.
    const lines = r.out.split("\n");
    const more = /^more: aios-init ctl audit --cursor (\S+)$/.exec(lines.at(-1)!);
    expect(lines).toHaveLength(more ? 7 : 6);
    if (more) {
      const seq = (line: string) => Number(line.split(/\s+/)[0]);
      const next = (await run(["audit", "--limit", "5", "--cursor", more[1]!])).out.split("\n");
      expect(seq(next[1]!)).toBeLessThan(seq(lines[5]!));
    }
    expect((await json(["audit", "--tool", "fs.stat"])).rows.every((x: { tool: string }) => x.tool === "fs.stat")).toBe(true);
    expect(await run(["audit", "--verify"])).toMatchObject({ code: EXIT.ok, out: expect.stringMatching(/^audit chain verified: \d+ rows/) });
    expect((await json(["audit", "--verify"])).ok).toBe(true);
    expect((await run(["audit", "--node", "n1"])).err).toContain("add --nats URL");
  });

  test("logs prints aiOS's log; -f keeps printing until interrupted", async () => {
    const r = await run(["logs", "--lines", "3"]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out.split("\n")).toHaveLength(3);
    expect(r.out).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z (info|warn|error|debug) /);
    const ac = new AbortController();
    const following = run(["logs", "-f", "--lines", "1"], { signal: ac.signal });
    await Bun.sleep(300);
    const held = await run(["call", "fs.write", "path=/tmp/ctl-logs-marker", "content=x"]); // logged: it waits for approval
    const id = /approval (a\d+)/.exec(held.out)![1]!;
    await Bun.sleep(2600);
    ac.abort();
    const f = await following;
    expect(f.code).toBe(EXIT.ok);
    expect(f.out).toContain(`waits for approval ${id}`);
    expect(f.out.split(`waits for approval ${id}`)).toHaveLength(2); // printed once
  }, 20_000);

  test("models; completion bash; every read verb speaks --json", async () => {
    expect((await run(["models"])).code).toBe(EXIT.ok);
    expect(Array.isArray(await json(["models"]))).toBe(true);
    const c = await run(["completion", "bash"]);
    expect(c.out).toContain("complete -F _aios_init aios-init");
    expect((await run(["completion", "zsh"])).code).toBe(EXIT.usage);
    expect((await run(["__complete", "tools"])).out.split("\n")).toContain("fs.write");
    expect((await run(["__complete", "args", "fs.write"])).out.split("\n")).toContain("content=");
    for (const verb of [["status"], ["goals"], ["approvals"], ["tools"], ["audit"], ["models"], ["logs", "--lines", "2"]]) expect(await json(verb)).toBeTruthy();
  });

  test("through the binary's entry: aios-init ctl (exit status from the outcome), completion in a real bash", async () => {
    const main = join(ROOT, "src/main.ts");
    const spawn = (args: string[]) => Bun.spawnSync([process.execPath, main, "ctl", ...args], { env: { ...process.env, ...env, HOME: "/nonexistent" } });
    const s = spawn(["status"]);
    expect(s.exitCode).toBe(0);
    expect(s.stdout.toString()).toContain("ready in");
    const g = spawn(["goal", "--wait", "frobnicate the wibble"]);
    expect(g.exitCode).toBe(EXIT.failed);
    const script = spawn(["completion", "bash"]).stdout.toString();
    const words = (line: string) => {
      const probe = `${script}\nCOMP_WORDS=(${line}); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _aios_init aios-init; printf '%s\\n' "\${COMPREPLY[@]}"`;
      return Bun.spawnSync(["bash", "-c", probe], { env: { PATH: process.env.PATH!, AIOS_URL: dev.url, AIOS_TOKEN: "ctl-test" } }).stdout.toString().split("\n").filter(Boolean);
    };
    expect(words("aios-init ctl app")).toEqual(["approvals", "approve"]);
    expect(words("aios-init ctl power ''")).toEqual(["poweroff", "reboot"]);
    expect(words("aios-init ctl audit --v")).toEqual(["--verify"]);
    expect(words("aios-init ctl update st")).toEqual(["status"]);
    expect(words(`aios-init ctl update ${join(ROOT, "src/cli/verbs/upd")}`)).toEqual([join(ROOT, "src/cli/verbs/update.ts")]);
  }, 60_000);

  test("update status: dev mode runs from no slot and has installed no update", async () => {
    const r = await run(["update", "status"]);
    expect(r).toMatchObject({ code: EXIT.ok, err: "", out: expect.stringContaining("no updates yet") });
  });

  test("power poweroff: accepted, and the system goes down (last: it ends this dev system)", async () => {
    expect((await run(["power", "halt"])).code).toBe(EXIT.usage);
    const r = await run(["power", "poweroff"]);
    expect(r).toMatchObject({ code: EXIT.ok, out: expect.stringContaining("poweroff accepted") });
    let down = false;
    for (let i = 0; i < 100 && !down; i++) {
      await Bun.sleep(100);
      down = (await run(["status"])).code === EXIT.unreachable;
    }
    expect(down).toBe(true);
  }, 30_000);
});
