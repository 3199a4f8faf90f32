/**
 * The goal engine's tables in working.db: goals (with their state machine and
 * history) and tasks, their store, their migrations, and what they add to
 * Memory's stats and maintenance.
 */
import type { Memory } from "../../memory";
import { GoalStore } from "./goals";
import { goalsPart } from "./part";
import { TaskStore } from "./tasks";

export { GoalStore, type Goal, type GoalInput, type GoalQuery, type GoalTransition, type TransitionPatch } from "./goals";
export { ACTIVE_GOAL_STATES, canTransition, FINAL_GOAL_STATES, GOAL_EVENTS, GOAL_MACHINE, GOAL_STATES, GOAL_TRANSITIONS, goalTarget, isFinalGoalState, type GoalEvent, type GoalMachine, type GoalMachineData, type GoalState, type GoalStateNode } from "./machine";
export { GOALS_COMPONENT, GOALS_MIGRATIONS } from "./migrations";
export { goalsPart } from "./part";
export { TASK_STATES, TASK_TRANSITIONS, TaskStore, type Task, type TaskInput, type TaskState } from "./tasks";

/**
 * Opens the goal and task stores on working memory (goals through the
 * synchronous=FULL connection, tasks through the fast one) and registers
 * their part with Memory.
 */
export interface GoalStores {
  goals: GoalStore;
  tasks: TaskStore;
}

export function openGoalStores(memory: Memory): GoalStores {
  const goals = new GoalStore(memory.working.db);
  const tasks = new TaskStore(memory.working.fast);
  memory.register(goalsPart(goals, tasks));
  return { goals, tasks };
}
