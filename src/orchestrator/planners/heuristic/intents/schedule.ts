/**
 * schedule a job: "run 'free disk space' every day at 3am", "schedule `sync`
 * every 5 minutes", "check port 80 every minute", "every monday at 9 run
 * 'show disk usage' as job weekly-disk". Single or double quotes (or no
 * quotes) hold a goal, planned again each time it runs; backquotes hold a
 * command, run with process.spawn. A goal the catalogue cannot plan is
 * refused now rather than failing at 3am.
 */
import { cronProblem } from "../../../../tools/schedule/cron";
import { splitClauses } from "../clauses";
import { parseSchedule, slug } from "../extract";
import { clauseOf, defineIntent, type Intent, isRefusal, refuse } from "../intent";
import { call, task } from "./common";

export type ScheduleArgs = { name: string; cron: string; words: string } & ({ goal: string } | { argv: string[] });

const LEAD = /^(?:please\s+)?(?:schedule|run|do|execute|perform|repeat)(?:\s+|$)(?:a\s+job\s+(?:to\s+)?|the\s+job\s+)?/i;
const NAMED = /\s*\b(?:as|named|called)\s+(?:a\s+|the\s+)?(?:job\s+)?["'`]?([a-z0-9][a-z0-9_.-]{0,63})["'`]?(?=\s|$)/i;
const SHELL_CHARS = /[|&;<>()$`\\*?~{}[\]"'!#=]/;

/** A command line as argv: split on spaces, or through sh -c when it uses shell syntax. */
export function commandArgv(cmd: string): string[] {
  const c = cmd.trim();
  return SHELL_CHARS.test(c) ? ["/bin/sh", "-c", c] : c.split(/\s+/);
}

/** The schedule intent checks scheduled goals against the rest of the catalogue, given lazily (it is part of it). */
export function scheduleJob(catalogue: () => readonly Intent[]) {
  return defineIntent<ScheduleArgs>({
    name: "schedule-job",
    summary: "schedule a job",
    examples: ["run 'free disk space' every day at 3am", "schedule `sync` every 5 minutes", "check port 80 every minute", "every monday at 9am run 'show disk usage' as job weekly-disk", "run `logrotate /etc/logrotate.conf` with cron '0 4 * * *'"],
    match(clause, ctx) {
      const when = parseSchedule(clause.text);
      if (!when) return null;
      const bad = cronProblem(when.cron);
      if (bad) return refuse(`"${when.cron}" is not a cron expression: ${bad}`);
      // What is left once the schedule words are taken out is what to run.
      let rest = clause.text;
      for (const [s, e] of [...when.spans].sort((x, y) => y[0] - x[0])) rest = rest.slice(0, s) + " " + rest.slice(e);
      let name: string | undefined;
      const named = NAMED.exec(rest);
      if (named) {
        name = named[1]!.toLowerCase();
        rest = rest.slice(0, named.index) + rest.slice(named.index + named[0].length);
      }
      rest = rest.replace(/\s+/g, " ").trim().replace(LEAD, "").replace(/^(?:at|on|and|,)\s+/i, "").replace(/[\s,.;]+$/, "").trim();
      const quoted = clauseOf(rest).quoted;
      const cmd = quoted.find((q) => q.quote === "`");
      if (cmd) {
        if (!cmd.text.trim()) return refuse("the command in backquotes is empty");
        return { name: name ?? slug(cmd.text), cron: when.cron, words: when.words, argv: commandArgv(cmd.text) };
      }
      const goal = quoted.length === 1 && quoted[0]!.start === 0 && quoted[0]!.end === rest.length ? quoted[0]!.text.trim() : rest;
      if (!goal) return refuse(`say what to run ${when.words} (a goal in quotes, or a command in backquotes)`);
      // A goal the catalogue cannot plan would be refused each time it comes due: refuse it now.
      for (const part of splitClauses(goal)) {
        const c = clauseOf(part);
        const hit = catalogue().filter((i) => i.name !== "schedule-job").map((i) => i.match(c, ctx)).find((r) => r !== null);
        if (!hit) return refuse(`the goal to schedule, "${goal}", matches no intent in the catalogue ("${part}")`);
        if (isRefusal(hit)) return refuse(`the goal to schedule, "${goal}": ${hit.refuse}`);
      }
      return { name: name ?? slug(goal), cron: when.cron, words: when.words, goal };
    },
    describe: (a) => `${a.name}: ${"goal" in a ? `goal "${a.goal}"` : `command ${JSON.stringify(a.argv)}`}, ${a.words}${a.words.startsWith("cron ") ? "" : ` (cron ${a.cron})`}`,
    async plan(a) {
      const args = "goal" in a ? { name: a.name, cron: a.cron, goal: a.goal } : { name: a.name, cron: a.cron, tool: "process.spawn", args: { argv: a.argv }, agent: "task" };
      return [task("schedule", `Schedule ${a.name} ${a.words}`, "task", [call("schedule.add", args, `cron ${a.cron}; the autonomy loop runs it when due`)])];
    },
  });
}
