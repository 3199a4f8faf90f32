/**
 * schedule a job: "run 'free disk space' every day at 3am", "schedule `sync`
 * every 5 minutes", "check port 80 every minute", "every monday at 9 run
 * 'show disk usage' as job weekly-disk". Single or double quotes (or no
 * quotes) hold a goal, planned again each time it runs; backquotes hold a
 * command, run with process.spawn. A goal the catalogue cannot plan is
 * refused now rather than failing at 3am.
 */
import { cronProblem } from "../../../../tools/schedule/cron";
import { slug } from "../extract";
import { defineIntent, IntentRefusal, refuse } from "../intent";
import type { GoalValue } from "../values";
import { call, task } from "./common";

export type ScheduleArgs = { name: string; cron: string; words: string } & ({ goal: string } | { argv: string[] });

const SHELL_CHARS = /[|&;<>()$`\\*?~{}[\]"'!#=]/;

/** A command line as argv: split on spaces, or through sh -c when it uses shell syntax. */
export function commandArgv(cmd: string): string[] {
  const c = cmd.trim();
  return SHELL_CHARS.test(c) ? ["/bin/sh", "-c", c] : c.split(/\s+/);
}

const RUN = "[schedule|run|do|execute|perform|repeat|please run|(set up|create|add|make) [a|the] [cron|scheduled|recurring|periodic] (job|task) [that|which|to] [runs|run|does|do|will run]] [job|a job|the job] [to]";
/** A service action said as a noun: "nginx restart", "a restart of the worker" (scheduled as the goal "restart nginx"). */
const VERB = "(restart <verb=restart>|reload <verb=restart>|restarting <verb=restart>|start <verb=start>|stop <verb=stop>|shutdown <verb=stop>)";
const NOMINAL = `({svc:service} [@service|server] ${VERB}|${VERB} (of|for) {svc:service} [@service|server])`;
const PLAN = "(schedule|plan|set up|arrange|add|create|book|put in|do|run|perform)";

/** The schedule intent: a goal the catalogue reads (planned again each time it runs), or a command in backquotes. */
export function scheduleJob() {
  return defineIntent<ScheduleArgs>({
    name: "schedule-job",
    summary: "schedule a job",
    // Every schedule parseSchedule reads has one of these words (or a quoted cron expression after "cron").
    requires: ["every", "each", "daily", "hourly", "weekly", "monthly", "nightly", "minutely", "weekday", "weekdays", "weekend", "weekends", "once", "cron", "schedule", "fortnightly", "biweekly", "bi-weekly"],
    examples: ["run 'free disk space' every day at 3am", "schedule `sync` every 5 minutes", "check port 80 every minute", "every monday at 9am run 'show disk usage' as job weekly-disk", "run `logrotate /etc/logrotate.conf` with cron '0 4 * * *'"],
    forms: [
      `${RUN} {goal:goal} {when:schedule}`,
      `${RUN} {cmd:command} {when:schedule}`,
      "{when:schedule} [,] (run|do|execute|perform|schedule) {goal:goal}",
      "{when:schedule} [,] (run|execute) {cmd:command}",
      "{when:schedule} [,] {goal:goal}",
      `${PLAN} [a|an|the] [scheduled|recurring|regular|periodic|automatic] ${NOMINAL} {when:schedule}`,
      `${PLAN} [a|an|the] {when:schedule} ${NOMINAL}`,
      `{when:schedule} [,] ${PLAN} [a|an|the] ${NOMINAL}`,
    ],
    qualifiers: ["(as|named|called) [job|a job|the job] {name:name}", "as job {name:name}"],
    build(c) {
      const when = c.get<{ cron: string; words: string; problem?: string }>("when")!;
      if (when.problem) return refuse(when.problem);
      const bad = cronProblem(when.cron);
      if (bad) return refuse(`"${when.cron}" is not a cron expression: ${bad}`);
      const name = c.get<string>("name");
      const cmd = c.get<string>("cmd");
      if (cmd !== undefined) {
        if (!cmd.trim()) return refuse("the command in backquotes is empty");
        return { name: name ?? slug(cmd), cron: when.cron, words: when.words, argv: commandArgv(cmd) };
      }
      const svc = c.get<string>("svc");
      if (svc !== undefined) {
        const goal = `${c.get<string>("verb")!} ${svc}`;
        return { name: name ?? slug(goal), cron: when.cron, words: when.words, goal };
      }
      const g = c.get<GoalValue>("goal")!;
      // A goal the catalogue cannot plan would be refused each time it comes due: refuse it now.
      if (g.problem) return refuse(`the goal to schedule, "${g.text}", does not read: ${g.problem}`);
      return { name: name ?? slug(g.text), cron: when.cron, words: when.words, goal: g.text };
    },
    describe: (a) => `${a.name}: ${"goal" in a ? `goal "${a.goal}"` : `command ${JSON.stringify(a.argv)}`}, ${a.words}${a.words.startsWith("cron ") ? "" : ` (cron ${a.cron})`}`,
    async plan(a, ctx) {
      // Planned now, probes included: a goal that would be refused each time it comes due is refused today.
      if ("goal" in a) {
        const why = await ctx.trial(a.goal);
        if (why !== null) throw new IntentRefusal(`the goal to schedule, "${a.goal}", would not plan: ${why}`);
      }
      const args = "goal" in a ? { name: a.name, cron: a.cron, goal: a.goal } : { name: a.name, cron: a.cron, tool: "process.spawn", args: { argv: a.argv }, agent: "task" };
      return [task("schedule", `Schedule ${a.name} ${a.words}`, "task", [call("schedule.add", args, `cron ${a.cron}; the autonomy loop runs it when due`)])];
    },
  });
}

export const listJobs = defineIntent<Record<string, never>>({
  name: "list-jobs",
  summary: "list the scheduled jobs",
  examples: ["list scheduled jobs", "what jobs are scheduled?", "show the cron jobs"],
  forms: [
    "@show [all] [the] [scheduled|cron|periodic|recurring|repeating|timed] (jobs|tasks|schedules|cron jobs|crontab|schedule|timers|cronjobs)",
    "@what (jobs|tasks|things|goals|commands) (are|is) (scheduled|planned|set up|on a schedule|running on a schedule)",
    "@what (is|runs|will run) (scheduled|on a schedule|periodically|regularly|automatically|every day|at night)",
    "(is|are) (there|anything) [any] (jobs|tasks|anything) scheduled",
    "crontab -l",
  ],
  build: () => ({}),
  describe: () => "scheduled jobs",
  async plan() {
    return [task("list-jobs", "List the scheduled jobs", "task", [call("schedule.list", {})])];
  },
});

export const removeJob = defineIntent<{ name: string }>({
  name: "remove-job",
  summary: "remove a scheduled job",
  examples: ["remove the job weekly-disk", "unschedule backup", "cancel the cron job named cleanup"],
  forms: [
    "(remove|delete|cancel|unschedule|drop|stop|disable|kill) [the] [scheduled|cron|recurring|periodic] (job|task|cron job|cronjob|schedule) [named|called] {name:name}",
    "unschedule [job|the job] {name:name}",
    "(remove|delete|cancel|drop|stop) [the] {name:name} (job|cron job|cronjob|schedule|scheduled job)",
  ],
  build: (c) => ({ name: c.get<string>("name")! }),
  describe: (a) => a.name,
  async plan(a) {
    return [task("remove-job", `Remove the job ${a.name}`, "task", [call("schedule.remove", { name: a.name }, "undo puts it back, run history included")])];
  },
});
