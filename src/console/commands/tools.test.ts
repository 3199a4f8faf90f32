import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { setSink } from "../../sys";
import { openProbeSystem, type ProbeSystem } from "../../tools/probe.testing";
import type { CommandIO, ConsoleDeps } from "../command";
import { splitWords } from "../repl";
import { builtins } from "./index";

const previousSink = setSink(() => {});
afterAll(() => setSink(previousSink));

let s: ProbeSystem;
let route: ((tool: string) => string | undefined) | undefined;
beforeEach(async () => {
  s = await openProbeSystem({ level: "supervised" });
  route = undefined;
});
afterEach(async () => {
  await s.dispose();
});

/**
 * Types a line as on the console: split as the REPL splits, run the command, return what it printed
 * (and, with `later`, what it goes on printing after it returned, until that matches).
 */
async function type(line: string, withTools = true, later?: RegExp): Promise<string> {
  const [name, ...args] = splitWords(line);
  const out: string[] = [];
  const deps = { tools: withTools ? { registry: s.registry, executor: s.executor, ledger: s.ledger, route: (t: string) => route?.(t) } : undefined } as ConsoleDeps;
  const io: CommandIO = { print: (t) => out.push(t), deps, commands: builtins, raw: line.slice(name!.length).trim() };
  const command = builtins.find((c) => c.name === name)!;
  try {
    await command.run(args, io);
  } catch (err) {
    out.push(`${name}: ${(err as Error).message}`);
  }
  for (let i = 0; later && i < 400 && !later.test(out.join("\n")); i++) await Bun.sleep(5);
  return out.join("\n");
}

describe("tools", () => {
  test("a table within 80 columns; tools <name> shows arguments from the schema", async () => {
    const text = await type("tools");
    expect(text.split("\n")[0]).toMatch(/^NAME\s+RISK\s+FLG\s+DESCRIPTION$/);
    expect(text).toMatch(/^probe\.touch\s+medium\s+-iu\s+write a file in the sandbox \(probe\)$/m);
    expect(text).toMatch(/^probe\.peek\s+low\s+ri-\s+/m);
    expect(text.split("\n").every((l) => l.length <= 80)).toBe(true);
    const one = await type("tools probe.touch");
    expect(one).toContain("probe.touch: write a file in the sandbox (probe)");
    expect(one).toContain("risk medium, changes the system, idempotent, undoable, timeout 5000 ms");
    expect(one).toMatch(/^\s+path\s+string\s+required$/m);
    expect(await type("tools nope.nope")).toBe("tools: nope.nope: no such tool");
    expect(await type("tools", false)).toBe("tools: tools are not available (the tools boot step did not run)");
  });
});

describe("call, approvals, approve, deny", () => {
  test("call runs a low-risk tool at once and prints the result", async () => {
    writeFileSync(s.host("/srv/a"), "hello");
    expect(await type('call probe.peek {"path":"/srv/a"} as ops')).toBe('c1 done\n{\n  "content": "hello"\n}');
    expect(await type("call probe.peek path=/srv/a as ops")).toStartWith("c2 done");
    expect(await type('call probe.peek { "path": "/srv/a" } as ops')).toStartWith("c3 done");
    expect(await type('call probe.peek {"path": "/srv/a" as ops')).toStartWith("call: arguments: malformed JSON");
  });

  test("a held call prints its approval; approve runs it; deny stops it for good", async () => {
    expect(await type('call probe.touch {"path":"/srv/n","content":"hi"} as ops')).toBe("queued as approval a1 (call c1): approve a1 or deny a1");
    expect(await type('call probe.touch "path=/srv/m" "content=two words" as ops')).toBe("queued as approval a2 (call c2): approve a2 or deny a2");
    const list = await type("approvals");
    expect(list.split("\n")[0]).toMatch(/^ID\s+CALL\s+TOOL\s+AGENT\s+RISK\s+AGE\s+ARGS$/);
    expect(list).toMatch(/^a1\s+c1\s+probe\.touch\s+ops\s+medium\s+\S+ s\s+\{"path":"\/srv\/n","content":"hi"\}$/m);
    expect(existsSync(s.host("/srv/n"))).toBe(false);
    // The prompt comes back once the decision is taken; the result follows when the call is done.
    expect(await type("approve a1 remember", true, /done/)).toBe("a1 approved: probe.touch runs now (call c1); its result will print here\na1: c1 done (remembered as rule r1): Wrote 2 bytes to /srv/n");
    expect(await type("approve a9")).toBe("approve: a9: no such approval");
    expect(readFileSync(s.host("/srv/n"), "utf8")).toBe("hi");
    expect(await type("deny a2 not now")).toBe("a2 denied; c2 will not run");
    expect(existsSync(s.host("/srv/m"))).toBe(false);
    expect(await type("deny a2")).toBe("deny: a2: already denied");
    expect(await type("approvals")).toBe("no calls wait for approval (autonomy supervised)");
  });

  test("failures print the reason and the call id; bad arguments say how to write them", async () => {
    expect(await type('call probe.touch {"path":"rel","content":"x"} as ops')).toBe('call: probe.touch: args.path: must be an absolute path (got "rel")');
    expect(await type('call probe.touch {"path":"/srv/x","content":"x"} as reader')).toBe("call: agent reader lacks capability probe.touch");
    expect(await type("call probe.fail how=throw as ops")).toBe("call: probe.fail: probe.fail: /dev/probe: EIO (call c1)");
    expect(await type('call probe.peek {"path": as ops')).toStartWith("call: arguments: malformed JSON");
    expect(await type("call probe.peek /srv/a as ops")).toStartWith("call: arguments must be a JSON object");
    expect(await type('call probe.peek {"path":"/srv/a"}')).toBe("call: say which agent calls it: call probe.peek ... as <agent>");
    route = () => "reader";
    expect(await type('call probe.peek {"path":"/srv/a"}')).toStartWith("c2 done");
  });

  test("autonomy shows and sets the level", async () => {
    expect(await type("autonomy")).toBe("autonomy supervised");
    expect(await type("autonomy full")).toBe("autonomy supervised → full");
    expect(await type("autonomy yolo")).toBe('autonomy: must be one of full, supervised, manual (got "yolo")');
    expect(await type('call probe.touch {"path":"/srv/f","content":"x"} as ops')).toStartWith("c1 done");
  });
});

