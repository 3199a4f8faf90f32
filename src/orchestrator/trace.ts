/**
 * The decision logger's store: each goal's trace, from submission through
 * planning, routing, tasks and tool calls (by audit call id) to the outcome.
 * It lives in working.db beside the goals it explains, written through working
 * memory's second connection (`fast`, synchronous=NORMAL: see memory/working.ts).
 */
import { applyMigrations, type Db, type Migration, type Statement } from "../memory";
import trace from "./migrations/001_trace.sql" with { type: "text" };

const TRACE_MIGRATIONS: readonly Migration[] = [{ version: 1, name: "trace", sql: trace }];

export interface TraceEvent {
  id: number;
  goalId: number;
  ts: number;
  kind: string;
  message: string;
  data: unknown;
}

interface RawEvent {
  id: number;
  goal_id: number;
  ts: number;
  kind: string;
  message: string;
  data: string | null;
}

const toEvent = (r: RawEvent): TraceEvent => ({ id: r.id, goalId: r.goal_id, ts: r.ts, kind: r.kind, message: r.message, data: r.data === null ? null : JSON.parse(r.data) });

export class TraceStore {
  private readonly insertStmt: Statement;
  private readonly forGoalStmt: Statement;

  constructor(db: Db) {
    applyMigrations(db, "trace", TRACE_MIGRATIONS);
    this.insertStmt = db.prepare("INSERT INTO goal_trace (goal_id, ts, kind, message, data) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING *");
    this.forGoalStmt = db.prepare("SELECT * FROM goal_trace WHERE goal_id = ?1 AND id > ?2 ORDER BY id");
  }

  append(goalId: number, kind: string, message: string, data?: unknown): TraceEvent {
    const json = data === undefined ? null : JSON.stringify(data);
    return toEvent(this.insertStmt.get(goalId, Date.now(), kind, message, json) as RawEvent);
  }

  /** A goal's events in order; `after` skips those already seen (an event id). */
  forGoal(goalId: number, after = 0): TraceEvent[] {
    return (this.forGoalStmt.all(goalId, after) as RawEvent[]).map(toEvent);
  }
}
