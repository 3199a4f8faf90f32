import { afterEach, describe, expect, test } from "bun:test";
import { log, setSink, type SystemInfo } from "../sys";
import type { ConsoleDeps, PhaseView } from "./command";
import { builtins } from "./commands";
import { defineCommand } from "./command";
import { PROMPT, Repl, splitWords } from "./repl";
import { FakeInput } from "./testing";

const SYSTEM: SystemInfo = {
  pid: 1,
  hostname: "testhost",
  timezone: "UTC",
  localTime: "Fri Jan 31 2025 12:00:00 GMT+0000 (Coordinated Universal Time)",
  kernel: "6.6.0-aios",
  uptimeMs: 83_000,
  rssBytes: 50 * 1024 * 1024,
  memory: { totalBytes: 2048 * 1024 * 1024, availableBytes: 1500 * 1024 * 1024 },
  boot: { readyMs: 412, phases: [] },
};

const PHASES: PhaseView[] = [
  { name: "early", status: "ok", ms: 3, steps: [{ name: "mount /sys", status: "done", ms: 1, command: "mount -t sysfs sysfs /sys" }] },
  { name: "network", status: "degraded", ms: 40, steps: [{ name: "address", status: "failed", ms: 39, command: "udhcpc -i eth0", error: "udhcpc: exit 1" }] },
  { name: "agents", status: "skipped", ms: 0, reason: "no agents in this build yet", steps: [] },
];

interface Harness {
  input: FakeInput;
  out: string[];
  text(): string;
  repl: Repl;
  power: string[];
  shells: number;
}

const started: Repl[] = [];
afterEach(() => {
  for (const r of started.splice(0)) r.stop();
});

function harness(isTTY: boolean, deps: Partial<ConsoleDeps> = {}, commands = builtins): Harness {
  const input = new FakeInput(isTTY);
  const out: string[] = [];
  const h: Harness = {
    input,
    out,
    text: () => out.join(""),
    power: [],
    shells: 0,
    repl: undefined as unknown as Repl,
  };
  h.repl = new Repl({
    input,
    output: { write: (t: string) => out.push(t) },
    commands,
    deps: {
      system: () => SYSTEM,
      phases: () => PHASES,
      shell: async () => {
        h.shells++;
        return 0;
      },
      power: (a) => h.power.push(a),
      ...deps,
    },
  });
  return h;
}

function start(h: Harness): Harness {
  h.repl.start();
  started.push(h.repl);
  return h;
}

/** Waits (bounded) until the output satisfies `cond`; commands run on a promise queue. */
async function until(h: Harness, cond: (text: string) => boolean): Promise<string> {
  for (let i = 0; i < 200 && !cond(h.text()); i++) await Bun.sleep(5);
  return h.text();
}

/** Types a line on a pipe REPL and returns what it printed before the next prompt. */
async function command(h: Harness, line: string): Promise<string> {
  const before = h.text().length;
  const prompts = h.text().split(PROMPT).length;
  h.input.type(`${line}\n`);
  const text = await until(h, (t) => t.split(PROMPT).length > prompts);
  return text.slice(before, text.lastIndexOf(PROMPT));
}

