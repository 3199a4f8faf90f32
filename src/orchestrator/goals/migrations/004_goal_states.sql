-- The goal machine's two recovery states (src/orchestrator/goals/machine.ts):
-- retrying (a task failed for a reason that may pass) and replanning (a
-- model decides the next step with the failure in view). SQLite cannot
-- change a CHECK in place: the table is rebuilt (its documented procedure;
-- the runner switches foreign keys off around this transaction, so tasks
-- and transitions keep their rows) and its index made again.
CREATE TABLE goals_new (
  id          INTEGER PRIMARY KEY,
  title       TEXT    NOT NULL,
  description TEXT    NOT NULL DEFAULT '',
  source      TEXT    NOT NULL DEFAULT '',
  state       TEXT    NOT NULL DEFAULT 'pending'
              CHECK (state IN ('pending', 'planning', 'awaiting_approval', 'running', 'retrying', 'replanning', 'done', 'failed', 'cancelled')),
  priority    INTEGER NOT NULL DEFAULT 0,
  plan        TEXT,
  result      TEXT,
  error       TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  finished_at INTEGER,
  answer      TEXT
);
INSERT INTO goals_new (id, title, description, source, state, priority, plan, result, error, created_at, updated_at, finished_at, answer)
  SELECT id, title, description, source, state, priority, plan, result, error, created_at, updated_at, finished_at, answer FROM goals;
DROP TABLE goals;
ALTER TABLE goals_new RENAME TO goals;
CREATE INDEX goals_state ON goals (state, priority DESC, id);
