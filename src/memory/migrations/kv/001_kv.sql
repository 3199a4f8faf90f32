-- Small runtime state in working.db (last maintenance time, cursors): JSON
-- values by key. Until the goal tables moved to the orchestrator, the first
-- "working" migration created this table; IF NOT EXISTS keeps a database
-- written then as it is (the table is the same).
CREATE TABLE IF NOT EXISTS kv (
  key        TEXT    PRIMARY KEY,
  value      TEXT    NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