describe("Repl on a pipe (not a TTY)", () => {
  test("start shows the prompt, does not touch raw mode, resumes input", () => {
    const h = start(harness(false));
    expect(h.text()).toBe(PROMPT);
    expect(PROMPT).toBe("aios> ");
    expect(h.input.raw).toEqual([]);
    expect(h.input.resumed).toBe(1);
    expect(h.input.listenerCount("data")).toBe(1);
  });

  test("start twice attaches once", () => {
    const h = start(harness(false));
    h.repl.start();
    expect(h.input.listenerCount("data")).toBe(1);
    expect(h.text()).toBe(PROMPT);
  });

  test("help lists every builtin with its summary", async () => {
    const h = start(harness(false));
    const out = await command(h, "help");
    const rows = out.trimEnd().split("\n");
    expect(rows).toHaveLength(builtins.length);
    builtins.forEach((c, i) => {
      expect(rows[i]!.startsWith(c.usage ?? c.name)).toBe(true);
      expect(rows[i]!.endsWith(c.summary)).toBe(true);
    });
    expect(builtins.map((c) => c.name)).toEqual(["help", "status", "boot", "goal", "goals", "trace", "cancel", "agents", "tools", "call", "approvals", "approve", "deny", "autonomy", "audit", "rollback", "remember", "recall", "memory", "update", "shell", "poweroff", "reboot"]);
  });

  test("help <command> and help <unknown>", async () => {
    const h = start(harness(false));
    expect(await command(h, "help boot")).toBe("boot [-v]\n  boot phases and steps with their status, time and shell equivalent\n");
    expect(await command(h, "help nope")).toBe('help: no command "nope"; type help for the list\n');
  });

  test("an unknown command prints one line with a hint", async () => {
    const h = start(harness(false));
    expect(await command(h, "nosuch arg")).toBe("nosuch: unknown command; type help for the list\n");
  });

  test("no echo of typed text on a pipe; an empty line just shows the prompt again", async () => {
    const h = start(harness(false));
    h.input.type("\n");
    await until(h, (t) => t === PROMPT + PROMPT);
    expect(h.text()).toBe(PROMPT + PROMPT);
  });

  test("boot prints a row per phase and step from the injected deps", async () => {
    const h = start(harness(false));
    const rows = (await command(h, "boot")).trimEnd().split("\n").map((r) => r.split(/\s{2,}/));
    expect(rows).toEqual([
      ["PHASE", "STATUS", "MS", "DETAIL"],
      ["early", "ok", "3"],
      ["", "mount /sys", "done", "1"],
      ["network", "degraded", "40"],
      ["", "address", "failed", "39", "udhcpc: exit 1"],
      ["agents", "skipped", "0", "no agents in this build yet"],
    ]);
  });

  test("boot -v shows the shell command of each step", async () => {
    const h = start(harness(false));
    const out = await command(h, "boot -v");
    expect(out.split("\n")[0]).toMatch(/^PHASE\s+STATUS\s+MS\s+COMMAND$/);
    expect(out).toContain("mount -t sysfs sysfs /sys");
    expect(out).toContain("udhcpc -i eth0");
  });

  test("status prints the injected system facts", async () => {
    const h = start(harness(false));
    const out = await command(h, "status");
    expect(out).toBe(
      ["hostname  testhost", "time      Fri Jan 31 2025 12:00:00 GMT+0000 (UTC)", "pid       1", "kernel    6.6.0-aios", "uptime    1 min 23 s", "memory    1500 MiB available of 2048 MiB", "ready     in 412 ms", ""].join("\n"),
    );
  });

  test("poweroff and reboot ask deps.power", async () => {
    const h = start(harness(false));
    await command(h, "poweroff");
    await command(h, "reboot");
    expect(h.power).toEqual(["poweroff", "reboot"]);
  });

  test("shell runs deps.shell and reports its exit", async () => {
    const h = start(harness(false, { shell: async () => 7 }));
    expect(await command(h, "shell")).toBe("shell exited (7); back in the aiOS REPL\n");
  });

  test("a command that throws prints one line and the REPL goes on", async () => {
    const h = start(harness(false, { system: () => { throw new Error("no /proc"); } }));
    expect(await command(h, "status")).toBe("status: no /proc\n");
    expect(await command(h, "nosuch")).toBe("nosuch: unknown command; type help for the list\n");
  });

  test("commands run one at a time, in order", async () => {
    const order: string[] = [];
    const slow = defineCommand({ name: "slow", summary: "", run: async (_a, io) => { await Bun.sleep(20); order.push("slow"); io.print("slow done"); } });
    const fast = defineCommand({ name: "fast", summary: "", run: (_a, io) => { order.push("fast"); io.print("fast done"); } });
    const h = start(harness(false, {}, [slow, fast]));
    h.input.type("slow\nfast\n");
    await until(h, (t) => t.includes("fast done"));
    expect(order).toEqual(["slow", "fast"]);
    expect(h.text()).toBe(`${PROMPT}slow done\n${PROMPT}fast done\n${PROMPT}`);
  });

  test("arguments are split with quotes", async () => {
    let seen: string[] = [];
    const echo = defineCommand({ name: "echo", summary: "", run: (args) => { seen = args; } });
    const h = start(harness(false, {}, [echo]));
    await command(h, 'echo a "b c" d');
    expect(seen).toEqual(["a", "b c", "d"]);
  });

  test("log lines print as plain lines while started; the old sink comes back on stop", () => {
    const outside: string[] = [];
    const previous = setSink((l) => outside.push(l));
    try {
      const h = harness(false);
      h.repl.start();
      log.info("hello from the log");
      expect(h.text()).toBe(`${PROMPT}aios: hello from the log\n`);
      h.repl.stop();
      log.info("after stop");
      expect(outside).toEqual(["aios: after stop"]);
      expect(h.input.listenerCount("data")).toBe(0);
      expect(h.input.paused).toBe(1);
    } finally {
      setSink(previous);
    }
  });
});

