-- The audit ledger: append-only, each row's hash covers the previous row's.
CREATE TABLE audit (
  seq            INTEGER PRIMARY KEY,
  ts             INTEGER NOT NULL,          -- ms since the epoch
  kind           TEXT    NOT NULL,          -- request | result | undo | grant | ...
  call_id        TEXT,
  tool           TEXT,
  agent          TEXT,
  correlation_id TEXT,
  data           TEXT    NOT NULL,          -- canonical JSON
  prev_hash      TEXT    NOT NULL,
  hash           TEXT    NOT NULL
);
CREATE INDEX audit_call ON audit(call_id);
CREATE INDEX audit_correlation ON audit(correlation_id);

-- Editing or deleting a row takes dropping these first; verify() catches it either way.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit ledger is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit ledger is append-only'); END;
