/**
 * Goals in working memory: a store whose `send` and `transition` follow the
 * goal machine's table (machine.ts, seed 003's lifecycle) and record each
 * move in `goal_transitions`, in one transaction.
 */
import { applyMigrations, type Db, MemoryError, type Statement, TransitionError } from "../../memory";
import { canTransition, GOAL_STATES, type GoalEvent, goalTarget, type GoalState } from "./machine";
import { GOALS_COMPONENT, GOALS_MIGRATIONS } from "./migrations";

export interface Goal {
  id: number;
  title: string;
  description: string;
  /** Who asked: "api", "console", "autonomy", ... */
  source: string;
  state: GoalState;
  /** Higher runs first. */
  priority: number;
  plan: unknown;
  result: unknown;
  error: string | null;
  /** What a person reads once it ended: the figures found, what failed and was rolled back, or what was not understood. */
  answer: string | null;
  createdAt: number;
  updatedAt: number;
  /** When it reached done, failed or cancelled. */
  finishedAt: number | null;
}

export interface GoalInput {
  title: string;
  description?: string;
  source?: string;
  priority?: number;
  plan?: unknown;
}

export interface GoalTransition {
  from: GoalState;
  to: GoalState;
  at: number;
  reason: string | null;
}

export interface TransitionPatch {
  plan?: unknown;
  result?: unknown;
  error?: string | null;
  answer?: string;
  reason?: string;
}

export interface GoalQuery {
  state?: GoalState | readonly GoalState[];
  limit?: number;
  /** Only goals with a smaller id: the page after a cursor. */
  before?: number;
}

interface RawGoal {
  id: number;
  title: string;
  description: string;
  source: string;
  state: GoalState;
  priority: number;
  plan: string | null;
  result: string | null;
  error: string | null;
  answer: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

const json = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));
const parse = (s: string | null): unknown => (s === null ? null : JSON.parse(s));

function toGoal(r: RawGoal): Goal {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    source: r.source,
    state: r.state,
    priority: r.priority,
    plan: parse(r.plan),
    result: parse(r.result),
    error: r.error,
    answer: r.answer,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
  };
}

export class GoalStore {
  private readonly insertStmt: Statement;
  private readonly getStmt: Statement;
  private readonly moveStmt: Statement;
  private readonly historyStmt: Statement;
  private readonly logStmt: Statement;
  private readonly nextStmt: Statement;
  private readonly countStmt: Statement;

  constructor(private readonly db: Db) {
    applyMigrations(db, GOALS_COMPONENT, GOALS_MIGRATIONS);
    this.insertStmt = db.prepare(
      "INSERT INTO goals (title, description, source, priority, plan, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) RETURNING *",
    );
    this.getStmt = db.prepare("SELECT * FROM goals WHERE id = ?");
    this.moveStmt = db.prepare(
      `UPDATE goals SET state = ?3, updated_at = ?4,
         plan = CASE WHEN ?5 THEN ?6 ELSE plan END,
         result = CASE WHEN ?7 THEN ?8 ELSE result END,
         error = CASE WHEN ?9 THEN ?10 ELSE error END,
         answer = CASE WHEN ?11 THEN ?12 ELSE answer END,
         finished_at = CASE WHEN ?3 IN ('done', 'failed', 'cancelled') THEN ?4 ELSE NULL END
       WHERE id = ?1 AND state = ?2 RETURNING *`,
    );
    this.logStmt = db.prepare("INSERT INTO goal_transitions (goal_id, from_state, to_state, at, reason) VALUES (?1, ?2, ?3, ?4, ?5)");
    this.historyStmt = db.prepare("SELECT from_state, to_state, at, reason FROM goal_transitions WHERE goal_id = ? ORDER BY id");
    this.nextStmt = db.prepare("SELECT * FROM goals WHERE state = 'pending' ORDER BY priority DESC, id LIMIT 1");
    this.countStmt = db.prepare("SELECT state, count(*) AS n FROM goals GROUP BY state");
  }

  create(input: GoalInput): Goal {
    const title = input.title.trim();
    if (!title) throw new MemoryError("invalid_argument", "goal: title must not be empty");
    const priority = input.priority ?? 0;
    if (!Number.isInteger(priority)) throw new MemoryError("invalid_argument", `goal ${title}: priority must be an integer`);
    const row = this.insertStmt.get(title, input.description ?? "", input.source ?? "", priority, json(input.plan), Date.now()) as RawGoal;
    return toGoal(row);
  }

  get(id: number): Goal | null {
    const r = this.getStmt.get(id) as RawGoal | null;
    return r ? toGoal(r) : null;
  }

