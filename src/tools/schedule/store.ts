/**
 * Scheduled jobs in the working database (component "schedules"): a cron
 * expression and either a goal or one tool call. The schedule.* tools write
 * them (the cron expression is checked there, with croner); the autonomy
 * loop runs the due ones and records how each run went.
 */
import { type Db, type Migration, NamedStore, type NamedTable, openDatabase } from "../../memory";
import schedulesSql from "./migrations/001_schedules.sql" with { type: "text" };
import ownerSql from "./migrations/002_owner.sql" with { type: "text" };

export interface ScheduleSpec {
  name: string;
  cron: string;
  /** Exactly one of goal and tool. */
  goal: string | null;
  tool: string | null;
  args: Record<string, unknown> | null;
  agent: string | null;
  /**
   * The agent that added the job: every run acts on its behalf, so with at
   * most its rights (issue 11). Null for jobs stored before owners were kept.
   */
  owner?: string | null;
  /** The principal the owner acted for when it added the job (audit only). */
  onBehalfOf?: string | null;
}

/** How the last run went. */
export interface JobRun {
  lastRunAt: number | null;
  lastStatus: string | null;
  lastDetail: string | null;
}

export interface ScheduledJob extends ScheduleSpec, JobRun {
  createdAt: number;
  updatedAt: number;
}

const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "schedules", sql: schedulesSql },
  { version: 2, name: "owner", sql: ownerSql },
];

export const SCHEDULES: NamedTable<ScheduleSpec, ScheduledJob, JobRun> = {
  table: "schedules",
  migrations: MIGRATIONS,
  specColumns: ["cron", "goal", "tool", "args", "agent", "owner", "on_behalf_of"],
  historyColumns: ["last_run_at", "last_status", "last_detail"],
  specRow: (s) => ({ cron: s.cron, goal: s.goal, tool: s.tool, args: s.args === null ? null : JSON.stringify(s.args), agent: s.agent, owner: s.owner ?? null, on_behalf_of: s.onBehalfOf ?? null }),
  historyRow: (h) => ({ last_run_at: h.lastRunAt, last_status: h.lastStatus, last_detail: h.lastDetail }),
  historyOf: (j) => ({ lastRunAt: j.lastRunAt, lastStatus: j.lastStatus, lastDetail: j.lastDetail }),
  entry: (r) => ({
    name: r.name as string,
    cron: r.cron as string,
    goal: r.goal as string | null,
    tool: r.tool as string | null,
    args: r.args === null ? null : (JSON.parse(r.args as string) as Record<string, unknown>),
    agent: r.agent as string | null,
    owner: r.owner as string | null,
    onBehalfOf: r.on_behalf_of as string | null,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
    lastRunAt: r.last_run_at as number | null,
    lastStatus: r.last_status as string | null,
    lastDetail: r.last_detail as string | null,
  }),
  // A changed job keeps its run history: the loop's "last run" still says when it last ran.
  specClearsHistory: false,
};

export class ScheduleStore extends NamedStore<ScheduleSpec, ScheduledJob, JobRun> {
  /** Its own connection to the working database (the tool host's). */
  static open(path: string): ScheduleStore {
    return new ScheduleStore(openDatabase(path), true);
  }

  constructor(db: Db, owned = false) {
    super(SCHEDULES, db, owned);
  }

  /** What the autonomy loop did with a due job; false when the job is gone. */
  recordRun(name: string, status: string, detail: string | null, at = Date.now()): boolean {
    return this.record(name, { lastRunAt: at, lastStatus: status, lastDetail: detail });
  }
}
