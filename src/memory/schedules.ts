/**
 * Scheduled jobs in the working database (component "schedules"): a cron
 * expression and either a goal or one tool call. The schedule.* tools write
 * them (the cron expression is checked there, with croner); the autonomy
 * loop runs the due ones and records how each run went.
 */
import type { Statement } from "bun:sqlite";
import { applyMigrations, type Db, openDatabase } from "./db";
import { SCHEDULES_MIGRATIONS } from "./migrations/schedules";

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

export interface ScheduledJob extends ScheduleSpec {
  createdAt: number;
  updatedAt: number;
  lastRunAt: number | null;
  lastStatus: string | null;
  lastDetail: string | null;
}

interface Raw {
  name: string;
  cron: string;
  goal: string | null;
  tool: string | null;
  args: string | null;
  agent: string | null;
  owner: string | null;
  on_behalf_of: string | null;
  created_at: number;
  updated_at: number;
  last_run_at: number | null;
  last_status: string | null;
  last_detail: string | null;
}

function toJob(r: Raw): ScheduledJob {
  return {
    name: r.name,
    cron: r.cron,
    goal: r.goal,
    tool: r.tool,
    args: r.args === null ? null : (JSON.parse(r.args) as Record<string, unknown>),
    agent: r.agent,
    owner: r.owner,
    onBehalfOf: r.on_behalf_of,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastRunAt: r.last_run_at,
    lastStatus: r.last_status,
    lastDetail: r.last_detail,
  };
}

export class ScheduleStore {
  private readonly upsert: Statement;
  private readonly put: Statement;
  private readonly del: Statement;
  private readonly one: Statement;
  private readonly all: Statement;
  private readonly run: Statement;

  /** Its own connection to the working database (the tool host's). */
  static open(path: string): ScheduleStore {
    return new ScheduleStore(openDatabase(path), true);
  }

  constructor(
    private readonly db: Db,
    private readonly owned = false,
  ) {
    applyMigrations(db, "schedules", SCHEDULES_MIGRATIONS);
    this.upsert = db.prepare(
      `INSERT INTO schedules (name, cron, goal, tool, args, agent, created_at, updated_at, owner, on_behalf_of) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9)
       ON CONFLICT (name) DO UPDATE SET cron = ?2, goal = ?3, tool = ?4, args = ?5, agent = ?6, updated_at = ?7, owner = ?8, on_behalf_of = ?9`,
    );
    this.put = db.prepare(
      `INSERT OR REPLACE INTO schedules (name, cron, goal, tool, args, agent, created_at, updated_at, last_run_at, last_status, last_detail, owner, on_behalf_of)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)`,
    );
    this.del = db.prepare("DELETE FROM schedules WHERE name = ?");
    this.one = db.prepare("SELECT * FROM schedules WHERE name = ?");
    this.all = db.prepare("SELECT * FROM schedules ORDER BY name");
    this.run = db.prepare("UPDATE schedules SET last_run_at = ?2, last_status = ?3, last_detail = ?4 WHERE name = ?1");
  }

  get(name: string): ScheduledJob | null {
    const r = this.one.get(name) as Raw | null;
    return r ? toJob(r) : null;
  }

  list(): ScheduledJob[] {
    return (this.all.all() as Raw[]).map(toJob);
  }

  /** Adds a job or replaces one's spec (its run history stays); returns it as stored. */
  set(spec: ScheduleSpec, now = Date.now()): ScheduledJob {
    this.upsert.run(spec.name, spec.cron, spec.goal, spec.tool, spec.args === null ? null : JSON.stringify(spec.args), spec.agent, now, spec.owner ?? null, spec.onBehalfOf ?? null);
    return this.get(spec.name)!;
  }

  /** Puts back a job exactly as it was (undo), run history included. */
  restore(j: ScheduledJob): void {
    this.put.run(j.name, j.cron, j.goal, j.tool, j.args === null ? null : JSON.stringify(j.args), j.agent, j.createdAt, j.updatedAt, j.lastRunAt, j.lastStatus, j.lastDetail, j.owner ?? null, j.onBehalfOf ?? null);
  }

  remove(name: string): boolean {
    return this.del.run(name).changes > 0;
  }

  /** What the autonomy loop did with a due job; false when the job is gone. */
  recordRun(name: string, status: string, detail: string | null, at = Date.now()): boolean {
    return this.run.run(name, at, status, detail).changes > 0;
  }

  /** Closes the database if this store opened it. */
  close(): void {
    if (this.owned) this.db.close();
  }
}
