/**
 * A table of named entries in the working database: what a tool sets (the
 * spec), when, and the last thing the autonomy loop recorded about the entry
 * (its history). The watchlist and the schedules are such tables; each
 * declares its columns once (NamedTable) and gets the same store: records in,
 * records out, the SQL built from the column lists.
 */
import { applyMigrations, type Db, type Migration } from "./db";

/** A column's value as SQLite stores it. */
export type SqlValue = string | number | null;

export interface NamedTable<Spec extends { name: string }, Entry extends Spec, History> {
  /** The SQL table; also the migration component. */
  table: string;
  migrations: readonly Migration[];
  /** Every column but `name`, `created_at` and `updated_at`, split by who writes it. */
  specColumns: readonly string[];
  historyColumns: readonly string[];
  /** A spec, or an entry's spec part, as column values. */
  specRow(s: Spec): Record<string, SqlValue>;
  historyRow(h: History): Record<string, SqlValue>;
  /** An entry's history part (for `restore`). */
  historyOf(e: Entry): History;
  /** A row as read back (snake_case columns) as an entry. */
  entry(row: Record<string, SqlValue>): Entry;
  /** Whether setting a new spec clears the history (it was about something else) or keeps it. */
  specClearsHistory: boolean;
}

export class NamedStore<Spec extends { name: string }, Entry extends Spec & { createdAt: number; updatedAt: number }, History> {
  private readonly upsertSql: string;
  private readonly putSql: string;
  private readonly recordSql: string;

  /** `owned`: this store opened `db` and closes it. */
  constructor(
    private readonly def: NamedTable<Spec, Entry, History>,
    private readonly db: Db,
    private readonly owned = false,
  ) {
    applyMigrations(db, def.table, def.migrations);
    const spec = def.specColumns;
    const all = ["name", ...spec, "created_at", "updated_at", ...def.historyColumns];
    const clear = def.specClearsHistory ? def.historyColumns.map((c) => `, ${c} = NULL`).join("") : "";
    // The table name and columns come from the definitions in the code, never from input.
    this.upsertSql =
      `INSERT INTO ${def.table} (name, ${spec.join(", ")}, created_at, updated_at) VALUES ($name, ${spec.map((c) => `$${c}`).join(", ")}, $now, $now)` +
      ` ON CONFLICT (name) DO UPDATE SET ${spec.map((c) => `${c} = $${c}`).join(", ")}, updated_at = $now${clear}`;
    this.putSql = `INSERT OR REPLACE INTO ${def.table} (${all.join(", ")}) VALUES (${all.map((c) => `$${c}`).join(", ")})`;
    this.recordSql = `UPDATE ${def.table} SET ${def.historyColumns.map((c) => `${c} = $${c}`).join(", ")} WHERE name = $name`;
  }

  get(name: string): Entry | null {
    const r = this.db.query(`SELECT * FROM ${this.def.table} WHERE name = ?`).get(name) as Record<string, SqlValue> | null;
    return r ? this.def.entry(r) : null;
  }

  list(): Entry[] {
    return (this.db.query(`SELECT * FROM ${this.def.table} ORDER BY name`).all() as Record<string, SqlValue>[]).map((r) => this.def.entry(r));
  }

  /** Adds an entry or replaces its spec (keeping when it was created); returns it as stored. */
  set(spec: Spec, now = Date.now()): Entry {
    this.db.query(this.upsertSql).run({ ...this.def.specRow(spec), name: spec.name, now });
    return this.get(spec.name)!;
  }

  /** Puts back an entry exactly as it was (undo), history included. */
  restore(e: Entry): void {
    this.db.query(this.putSql).run({ ...this.def.specRow(e), ...this.def.historyRow(this.def.historyOf(e)), name: e.name, created_at: e.createdAt, updated_at: e.updatedAt });
  }

  remove(name: string): boolean {
    return this.db.query(`DELETE FROM ${this.def.table} WHERE name = ?`).run(name).changes > 0;
  }

  /** What the autonomy loop recorded; false when the entry is gone. */
  record(name: string, history: History): boolean {
    return this.db.query(this.recordSql).run({ ...this.def.historyRow(history), name }).changes > 0;
  }

  /** Closes the database if this store opened it. */
  close(): void {
    if (this.owned) this.db.close();
  }
}
