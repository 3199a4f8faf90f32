-- Every tool call the executor accepted: its arguments, how it ended, and the
-- record its undo needs. The audit ledger says what happened; this table is
-- what rollback, the approval queue and GET /calls read.
CREATE TABLE calls (
  seq            INTEGER PRIMARY KEY,       -- call id "c<seq>"
  ts             INTEGER NOT NULL,          -- ms since the epoch, when accepted
  tool           TEXT    NOT NULL,
  agent          TEXT    NOT NULL,
  correlation_id TEXT,
  args           TEXT    NOT NULL,          -- JSON, the validated arguments, never truncated
  status         TEXT    NOT NULL,          -- queued | running | done | failed | denied | interrupted
  result         TEXT,                      -- JSON, possibly a truncation marker
  error_code     TEXT,
  error_message  TEXT,
  undo           TEXT,                      -- JSON undo record, null when none was saved
  finished_at    INTEGER,
  undone_at      INTEGER
);
CREATE INDEX calls_correlation ON calls(correlation_id) WHERE correlation_id IS NOT NULL;
-- No index on status: it would cost every call two more page writes. Calls
-- left running by a crash are found from the newest rows backwards (a call
-- cannot outlive its timeout) plus the approvals table (calls run on approval).