describe("audit and rollback", () => {
  test("audit shows the newest rows within 80 columns; audit verify checks the chain", async () => {
    s.executor.policy.setLevel("full", "test");
    await type('call probe.touch {"path":"/srv/a","content":"x"} as ops');
    const text = await type("audit 5");
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/^SEQ\s+TIME\s+KIND\s+CALL\s+TOOL\s+AGENT\s+DATA$/);
    expect(lines[1]).toMatch(/^1\s+\d\d:\d\d:\d\d\s+autonomy\s+\{"from":"supervised",/);
    expect(lines[2]).toMatch(/^2\s+\d\d:\d\d:\d\d\s+request\s+c1\s+probe\.touch\s+ops\s+\{"args":\{"path":"\/srv\/a",/);
    expect(lines[3]).toMatch(/^3\s+\d\d:\d\d:\d\d\s+result\s+c1\s+probe\.touch\s+ops\s+\{"ok":true,/);
    expect(lines.every((l) => l.length <= 80)).toBe(true);
    expect(await type("audit verify")).toMatch(/^ledger ok: 3 rows, chain intact( \(anchored at row \d\))?$/);
    expect(await type("audit x")).toBe("usage: audit [n | verify | redact <seq> <reason>]");
  });

  test("audit redact replaces a payload (and the call's copy of it); the chain still verifies", async () => {
    s.executor.policy.setLevel("full", "test");
    await type('call probe.touch {"path":"/srv/a","content":"hunter2"} as ops');
    expect(await type("audit redact 2 the content was a password")).toBe("row 2 redacted (recorded as row 4); the chain still verifies");
    expect(JSON.stringify(s.ledger.query())).not.toContain("hunter2");
    expect(JSON.stringify(s.executor.getCall("c1"))).not.toContain("hunter2");
    expect(await type("audit verify")).toMatch(/^ledger ok: 4 rows, chain intact \((anchored at row \d, )?1 redacted\)$/);
    expect(await type("audit redact 2 again")).toBe("audit row 2: already redacted");
    expect(await type("audit redact 2")).toBe("usage: audit redact <seq> <reason> (the row number, then why)");
  });

  test("rollback undoes a call, then says it already is; rollback goal undoes a goal", async () => {
    s.executor.policy.setLevel("full", "test");
    writeFileSync(s.host("/srv/a"), "old");
    await type('call probe.touch {"path":"/srv/a","content":"new"} as ops');
    expect(await type("rollback c1")).toBe("c1 (probe.touch) undone");
    expect(readFileSync(s.host("/srv/a"), "utf8")).toBe("old");
    expect(await type("rollback c1")).toBe("rollback: c1: already undone");
    await s.executor.call({ tool: "probe.touch", args: { path: "/srv/g1", content: "1" }, agent: "ops", correlationId: "goal-1" });
    await s.executor.call({ tool: "probe.peek", args: { path: "/srv/g1" }, agent: "ops", correlationId: "goal-1" });
    expect(await type("rollback goal goal-1")).toBe("goal goal-1: undid c2\n  skipped c3: not reversible");
  });
});
