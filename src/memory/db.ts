/**
 * Opening a SQLite database the one way aiOS does it: WAL, explicit PRAGMAs,
 * numbered migrations embedded in the binary and applied in order, each in
 * its own transaction. This folder is the only code that touches bun:sqlite.
 */
import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { AiosError } from "../sys";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export class MigrationError extends AiosError {}

export interface OpenOptions {
  migrations: readonly Migration[];
  /**
   * `full` syncs the WAL on every commit (nothing acknowledged is lost on a
   * power cut); `normal` syncs at checkpoints only (still never corrupt, and
   * nothing is lost when only the process dies). Default: full.
   */
  synchronous?: "full" | "normal";
}

export type Db = Database;

export function openDatabase(path: string, opts: OpenOptions): Db {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { create: true, strict: true });
  db.exec("PRAGMA journal_mode = WAL");
  db.exec(`PRAGMA synchronous = ${opts.synchronous === "normal" ? "NORMAL" : "FULL"}`);
  db.exec("PRAGMA foreign_keys = ON");
  db.exec("PRAGMA busy_timeout = 5000");
  db.exec("PRAGMA temp_store = MEMORY");
  try {
    migrate(db, path, opts.migrations);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

export function schemaVersion(db: Db): number {
  return (db.query("PRAGMA user_version").get() as { user_version: number }).user_version;
}

/** Applies every migration newer than the database's user_version, in order. */
export function migrate(db: Db, path: string, migrations: readonly Migration[]): number[] {
  checkSequence(path, migrations);
  const current = schemaVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new MigrationError("ESCHEMA", `${path}: schema version ${current} is newer than this aios-init knows (${latest}); refusing to open it`);
  }
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= current) continue;
    try {
      db.transaction(() => {
        db.exec(m.sql);
        db.exec(`PRAGMA user_version = ${m.version}`);
      })();
    } catch (err) {
      throw new MigrationError("EMIGRATE", `${path}: migration ${m.version} (${m.name}): ${(err as Error).message}`, { cause: err });
    }
    applied.push(m.version);
  }
  return applied;
}

function checkSequence(path: string, migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new MigrationError("ESCHEMA", `${path}: migration ${m.name} is numbered ${m.version}, expected ${i + 1}`);
  });
}
