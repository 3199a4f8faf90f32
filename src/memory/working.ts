/**
 * Working memory (/var/lib/aios/memory/working.db): goals, tasks and small
 * runtime state, the things that must survive a reboot. The file runs with
 * synchronous=FULL: a write that returned is on disk even if the power goes.
 * Other stores of the same file (services) open their own component on `db`.
 */
import { applyMigrations, type Db, openDatabase } from "./db";
import { GoalStore, type GoalState } from "./goals";
import { KvStore } from "./kv";
import { WORKING_MIGRATIONS } from "./migrations/working";
import { TaskStore } from "./tasks";
import { TraceStore } from "./trace";

export interface WorkingStats {
  goals: Record<GoalState, number>;
  tasks: number;
  keys: number;
}

export class WorkingMemory {
  readonly goals: GoalStore;
  readonly tasks: TaskStore;
  readonly kv: KvStore;
  readonly trace: TraceStore;

  static open(path: string): WorkingMemory {
    return new WorkingMemory(openDatabase(path, { synchronous: "full" }));
  }

  constructor(readonly db: Db) {
    applyMigrations(db, "working", WORKING_MIGRATIONS);
    this.goals = new GoalStore(db);
    this.tasks = new TaskStore(db);
    this.kv = new KvStore(db);
    this.trace = new TraceStore(db);
  }

  stats(): WorkingStats {
    return {
      goals: this.goals.counts(),
      tasks: this.tasks.count(),
      keys: (this.db.query("SELECT count(*) AS n FROM kv").get() as { n: number }).n,
    };
  }

  close(): void {
    this.db.close();
  }
}
