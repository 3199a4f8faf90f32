/**
 * The service table in the working database (/var/lib/aios/memory/working.db):
 * each supervised service's definition, whether it is enabled (it should run
 * after a reboot), and the last state the manager recorded. The definition is
 * opaque JSON here; the service manager above validates it.
 */
import { applyMigrations, type Db, type Migration, openDatabase, type Statement } from "../../memory";
import services from "./migrations/001_services.sql" with { type: "text" };

const SERVICES_MIGRATIONS: readonly Migration[] = [{ version: 1, name: "services", sql: services }];

export interface StoredService {
  name: string;
  definition: unknown;
  enabled: boolean;
  state: string;
  pid: number | null;
  startTicks: number | null;
  restarts: number;
  lastExitCode: number | null;
  lastExitSignal: string | null;
  updatedAt: number;
}

export interface ServiceStateRecord {
  state: string;
  pid: number | null;
  startTicks: number | null;
  restarts: number;
  lastExitCode: number | null;
  lastExitSignal: string | null;
}

interface Raw {
  name: string;
  definition: string;
  enabled: number;
  state: string;
  pid: number | null;
  start_ticks: number | null;
  restarts: number;
  last_exit_code: number | null;
  last_exit_signal: string | null;
  updated_at: number;
}

function toStored(r: Raw): StoredService {
  return {
    name: r.name,
    definition: JSON.parse(r.definition),
    enabled: r.enabled === 1,
    state: r.state,
    pid: r.pid,
    startTicks: r.start_ticks,
    restarts: r.restarts,
    lastExitCode: r.last_exit_code,
    lastExitSignal: r.last_exit_signal,
    updatedAt: r.updated_at,
  };
}

export class ServiceStore {
  private readonly db: Db;
  private readonly upsertDef: Statement;
  private readonly del: Statement;
  private readonly setEnabledStmt: Statement;
  private readonly setState: Statement;
  private readonly one: Statement;
  private readonly all: Statement;

  /** The store in the working database; synchronous=NORMAL since state changes come in bursts during crash loops. */
  static open(path: string): ServiceStore {
    return new ServiceStore(openDatabase(path, { synchronous: "normal" }), true);
  }

  constructor(db: Db, private readonly owned = false) {
    this.db = db;
    applyMigrations(db, "services", SERVICES_MIGRATIONS);
    this.upsertDef = db.prepare(
      "INSERT INTO services (name, definition, updated_at) VALUES (?1, ?2, ?3) ON CONFLICT (name) DO UPDATE SET definition = ?2, updated_at = ?3",
    );
    this.del = db.prepare("DELETE FROM services WHERE name = ?");
    this.setEnabledStmt = db.prepare("UPDATE services SET enabled = ?2, updated_at = ?3 WHERE name = ?1");
    this.setState = db.prepare(
      "UPDATE services SET state = ?2, pid = ?3, start_ticks = ?4, restarts = ?5, last_exit_code = ?6, last_exit_signal = ?7, updated_at = ?8 WHERE name = ?1",
    );
    this.one = db.prepare("SELECT * FROM services WHERE name = ?");
    this.all = db.prepare("SELECT * FROM services ORDER BY name");
  }

  /** Adds or replaces a definition; enabled and state are kept. */
  save(name: string, definition: unknown): void {
    this.upsertDef.run(name, JSON.stringify(definition), Date.now());
  }

  remove(name: string): void {
    this.del.run(name);
  }

  setEnabled(name: string, enabled: boolean): void {
    this.setEnabledStmt.run(name, enabled ? 1 : 0, Date.now());
  }

  recordState(name: string, s: ServiceStateRecord): void {
    this.setState.run(name, s.state, s.pid, s.startTicks, s.restarts, s.lastExitCode, s.lastExitSignal, Date.now());
  }

  get(name: string): StoredService | null {
    const r = this.one.get(name) as Raw | null;
    return r ? toStored(r) : null;
  }

  list(): StoredService[] {
    return (this.all.all() as Raw[]).map(toStored);
  }

  /** Closes the database if this store opened it. */
  close(): void {
    if (this.owned) this.db.close();
  }
}
