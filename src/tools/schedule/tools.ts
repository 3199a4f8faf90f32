/**
 * The schedule.* tools: jobs the autonomy loop runs when their cron
 * expression comes due, each either a goal (planned and run like one a
 * person sent) or one tool call. Stored in the working database
 * (ToolHost.schedules); add and remove are undone exactly.
 */
import * as v from "valibot";
import type { ScheduledJob, ScheduleStore } from "./store";
import { clip } from "../summary";
import { formatClock } from "../units";
import { lacking } from "../authority";
import { defineTool, type ToolContext } from "../define";
import { ToolError, ToolInputError } from "../errors";
import "../sec/host";
import { cronProblem, nextRuns } from "./cron";

declare module "../define" {
  interface ToolHost {
    /** Scheduled jobs (src/memory/schedules.ts), in the working database. */
    schedules: ScheduleStore;
  }
}

/** Why a schedule tool failed: `schedule.remove backup: no such job`. */
export class ScheduleError extends ToolError {
  constructor(code: string, tool: string, name: string, reason: string) {
    super(code, `${tool} ${name}: ${reason}`);
  }
}

function store(ctx: ToolContext, tool: string): ScheduleStore {
  const s = ctx.host.schedules;
  if (!s) throw new ScheduleError("unavailable", tool, "schedules", "no schedule store on this host");
  return s;
}

const NEXT_RUNS = 3;

export const jobName = v.pipe(v.string("must be a string"), v.regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, "must be 1-64 of a-z 0-9 _ . - starting with a letter or digit"));

const jobOutput = v.object({
  name: v.string(),
  cron: v.string(),
  goal: v.nullable(v.string()),
  tool: v.nullable(v.string()),
  args: v.nullable(v.record(v.string(), v.unknown())),
  agent: v.nullable(v.string()),
  /** The agent that added it: each run acts on its behalf (with at most its rights). */
  owner: v.optional(v.nullable(v.string())),
  onBehalfOf: v.optional(v.nullable(v.string())),
  createdAt: v.number(),
  updatedAt: v.number(),
  lastRunAt: v.nullable(v.number()),
  lastStatus: v.nullable(v.string()),
  lastDetail: v.nullable(v.string()),
  nextRuns: v.array(v.string()),
});

const withNext = (j: ScheduledJob) => ({ ...j, nextRuns: nextRuns(j.cron, NEXT_RUNS) });

/** "backup (0 3 * * *: goal \"free disk space\"; next 2025-02-01 03:00 UTC; last run ok)". */
function describeJob(j: v.InferOutput<typeof jobOutput>): string {
  const what = j.goal !== null ? `goal ${JSON.stringify(clip(j.goal, 60))}` : `${j.tool}${j.args && Object.keys(j.args).length ? ` ${clip(JSON.stringify(j.args), 60)}` : ""}`;
  const next = j.nextRuns[0] ? `; next ${formatClock(j.nextRuns[0])}` : "";
  const last = j.lastRunAt === null ? "" : `; last run ${formatClock(j.lastRunAt)}: ${j.lastStatus ?? "?"}`;
  return `${j.name} (${j.cron}: ${what}${next}${last})`;
}

interface ScheduleUndo {
  name: string;
  before: ScheduledJob | null;
}

function putBack(s: ScheduleStore, rec: ScheduleUndo): void {
  if (rec.before) s.restore(rec.before);
  else s.remove(rec.name);
}

/**
 * A job acts with at most the rights of the agent that adds it (issue 11:
 * the task agent, refused fs.write, scheduled fs.write as system). Checked
 * here, when the job is added, and by the executor at every run, where the
 * run acts on the owner's behalf.
 */
function checkAuthority(ctx: ToolContext, name: string, tool: string, agent: string | undefined): void {
  const { capabilities, registry } = ctx.host;
  if (!capabilities || !registry) throw new ScheduleError("unavailable", "schedule.add", name, "no capabilities on this host to check the job against");
  if (!registry.has(tool)) throw new ToolInputError("schedule.add", "args.tool", `no such tool (got ${JSON.stringify(tool)})`);
  const who = lacking(capabilities, tool, ctx.agent, ctx.onBehalfOf) ?? (agent !== undefined && !capabilities.allows(agent, tool) ? agent : undefined);
  if (who !== undefined) {
    throw new ScheduleError("forbidden", "schedule.add", name, `agent ${who} lacks capability ${tool}; a job acts with at most the rights of the agent that adds it (${ctx.agent})`);
  }
}

