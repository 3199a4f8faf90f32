-- Every goal state change with its reason, and when tasks started, finished
-- and how often they were tried: what an operator reads after a failure.
CREATE TABLE goal_transitions (
  id         INTEGER PRIMARY KEY,
  goal_id    INTEGER NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
  from_state TEXT    NOT NULL,
  to_state   TEXT    NOT NULL,
  at         INTEGER NOT NULL,
  reason     TEXT
);
CREATE INDEX goal_transitions_goal ON goal_transitions (goal_id, id);

ALTER TABLE tasks ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN started_at INTEGER;
ALTER TABLE tasks ADD COLUMN finished_at INTEGER;
