/**
 * Tasks in working memory: the steps of a goal, each for one agent, with the
 * tasks it waits for and the tool calls it made. Like goals, states move only
 * along a table.
 */
import { applyMigrations, type Db, MemoryError, type Statement, TransitionError } from "../../memory";
import { GOALS_COMPONENT, GOALS_MIGRATIONS } from "./migrations";

export const TASK_STATES = ["pending", "running", "done", "failed", "cancelled", "skipped"] as const;
export type TaskState = (typeof TASK_STATES)[number];

/** `failed → pending` is a retry (attempts counts the runs). */
export const TASK_TRANSITIONS: Readonly<Record<TaskState, readonly TaskState[]>> = {
  pending: ["running", "skipped", "cancelled"],
  running: ["done", "failed", "cancelled"],
  done: [],
  failed: ["pending", "cancelled"],
  cancelled: [],
  skipped: [],
};

/** States a dependent task may proceed after. */
const SATISFIED: readonly TaskState[] = ["done", "skipped"];

export interface Task {
  id: number;
  goalId: number;
  position: number;
  title: string;
  agent: string;
  state: TaskState;
  input: unknown;
  /** Whatever the executor records per call (ids into the calls table, or summaries). */
  toolCalls: unknown[];
  result: unknown;
  error: string | null;
  attempts: number;
  dependsOn: number[];
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface TaskInput {
  goalId: number;
  title: string;
  agent?: string;
  input?: unknown;
  position?: number;
  dependsOn?: number[];
}

interface RawTask {
  id: number;
  goal_id: number;
  position: number;
  title: string;
  agent: string;
  state: TaskState;
  input: string | null;
  tool_calls: string;
  result: string | null;
  error: string | null;
  attempts: number;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
}

const json = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));
const parse = (s: string | null): unknown => (s === null ? null : JSON.parse(s));

export class TaskStore {
  private readonly insertStmt: Statement;
  private readonly depStmt: Statement;
  private readonly getStmt: Statement;
  private readonly depsOfStmt: Statement;
  private readonly moveStmt: Statement;
  private readonly callStmt: Statement;
  private readonly forGoalStmt: Statement;
  private readonly runnableStmt: Statement;

  /** Tasks reference goals: one migration chain makes both, applied by whichever store opens first. */
  constructor(private readonly db: Db) {
    applyMigrations(db, GOALS_COMPONENT, GOALS_MIGRATIONS);
    this.insertStmt = db.prepare(
      "INSERT INTO tasks (goal_id, position, title, agent, input, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) RETURNING *",
    );
    this.depStmt = db.prepare("INSERT INTO task_deps (task_id, depends_on) VALUES (?1, ?2)");
    this.getStmt = db.prepare("SELECT * FROM tasks WHERE id = ?");
    this.depsOfStmt = db.prepare("SELECT depends_on FROM task_deps WHERE task_id = ? ORDER BY depends_on");
    this.moveStmt = db.prepare(
      `UPDATE tasks SET state = ?3, updated_at = ?4,
         result = CASE WHEN ?5 THEN ?6 ELSE result END,
         error = CASE WHEN ?7 THEN ?8 ELSE error END,
         attempts = attempts + (?3 = 'running'),
         started_at = CASE WHEN ?3 = 'running' THEN ?4 ELSE started_at END,
         finished_at = CASE WHEN ?3 IN ('done', 'failed', 'cancelled', 'skipped') THEN ?4 ELSE NULL END
       WHERE id = ?1 AND state = ?2 RETURNING *`,
    );
    this.callStmt = db.prepare("UPDATE tasks SET tool_calls = json_insert(tool_calls, '$[#]', json(?2)), updated_at = ?3 WHERE id = ?1 RETURNING *");
    this.forGoalStmt = db.prepare("SELECT * FROM tasks WHERE goal_id = ? ORDER BY position, id");
    // Pending tasks of a goal none of whose dependencies is unfinished.
    this.runnableStmt = db.prepare(
      `SELECT t.* FROM tasks t WHERE t.goal_id = ?1 AND t.state = 'pending' AND NOT EXISTS (
         SELECT 1 FROM task_deps d JOIN tasks u ON u.id = d.depends_on
         WHERE d.task_id = t.id AND u.state NOT IN (${SATISFIED.map((s) => `'${s}'`).join(", ")}))
       ORDER BY t.position, t.id`,
    );
  }

  private toTask(r: RawTask): Task {
    return {
      id: r.id,
      goalId: r.goal_id,
      position: r.position,
      title: r.title,
      agent: r.agent,
      state: r.state,
      input: parse(r.input),
      toolCalls: JSON.parse(r.tool_calls) as unknown[],
      result: parse(r.result),
      error: r.error,
      attempts: r.attempts,
      dependsOn: (this.depsOfStmt.all(r.id) as Array<{ depends_on: number }>).map((d) => d.depends_on),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
    };
  }

  /** Adds a task; its dependencies must be tasks of the same goal. */
  create(input: TaskInput): Task {
    const title = input.title.trim();
    if (!title) throw new MemoryError("invalid_argument", `goal ${input.goalId}: a task title must not be empty`);
    return this.db.transaction(() => {
      const goal = this.db.query("SELECT id FROM goals WHERE id = ?").get(input.goalId);
      if (!goal) throw new MemoryError("not_found", `goal ${input.goalId}: no such goal`);
      const row = this.insertStmt.get(input.goalId, input.position ?? 0, title, input.agent ?? "", json(input.input), Date.now()) as RawTask;
      for (const dep of new Set(input.dependsOn ?? [])) {
        const d = this.getStmt.get(dep) as RawTask | null;
        if (!d || d.goal_id !== input.goalId) throw new MemoryError("invalid_argument", `task ${title}: dependency ${dep} is not a task of goal ${input.goalId}`);
        this.depStmt.run(row.id, dep);
      }
      return this.toTask(row);
    })();
  }

  get(id: number): Task | null {
    const r = this.getStmt.get(id) as RawTask | null;
    return r ? this.toTask(r) : null;
  }

  forGoal(goalId: number): Task[] {
    return (this.forGoalStmt.all(goalId) as RawTask[]).map((r) => this.toTask(r));
  }

  /** Pending tasks of a goal whose dependencies are all done or skipped, in plan order. */
  runnable(goalId: number): Task[] {
    return (this.runnableStmt.all(goalId) as RawTask[]).map((r) => this.toTask(r));
  }

  transition(id: number, to: TaskState, patch: { result?: unknown; error?: string | null } = {}): Task {
    return this.db.transaction(() => {
      const current = this.getStmt.get(id) as RawTask | null;
      if (!current) throw new MemoryError("not_found", `task ${id}: no such task`);
      if (!TASK_TRANSITIONS[current.state].includes(to)) throw new TransitionError(`task ${id}`, current.state, to);
      const row = this.moveStmt.get(
        id,
        current.state,
        to,
        Date.now(),
        "result" in patch ? 1 : 0,
        json(patch.result),
        "error" in patch ? 1 : 0,
        patch.error ?? null,
      ) as RawTask | null;
      if (!row) throw new TransitionError(`task ${id}`, current.state, to);
      return this.toTask(row);
    })();
  }

  /** Appends one tool-call record to the task. */
  recordToolCall(id: number, call: unknown): Task {
    const row = this.callStmt.get(id, JSON.stringify(call ?? null), Date.now()) as RawTask | null;
    if (!row) throw new MemoryError("not_found", `task ${id}: no such task`);
    return this.toTask(row);
  }

  count(): number {
    return (this.db.query("SELECT count(*) AS n FROM tasks").get() as { n: number }).n;
  }
}
