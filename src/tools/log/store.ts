/**
 * Log rotation's table in the working database (component "logs"): the
 * policies log.set_policy keeps (durable: the working database commits with
 * synchronous=FULL) and, per live log file they matched, when it began, so
 * an age trigger works on filesystems that keep no birth time (the VM's
 * /var/log is in RAM).
 */
import { applyMigrations, type Db, type Migration, type Statement } from "../../memory";
import logs from "./migrations/001_logs.sql" with { type: "text" };

const LOGS_MIGRATIONS: readonly Migration[] = [{ version: 1, name: "logs", sql: logs }];

export interface LogPolicySpec {
  pattern: string;
  maxBytes: number | null;
  maxAgeDays: number | null;
  keep: number;
}

export interface LogPolicy extends LogPolicySpec {
  createdAt: number;
  updatedAt: number;
}

export interface LogFileState {
  path: string;
  since: number;
  rotatedAt: number | null;
  rotations: number;
}

interface RawPolicy {
  pattern: string;
  max_bytes: number | null;
  max_age_days: number | null;
  keep: number;
  created_at: number;
  updated_at: number;
}

const toPolicy = (r: RawPolicy): LogPolicy => ({ pattern: r.pattern, maxBytes: r.max_bytes, maxAgeDays: r.max_age_days, keep: r.keep, createdAt: r.created_at, updatedAt: r.updated_at });

export class LogPolicyStore {
  private readonly upsert: Statement;
  private readonly put: Statement;
  private readonly del: Statement;
  private readonly one: Statement;
  private readonly all: Statement;
  private readonly file: Statement;
  private readonly seenStmt: Statement;
  private readonly rotatedStmt: Statement;
  private readonly forgetStmt: Statement;

  constructor(db: Db) {
    applyMigrations(db, "logs", LOGS_MIGRATIONS);
    this.upsert = db.prepare(
      `INSERT INTO log_policies (pattern, max_bytes, max_age_days, keep, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)
       ON CONFLICT (pattern) DO UPDATE SET max_bytes = ?2, max_age_days = ?3, keep = ?4, updated_at = ?5`,
    );
    this.put = db.prepare("INSERT OR REPLACE INTO log_policies (pattern, max_bytes, max_age_days, keep, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    this.del = db.prepare("DELETE FROM log_policies WHERE pattern = ?");
    this.one = db.prepare("SELECT * FROM log_policies WHERE pattern = ?");
    this.all = db.prepare("SELECT * FROM log_policies ORDER BY pattern");
    this.file = db.prepare("SELECT path, since, rotated_at AS rotatedAt, rotations FROM log_files WHERE path = ?");
    this.seenStmt = db.prepare("INSERT INTO log_files (path, since) VALUES (?1, ?2) ON CONFLICT (path) DO NOTHING");
    this.rotatedStmt = db.prepare(
      "INSERT INTO log_files (path, since, rotated_at, rotations) VALUES (?1, ?2, ?2, 1) ON CONFLICT (path) DO UPDATE SET since = ?2, rotated_at = ?2, rotations = rotations + 1",
    );
    this.forgetStmt = db.prepare("DELETE FROM log_files WHERE path = ?");
  }

  get(pattern: string): LogPolicy | null {
    const r = this.one.get(pattern) as RawPolicy | null;
    return r ? toPolicy(r) : null;
  }

  list(): LogPolicy[] {
    return (this.all.all() as RawPolicy[]).map(toPolicy);
  }

  /** Adds a policy or replaces the one for the same pattern (keeping when it was created); returns it as stored. */
  set(spec: LogPolicySpec, now = Date.now()): LogPolicy {
    this.upsert.run(spec.pattern, spec.maxBytes, spec.maxAgeDays, spec.keep, now);
    return this.get(spec.pattern)!;
  }

  /** Puts a policy back exactly as it was (undo). */
  restore(p: LogPolicy): void {
    this.put.run(p.pattern, p.maxBytes, p.maxAgeDays, p.keep, p.createdAt, p.updatedAt);
  }

  remove(pattern: string): boolean {
    return this.del.run(pattern).changes > 0;
  }

  fileState(path: string): LogFileState | null {
    return (this.file.get(path) as LogFileState | null) ?? null;
  }

  /** Notes when a live file was first seen (its age counts from then); an existing record is kept. */
  seen(path: string, since: number): LogFileState {
    this.seenStmt.run(path, since);
    return this.fileState(path)!;
  }

  /** A rotation: the new live file begins now. */
  rotated(path: string, at = Date.now()): void {
    this.rotatedStmt.run(path, at);
  }

  forget(path: string): void {
    this.forgetStmt.run(path);
  }
}
