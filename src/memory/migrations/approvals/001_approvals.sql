-- Calls the autonomy gate held for a person, and the rules ("remember") that
-- approve matching calls later without asking.
CREATE TABLE approvals (
  seq         INTEGER PRIMARY KEY,          -- approval id "a<seq>"
  call_seq    INTEGER NOT NULL UNIQUE,      -- calls.seq of the held call
  ts          INTEGER NOT NULL,
  tool        TEXT    NOT NULL,
  agent       TEXT    NOT NULL,
  risk        TEXT    NOT NULL,
  args        TEXT    NOT NULL,             -- JSON
  status      TEXT    NOT NULL DEFAULT 'pending',  -- pending | approved | denied
  decided_at  INTEGER,
  decided_by  TEXT,
  reason      TEXT
);
CREATE INDEX approvals_pending ON approvals(status) WHERE status = 'pending';

CREATE TABLE approval_rules (
  seq           INTEGER PRIMARY KEY,        -- rule id "r<seq>"
  ts            INTEGER NOT NULL,
  tool          TEXT    NOT NULL,
  pattern       TEXT    NOT NULL,           -- JSON: field -> glob (strings) or exact value
  created_by    TEXT    NOT NULL,
  from_approval INTEGER                     -- approvals.seq it was remembered from
);
CREATE INDEX approval_rules_tool ON approval_rules(tool);
