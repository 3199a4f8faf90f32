/**
 * The goal engine's migrations (working.db), embedded in the binary at build
 * time. The component keeps the name "working" and its numbers from when
 * memory/ held these tables, so a data disk written then opens unchanged.
 */
import type { Migration } from "../../../memory";
import working from "./001_working.sql" with { type: "text" };
import history from "./002_history.sql" with { type: "text" };
import answer from "./003_answer.sql" with { type: "text" };
import goalStates from "./004_goal_states.sql" with { type: "text" };

export const GOALS_COMPONENT = "working";

export const GOALS_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "working", sql: working },
  { version: 2, name: "history", sql: history },
  { version: 3, name: "answer", sql: answer },
  { version: 4, name: "goal-states", sql: goalStates, rebuildsTables: true },
];
