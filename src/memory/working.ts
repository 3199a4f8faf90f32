/**
 * Working memory (/var/lib/aios/memory/working.db): the things that must
 * survive a reboot, each subsystem's in its own tables (goals and tasks, the
 * services, packages, ...) and memory's own small runtime state (kv).
 * Two connections: `db` with synchronous=FULL, so what the API acknowledged
 * (a goal, a key) is on disk even if the power goes; `fast` with
 * synchronous=NORMAL for the dozen small writes per task (tasks, the trace):
 * in WAL mode they are never corrupt, any later FULL commit makes them
 * durable too, and a power cut can only lose the last few lines of a run
 * that recovery fails anyway. Each store opens its own migration component
 * on the connection that suits it.
 */
import { applyMigrations, type Db, openDatabase } from "./db";
import { KvStore } from "./kv";
import { KV_MIGRATIONS } from "./migrations/kv";

export interface WorkingStats {
  keys: number;
}

export class WorkingMemory {
  readonly kv: KvStore;

  static open(path: string): WorkingMemory {
    return new WorkingMemory(openDatabase(path, { synchronous: "full" }), openDatabase(path, { synchronous: "normal" }));
  }

  /** `fast` may be `db` itself (one connection, everything FULL). */
  constructor(
    readonly db: Db,
    readonly fast: Db = db,
  ) {
    applyMigrations(db, "kv", KV_MIGRATIONS);
    this.kv = new KvStore(db);
  }

  stats(): WorkingStats {
    return { keys: (this.db.query("SELECT count(*) AS n FROM kv").get() as { n: number }).n };
  }

  close(): void {
    if (this.fast !== this.db) this.fast.close();
    this.db.close();
  }
}
