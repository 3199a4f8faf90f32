/**
 * Goals at the console, typed on a fake terminal into the real REPL over a
 * real engine (memory, executor, agents in a sandbox): `goal` gives the
 * prompt back at once, a refusal and an answer print above the prompt, and
 * the supervised walkthrough — goal, approvals, approve — never blocks.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { fixedPlanner, worldPerTest } from "../../orchestrator/testing";
import type { Plan } from "../../orchestrator/plan";
import { setSink } from "../../sys";
import { PROMPT, Repl } from "../repl";
import { FakeInput, screen } from "../testing";
import { builtins } from "./index";

setSink(() => {});

const world = worldPerTest();
const repls: Repl[] = [];
afterEach(() => {
  for (const r of repls.splice(0)) r.stop();
});

const PAGE: Plan = {
  summary: "publish a page",
  tasks: [{ id: "page", title: "write the page", dependsOn: [], calls: [{ tool: "fs.write", args: { path: "/srv/index.html", content: "<h1>hi</h1>\n", createParents: true } }] }],
};

async function console_(level: "full" | "supervised") {
  const w = await world({ planners: [fixedPlanner("heuristic", (goal) => (goal.includes("page") ? PAGE : `no intent in the catalogue matches "${goal}"`))], level });
  const input = new FakeInput(true);
  let written = "";
  const repl = new Repl({
    input,
    output: { write: (t: string) => (written += t) },
    commands: builtins,
    deps: {
      system: () => ({}) as never,
      phases: () => [],
      shell: async () => 0,
      power: () => {},
      goals: () => w.engine,
      tools: { registry: w.tools.registry, executor: w.tools.executor, ledger: w.tools.ledger },
    },
  });
  repl.start();
  repls.push(repl);
  const t = {
    w,
    input,
    text: () => written,
    lines: () => screen(written),
    /** Waits (bounded) until the screen's text matches. */
    async until(re: RegExp, ms = 5_000): Promise<void> {
      const end = Date.now() + ms;
      while (!re.test(written)) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${re}; screen:\n${screen(written).join("\n")}`);
        await Bun.sleep(5);
      }
    },
  };
  return t;
}

describe("goal at the console never blocks", () => {
  test("the prompt comes back at once; the answer prints above it when the goal ends", async () => {
    const c = await console_("full");
    c.input.type("goal publish the page\r");
    // The prompt is back right after the submission line, before the goal has done anything.
    await c.until(/goal 1 submitted; .*\n/);
    expect(c.text()).toContain("goal 1 submitted; its progress and answer will print here ('cancel 1' stops it)\naios> ");
    await c.until(/goal 1 done:/);
    // Progress went above the prompt: each line cleared the prompt, printed, and drew it again.
    expect(c.text()).toContain(`${PROMPT}\r\x1b[Kgoal 1: heuristic planned 1 tasks: publish a page\n${PROMPT}`);
    await c.until(new RegExp(`goal 1 done:\\n  Wrote 12 B to /srv/index.html \\(a new file\\)\\n${PROMPT}$`));
    expect(readFileSync(c.w.host("/srv/index.html"), "utf8")).toBe("<h1>hi</h1>\n");
    c.input.type("trace 1\r");
    await c.until(/\[outcome\] done: publish a page\n(?:.*\n)*?answer:\n {2}Wrote 12 B to \/srv\/index\.html \(a new file\)\n/);
    expect(c.lines().at(-1)).toBe(PROMPT);
  });

  test("an unplannable goal prints its refusal and the prompt is there", async () => {
    const c = await console_("full");
    c.input.type("goal make coffee\r");
    await c.until(/goal 1 failed:\n {2}Not done: no intent in the catalogue matches "make coffee"\n/);
    expect(c.lines().at(-1)).toBe(PROMPT);
    c.input.type("goals\r");
    await c.until(/ID\s+STATE\s+SOURCE\s+GOAL\n1\s+failed\s+console\s+make coffee\n/);
  });

  test("supervised: goal, approvals, approve <id> typed while it waits, then the answer", async () => {
    const c = await console_("supervised");
    c.input.type("goal publish the page\r");
    await c.until(/goal 1: task page: fs\.write \(c\d+\) by \w+ waits for approval (a\d+): type 'approve a\d+' or 'deny a\d+'/);
    const approval = /waits for approval (a\d+)/.exec(c.text())![1]!;
    expect(c.w.engine.get(1)!.state).toBe("awaiting_approval");
    expect(c.lines().at(-1)).toBe(PROMPT);

    c.input.type("approvals\r");
    await c.until(new RegExp(`${approval}\\s+c\\d+\\s+fs\\.write\\s+\\w+\\s+medium`));
    c.input.type(`approve ${approval}\r`);
    await c.until(new RegExp(`${approval} approved: fs\\.write runs now`));
    await c.until(/goal 1 done:\n {2}Wrote 12 B to \/srv\/index\.html \(a new file\)\n/);
    expect(c.lines().at(-1)).toBe(PROMPT);
    expect(c.w.engine.get(1)!.answer).toBe("Wrote 12 B to /srv/index.html (a new file)");
  });

  test("what is being typed survives progress printed above the prompt", async () => {
    const c = await console_("supervised");
    c.input.type("goal publish the page\r");
    await c.until(/goal 1 submitted/);
    c.input.type("appr");
    await c.until(/waits for approval a\d+/);
    expect(c.lines().at(-1)).toBe(`${PROMPT}appr`);
    c.input.type("ovals\r");
    await c.until(/fs\.write\s+\w+\s+medium/);
  });

  test("deny typed while a goal waits fails it with its answer; ^C then gives a fresh prompt", async () => {
    const c = await console_("supervised");
    c.input.type("goal publish the page\r");
    await c.until(/waits for approval (a\d+)/);
    const approval = /waits for approval (a\d+)/.exec(c.text())![1]!;
    c.input.type(`deny ${approval} not today\r`);
    await c.until(/goal 1 failed:\n {2}Failed: task page: fs\.write: .*denied/);
    expect(c.lines().at(-1)).toBe(PROMPT);
    c.input.type("\x03");
    expect(c.text()).toEndWith(`^C\n${PROMPT}`);
  });
});