export const scheduleAdd = defineTool({
  name: "schedule.add",
  description:
    "Adds a job the autonomy loop runs on a cron schedule (5 fields, e.g. \"0 3 * * *\" daily at 03:00, \"*/5 * * * *\" every 5 minutes; @hourly, @daily... too), or changes the job of that name. " +
    "Exactly one of goal (text planned and run like a goal a person sent) and tool (one tool call, with args). Returns the next run times. Each run acts on behalf of the agent that adds the job, with at most its rights. Undo puts back the job as it was.",
  input: v.pipe(
    v.strictObject({
      name: jobName,
      cron: v.pipe(
        v.string("must be a string"),
        v.minLength(1, "must not be empty"),
        v.maxLength(200, "must be at most 200 characters"),
        v.rawCheck(({ dataset, addIssue }) => {
          if (!dataset.typed) return;
          const why = cronProblem(dataset.value);
          if (why) addIssue({ message: `not a cron expression: ${why}` });
        }),
      ),
      goal: v.optional(v.pipe(v.string("must be a string"), v.minLength(1, "must not be empty"), v.maxLength(2000, "must be at most 2000 characters"))),
      tool: v.optional(v.pipe(v.string("must be a string"), v.regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/, "must be a tool name such as fs.write"))),
      args: v.optional(v.record(v.string(), v.unknown(), "must be an object of arguments")),
      agent: v.optional(v.pipe(v.string("must be a string"), v.regex(/^[a-z][a-z0-9_-]*$/, "must be an agent name"))),
    }),
    v.forward(
      v.check((a) => (a.goal === undefined) !== (a.tool === undefined), "give exactly one of goal and tool"),
      ["goal"],
    ),
    v.forward(
      v.check((a) => a.args === undefined || a.tool !== undefined, "args go with tool"),
      ["args"],
    ),
  ),
  output: v.object({ job: jobOutput, replaced: v.boolean() }),
  risk: "medium",
  readOnly: false,
  idempotent: true,
  reversible: true,
  timeoutMs: 5_000,
  execute(args, ctx) {
    const s = store(ctx, "schedule.add");
    if (args.tool !== undefined) checkAuthority(ctx, args.name, args.tool, args.agent);
    const before = s.get(args.name);
    ctx.saveUndo({ name: args.name, before } satisfies ScheduleUndo);
    const job = s.set({
      name: args.name,
      cron: args.cron,
      goal: args.goal ?? null,
      tool: args.tool ?? null,
      args: args.tool === undefined ? null : (args.args ?? {}),
      agent: args.agent ?? null,
      owner: ctx.agent,
      onBehalfOf: ctx.onBehalfOf ?? null,
    });
    return { job: withNext(job), replaced: before !== null };
  },
  undo(rec: ScheduleUndo, ctx) {
    putBack(store(ctx, "schedule.add"), rec);
  },
  summarize: (o) => `${o.replaced ? "Changed" : "Scheduled"} job ${describeJob(o.job)}`,
});

export const scheduleRemove = defineTool({
  name: "schedule.remove",
  description: "Removes a scheduled job. Undo puts it back as it was, run history included.",
  input: v.strictObject({ name: jobName }),
  output: v.object({ removed: jobOutput }),
  risk: "low",
  readOnly: false,
  idempotent: false,
  reversible: true,
  timeoutMs: 5_000,
  execute(args, ctx) {
    const s = store(ctx, "schedule.remove");
    const before = s.get(args.name);
    if (!before) throw new ScheduleError("not_found", "schedule.remove", args.name, "no such job");
    ctx.saveUndo({ name: args.name, before } satisfies ScheduleUndo);
    s.remove(args.name);
    return { removed: withNext(before) };
  },
  undo(rec: ScheduleUndo, ctx) {
    putBack(store(ctx, "schedule.remove"), rec);
  },
  summarize: (o) => `Removed job ${describeJob(o.removed)}`,
});

export const scheduleList = defineTool({
  name: "schedule.list",
  description: "The scheduled jobs: cron expression, goal or tool call, the next run times and how the last run went.",
  input: v.strictObject({}),
  output: v.object({ jobs: v.array(jobOutput) }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 5_000,
  execute(_args, ctx) {
    return { jobs: store(ctx, "schedule.list").list().map(withNext) };
  },
  summarize: (o) => (o.jobs.length ? [`${o.jobs.length} scheduled ${o.jobs.length === 1 ? "job" : "jobs"}:`, ...o.jobs.map((j) => `  ${describeJob(j)}`)].join("\n") : "No job is scheduled"),
});