describe("Repl on a TTY", () => {
  test("raw mode is set on start and released on stop", () => {
    const h = harness(true);
    h.repl.start();
    expect(h.input.raw).toEqual([true]);
    h.repl.stop();
    expect(h.input.raw).toEqual([true, false]);
  });

  test("typed characters are echoed and Enter runs the line", async () => {
    const h = start(harness(true));
    h.input.type("nosuch\r");
    await until(h, (t) => t.endsWith(`type help for the list\n${PROMPT}`));
    expect(h.text()).toBe(`${PROMPT}nosuch\nnosuch: unknown command; type help for the list\n${PROMPT}`);
  });

  test("backspace erases on screen, ^C shows a fresh prompt", () => {
    const h = start(harness(true));
    h.input.type("ab\x7f");
    h.input.type("\x03");
    expect(h.text()).toBe(`${PROMPT}ab\b \b^C\n${PROMPT}`);
  });

  test("^U and history recall redraw the line", async () => {
    const h = start(harness(true));
    h.input.type("help x\r");
    await until(h, (t) => t.endsWith(PROMPT) && t.includes("no command"));
    h.out.length = 0;
    h.input.type("\x1b[A");
    expect(h.text()).toBe(`\r\x1b[K${PROMPT}help x`);
    h.input.type("\x15");
    expect(h.text()).toBe(`\r\x1b[K${PROMPT}help x\r\x1b[K${PROMPT}`);
  });

  test("a log line is printed above the prompt and what was typed is redrawn", () => {
    const h = start(harness(true));
    h.input.type("sta");
    h.out.length = 0;
    log.info("network up");
    expect(h.text()).toBe(`\r\x1b[Kaios: network up\n${PROMPT}sta`);
  });

  test("a log line while a command runs is printed plainly", async () => {
    let release!: () => void;
    const wait = defineCommand({ name: "wait", summary: "", run: () => new Promise<void>((r) => (release = r)) });
    const h = start(harness(true, {}, [wait]));
    h.input.type("wait\r");
    await until(h, () => release !== undefined);
    h.out.length = 0;
    log.warn("disk slow");
    expect(h.text()).toBe("aios: warn: disk slow\n");
    release();
    await until(h, (t) => t.endsWith(PROMPT));
  });

  test("^C while a command runs gives the prompt back at once; the command is told and the next line runs", async () => {
    let seen: AbortSignal | undefined;
    let release!: () => void;
    const hang = defineCommand({ name: "hang", summary: "", run: async (_a, io) => {
      seen = io.signal;
      await new Promise<void>((r) => (release = r));
      io.print("hang finally done");
    } });
    const echo = defineCommand({ name: "echo", summary: "", run: (args, io) => io.print(args.join(" ")) });
    const h = start(harness(true, {}, [hang, echo]));
    h.input.type("hang\r");
    await until(h, () => release !== undefined);
    h.input.type("\x03");
    expect(seen?.aborted).toBe(true);
    expect(h.text()).toEndWith(`hang\n^C\n${PROMPT}`);
    h.input.type("echo still here\r");
    await until(h, (t) => t.endsWith(`still here\n${PROMPT}`));
    expect(h.text()).toEndWith(`echo still here\nstill here\n${PROMPT}`);
    // What the left command prints later goes above the prompt, and what is being typed is redrawn.
    h.input.type("ech");
    release();
    await until(h, (t) => t.includes("hang finally done"));
    expect(h.text()).toEndWith(`\r\x1b[Khang finally done\n${PROMPT}ech`);
  });

  test("^C with nothing running shows a fresh prompt, and again", () => {
    const h = start(harness(true));
    h.input.type("\x03\x03");
    expect(h.text()).toBe(`${PROMPT}^C\n${PROMPT}^C\n${PROMPT}`);
  });

  test("lend() releases raw mode and input for the borrower and takes them back after", async () => {
    const h = start(harness(true));
    expect(h.input.raw).toEqual([true]);
    let during: { raw: boolean[]; listeners: number; paused: number } | undefined;
    const result = await h.repl.lend(async () => {
      during = { raw: [...h.input.raw], listeners: h.input.listenerCount("data"), paused: h.input.paused };
      return 42;
    });
    expect(result).toBe(42);
    expect(during).toEqual({ raw: [true, false], listeners: 0, paused: 1 });
    expect(h.input.raw).toEqual([true, false, true]);
    expect(h.input.listenerCount("data")).toBe(1);
    expect(h.input.resumed).toBe(2);
  });

  test("lend() takes the console back even when the borrower throws", async () => {
    const h = start(harness(true));
    await expect(h.repl.lend(async () => { throw new Error("sh: not found"); })).rejects.toThrow("sh: not found");
    expect(h.input.raw).toEqual([true, false, true]);
    expect(h.input.listenerCount("data")).toBe(1);
  });

  test("keys typed while the console is lent are not read by the REPL", async () => {
    const h = start(harness(true));
    await h.repl.lend(async () => {
      h.input.type("poweroff\r");
    });
    await Bun.sleep(5);
    expect(h.power).toEqual([]);
  });
});

describe("splitWords", () => {
  test("plain words and whitespace", () => {
    expect(splitWords("  boot   -v \t x ")).toEqual(["boot", "-v", "x"]);
    expect(splitWords("")).toEqual([]);
  });
  test("double quotes group words, escaped quotes stay", () => {
    expect(splitWords('echo "a b" c')).toEqual(["echo", "a b", "c"]);
    expect(splitWords('say "he said \\"hi\\""')).toEqual(["say", 'he said "hi"']);
    expect(splitWords('x ""')).toEqual(["x", ""]);
  });
});
