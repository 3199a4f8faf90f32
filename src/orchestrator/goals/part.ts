/**
 * The goal tables' part of Memory: goal counts by state and the task count in
 * `stats().working`, and `[memory] goal_retention_days` applied by
 * `maintain()` (finished goals older than that go, with their tasks and
 * history). Registered by openGoalStores once the stores are open.
 */
import { defineMemoryPart, type MemoryPart } from "../../memory";
import type { GoalStore } from "./goals";
import type { GoalState } from "./machine";
import type { TaskStore } from "./tasks";

declare module "../../memory/parts" {
  interface PartStats {
    /** Goals in each state. */
    goals: Record<GoalState, number>;
    tasks: number;
  }
  interface PartReport {
    /** Finished goals deleted by `goal_retention_days`. */
    goalsDeleted: number;
  }
}

const DAY_MS = 86_400_000;

export function goalsPart(goals: GoalStore, tasks: TaskStore): MemoryPart {
  return defineMemoryPart({
    name: "goals",
    stats: () => ({ goals: goals.counts(), tasks: tasks.count() }),
    retain: (now, config) => ({ goalsDeleted: config.goal_retention_days > 0 ? goals.deleteFinishedBefore(now - config.goal_retention_days * DAY_MS) : 0 }),
  });
}
