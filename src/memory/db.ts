/**
 * Opening a SQLite database the one way aiOS does it: WAL, explicit PRAGMAs,
 * numbered migrations embedded in the binary and applied in order, each in
 * its own transaction. This file is the only one that imports bun:sqlite
 * (src/layers.test.ts checks it): stores elsewhere take the types they need
 * from here.
 */
import { Database, type Statement } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { AiosError } from "../sys";

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /**
   * The migration rebuilds a table other tables reference (SQLite's way to
   * change a CHECK: create the new table, copy, drop, rename). Foreign keys
   * are switched off around its transaction, as SQLite's procedure asks, so
   * dropping the old table does not cascade into its children; the keys are
   * checked before it commits.
   */
  rebuildsTables?: boolean;
}

export type { Changes, SQLQueryBindings, Statement } from "bun:sqlite";

/** bad_schema: a newer or misnumbered schema; migration_failed: a migration threw (rolled back). */
export const MIGRATION_ERROR_CODES = ["bad_schema", "migration_failed"] as const;
export type MigrationErrorCode = (typeof MIGRATION_ERROR_CODES)[number];

export class MigrationError extends AiosError<MigrationErrorCode> {}

export interface OpenOptions {
  /**
   * `full` syncs the WAL on every commit (nothing acknowledged is lost on a
   * power cut); `normal` syncs at checkpoints only (still never corrupt, and
   * nothing is lost when only the process dies). Default: full.
   */
  synchronous?: "full" | "normal";
}

// biome-ignore lint/suspicious/noExplicitAny: bun:sqlite's bindings and row classes
type Params = any[];

/**
 * A statement compiled on first use. Stores prepare their statements when
 * they open, and they all open at boot: compiling some fifty statements there
 * cost ~120 ms of an emulated CPU, for SQL that may not run until much later.
 * A mistake in the SQL therefore shows at first use, which every store's
 * tests reach.
 */
class LazyStatement {
  private compiled: Statement | null = null;
  private finalized = false;

  constructor(
    private readonly compile: () => Statement,
    private readonly release: (s: Statement) => void,
  ) {}

  private get statement(): Statement {
    if (this.finalized) throw new Error("Statement has finalized"); // as bun:sqlite says
    this.compiled ??= this.compile();
    return this.compiled;
  }

  run(...params: Params) {
    return this.statement.run(...params);
  }
  get(...params: Params) {
    return this.statement.get(...params);
  }
  all(...params: Params) {
    return this.statement.all(...params);
  }
  values(...params: Params) {
    return this.statement.values(...params);
  }
  iterate(...params: Params) {
    return this.statement.iterate(...params);
  }
  as(rowClass: Params[number]) {
    return this.statement.as(rowClass);
  }
  get columnNames() {
    return this.statement.columnNames;
  }
  get paramsCount() {
    return this.statement.paramsCount;
  }
  toString() {
    return this.statement.toString();
  }
  finalize(): void {
    this.finalized = true;
    if (!this.compiled) return;
    this.release(this.compiled);
    this.compiled.finalize();
    this.compiled = null;
  }
}

/**
 * bun:sqlite closes a database only once every statement made by `prepare`
 * is finalized (sqlite3_close_v2); until then the files stay open and the
 * data disk cannot be unmounted at shutdown. So this subclass remembers its
 * compiled statements and finalizes them on close.
 */
class AiosDatabase extends Database {
  private readonly prepared = new Set<Statement>();

  // biome-ignore lint/suspicious/noExplicitAny: forwards bun:sqlite's own overloads
  override prepare(...args: any[]): any {
    return new LazyStatement(
      () => {
        // biome-ignore lint/suspicious/noExplicitAny: see above
        const statement = (super.prepare as any)(...args) as Statement;
        this.prepared.add(statement);
        return statement;
      },
      (statement) => this.prepared.delete(statement),
    );
  }

  override close(throwOnError?: boolean): void {
    for (const s of this.prepared) s.finalize();
    this.prepared.clear();
    super.close(throwOnError);
  }
}

export type Db = Database;

export function openDatabase(path: string, opts: OpenOptions = {}): Db {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new AiosDatabase(path, { create: true, strict: true });
  db.exec("PRAGMA journal_mode = WAL");
  db.exec(`PRAGMA synchronous = ${opts.synchronous === "normal" ? "NORMAL" : "FULL"}`);
  db.exec("PRAGMA foreign_keys = ON");
  db.exec("PRAGMA busy_timeout = 5000");
  db.exec("PRAGMA temp_store = MEMORY");
  db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (component TEXT PRIMARY KEY, version INTEGER NOT NULL, applied_at INTEGER NOT NULL)");
  return db;
}

/** The version of one component's schema in this database (0: none yet). */
export function schemaVersion(db: Db, component: string): number {
  const row = db.query("SELECT version FROM schema_migrations WHERE component = ?").get(component) as { version: number } | null;
  return row?.version ?? 0;
}

/**
 * Brings one component's tables up to date. Each store in this folder owns a
 * component with its own numbered migrations, so stores sharing a database
 * file never compete for numbers. Each migration runs in its own transaction.
 */
export function applyMigrations(db: Db, component: string, migrations: readonly Migration[]): number[] {
  const where = `${db.filename || ":memory:"} (${component})`;
  checkSequence(where, migrations);
  const current = schemaVersion(db, component);
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new MigrationError("bad_schema", `${where}: schema version ${current} is newer than this aios-init knows (${latest}); refusing to use it`);
  }
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= current) continue;
    // PRAGMA foreign_keys is a no-op inside a transaction: it is set around it.
    if (m.rebuildsTables) db.exec("PRAGMA foreign_keys = OFF");
    try {
      db.transaction(() => {
        db.exec(m.sql);
        if (m.rebuildsTables) {
          const broken = db.query("PRAGMA foreign_key_check").all();
          if (broken.length) throw new Error(`it would leave ${broken.length} rows with a dangling reference (${JSON.stringify(broken[0])})`);
        }
        db.query("INSERT INTO schema_migrations (component, version, applied_at) VALUES (?1, ?2, ?3) ON CONFLICT (component) DO UPDATE SET version = ?2, applied_at = ?3").run(component, m.version, Date.now());
      })();
    } catch (err) {
      throw new MigrationError("migration_failed", `${where}: migration ${m.version} (${m.name}): ${(err as Error).message}`, { cause: err });
    } finally {
      if (m.rebuildsTables) db.exec("PRAGMA foreign_keys = ON");
    }
    applied.push(m.version);
  }
  return applied;
}

function checkSequence(where: string, migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new MigrationError("bad_schema", `${where}: migration ${m.name} is numbered ${m.version}, expected ${i + 1}`);
  });
}