  /** Newest first; a state or list of states narrows it. */
  list(q: GoalQuery = {}): Goal[] {
    const states = q.state === undefined ? null : typeof q.state === "string" ? [q.state] : q.state;
    const limit = Math.max(0, Math.min(q.limit ?? 100, 10_000));
    const before = q.before ?? Number.MAX_SAFE_INTEGER;
    const rows = states
      ? this.db.query("SELECT * FROM goals WHERE state IN (SELECT value FROM json_each(?1)) AND id < ?3 ORDER BY id DESC LIMIT ?2").all(JSON.stringify(states), limit, before)
      : this.db.query("SELECT * FROM goals WHERE id < ?2 ORDER BY id DESC LIMIT ?1").all(limit, before);
    return (rows as RawGoal[]).map(toGoal);
  }

  /** How many goals are in each state, by the planner that planned them (null: not planned yet, or no planner could). */
  countsByPlanner(): Array<{ state: GoalState; planner: string | null; n: number }> {
    return this.db
      .query("SELECT state, json_extract(plan, '$.planner') AS planner, count(*) AS n FROM goals GROUP BY 1, 2")
      .all() as Array<{ state: GoalState; planner: string | null; n: number }>;
  }

  /** The pending goal to start next: highest priority, then oldest. */
  next(): Goal | null {
    const r = this.nextStmt.get() as RawGoal | null;
    return r ? toGoal(r) : null;
  }

  /**
   * Sends an event to a goal's machine: it moves where the table says from
   * the state it is in now, or the event is refused (TransitionError).
   */
  send(id: number, event: GoalEvent, patch: TransitionPatch = {}): Goal {
    return this.db.transaction(() => {
      const current = this.get(id);
      if (!current) throw new MemoryError("not_found", `goal ${id}: no such goal`);
      const to = goalTarget(current.state, event);
      if (!to) throw new TransitionError(`goal ${id}`, current.state, `${event} (an event ${current.state} does not take)`);
      return this.transition(id, to, patch);
    })();
  }

  /**
   * Moves a goal to `to` if the table allows it from its current state,
   * updating plan/result/error when the patch names them, and logs the move.
   */
  transition(id: number, to: GoalState, patch: TransitionPatch = {}): Goal {
    return this.db.transaction(() => {
      const current = this.get(id);
      if (!current) throw new MemoryError("not_found", `goal ${id}: no such goal`);
      if (!canTransition(current.state, to)) throw new TransitionError(`goal ${id}`, current.state, to);
      const now = Date.now();
      const row = this.moveStmt.get(
        id,
        current.state,
        to,
        now,
        "plan" in patch ? 1 : 0,
        json(patch.plan),
        "result" in patch ? 1 : 0,
        json(patch.result),
        "error" in patch ? 1 : 0,
        patch.error ?? null,
        "answer" in patch ? 1 : 0,
        patch.answer ?? null,
      ) as RawGoal | null;
      if (!row) throw new TransitionError(`goal ${id}`, current.state, to);
      this.logStmt.run(id, current.state, to, now, patch.reason ?? null);
      return toGoal(row);
    })();
  }

  /** Changes fields that are not the state (a plan refined while planning, a new priority). */
  update(id: number, fields: { title?: string; description?: string; priority?: number; plan?: unknown }): Goal {
    const current = this.get(id);
    if (!current) throw new MemoryError("not_found", `goal ${id}: no such goal`);
    const row = this.db
      .query("UPDATE goals SET title = ?2, description = ?3, priority = ?4, plan = ?5, updated_at = ?6 WHERE id = ?1 RETURNING *")
      .get(
        id,
        fields.title ?? current.title,
        fields.description ?? current.description,
        fields.priority ?? current.priority,
        "plan" in fields ? json(fields.plan) : json(current.plan),
        Date.now(),
      ) as RawGoal;
    return toGoal(row);
  }

  history(id: number): GoalTransition[] {
    return (this.historyStmt.all(id) as Array<{ from_state: GoalState; to_state: GoalState; at: number; reason: string | null }>).map((r) => ({
      from: r.from_state,
      to: r.to_state,
      at: r.at,
      reason: r.reason,
    }));
  }

  counts(): Record<GoalState, number> {
    const out = Object.fromEntries(GOAL_STATES.map((s) => [s, 0])) as Record<GoalState, number>;
    for (const r of this.countStmt.all() as Array<{ state: GoalState; n: number }>) out[r.state] = r.n;
    return out;
  }

  /** Retention: deletes goals (with their tasks and history) that finished before `before`. */
  deleteFinishedBefore(before: number): number {
    return this.db.query("DELETE FROM goals WHERE state IN ('done', 'failed', 'cancelled') AND finished_at < ?").run(before).changes;
  }
}
