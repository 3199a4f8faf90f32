/**
 * Working memory (/var/lib/aios/memory/working.db): goals, tasks and small
 * runtime state, the things that must survive a reboot. Goals and the
 * key/value state go through a synchronous=FULL connection: a goal the API
 * acknowledged is on disk even if the power goes. Tasks and the trace, a
 * dozen small writes per task, go through a second connection with
 * synchronous=NORMAL: in WAL mode they are never corrupt, any later FULL
 * commit makes them durable too, and a power cut can only lose the last few
 * lines of a run that recovery fails anyway.
 * Other stores of the same file open their own component on `db` (services,
 * packages, ...) or on `fast` (the orchestrator's trace).
 */
import { applyMigrations, type Db, openDatabase } from "./db";
import { GoalStore, type GoalState } from "./goals";
import { KvStore } from "./kv";
import { WORKING_MIGRATIONS } from "./migrations/working";
import { TaskStore } from "./tasks";

export interface WorkingStats {
  goals: Record<GoalState, number>;
  tasks: number;
  keys: number;
}

export class WorkingMemory {
  readonly goals: GoalStore;
  readonly tasks: TaskStore;
  readonly kv: KvStore;

  static open(path: string): WorkingMemory {
    const db = openDatabase(path, { synchronous: "full" });
    applyMigrations(db, "working", WORKING_MIGRATIONS);
    return new WorkingMemory(db, openDatabase(path, { synchronous: "normal" }));
  }

  /** `fast` may be `db` itself (one connection, everything FULL). */
  constructor(
    readonly db: Db,
    readonly fast: Db = db,
  ) {
    applyMigrations(db, "working", WORKING_MIGRATIONS);
    this.goals = new GoalStore(db);
    this.tasks = new TaskStore(fast);
    this.kv = new KvStore(db);
  }

  stats(): WorkingStats {
    return {
      goals: this.goals.counts(),
      tasks: this.tasks.count(),
      keys: (this.db.query("SELECT count(*) AS n FROM kv").get() as { n: number }).n,
    };
  }

  close(): void {
    if (this.fast !== this.db) this.fast.close();
    this.db.close();
  }
}
