-- The goal engine's tables in working.db: what the orchestrator is doing,
-- which must survive a reboot. JSON columns hold JSON text. The component is
-- still called "working" and this migration keeps its number: databases
-- written before the tables moved here carry that name and version. It no
-- longer creates `kv` (memory's own, see src/memory/migrations/kv); one made
-- by the earlier version of this migration is the same table.

-- Goals: what the system was asked to do. States and their legal moves are
-- in src/orchestrator/goals/machine.ts (GOAL_TRANSITIONS); the CHECK keeps a bad write out.
CREATE TABLE goals (
  id          INTEGER PRIMARY KEY,
  title       TEXT    NOT NULL,
  description TEXT    NOT NULL DEFAULT '',
  source      TEXT    NOT NULL DEFAULT '',
  state       TEXT    NOT NULL DEFAULT 'pending'
              CHECK (state IN ('pending', 'planning', 'awaiting_approval', 'running', 'done', 'failed', 'cancelled')),
  priority    INTEGER NOT NULL DEFAULT 0,
  plan        TEXT,
  result      TEXT,
  error       TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE INDEX goals_state ON goals (state, priority DESC, id);

-- Tasks: the steps of a goal's plan, each for one agent.
CREATE TABLE tasks (
  id          INTEGER PRIMARY KEY,
  goal_id     INTEGER NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
  position    INTEGER NOT NULL DEFAULT 0,
  title       TEXT    NOT NULL,
  agent       TEXT    NOT NULL DEFAULT '',
  state       TEXT    NOT NULL DEFAULT 'pending'
              CHECK (state IN ('pending', 'running', 'done', 'failed', 'cancelled', 'skipped')),
  input       TEXT,
  tool_calls  TEXT    NOT NULL DEFAULT '[]',
  result      TEXT,
  error       TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX tasks_goal ON tasks (goal_id, position, id);

CREATE TABLE task_deps (
  task_id    INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  depends_on INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  PRIMARY KEY (task_id, depends_on),
  CHECK (task_id <> depends_on)
) WITHOUT ROWID;
CREATE INDEX task_deps_on ON task_deps (depends_on);
