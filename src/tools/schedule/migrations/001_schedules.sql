-- Scheduled jobs: a cron expression and either a goal (planned and run like
-- one a person sent) or one tool call; the autonomy loop runs them when due.
CREATE TABLE schedules (
  name          TEXT    PRIMARY KEY,
  cron          TEXT    NOT NULL,             -- validated with croner before it is stored
  goal          TEXT,                         -- exactly one of goal and tool
  tool          TEXT,
  args          TEXT,                         -- JSON object, with tool only
  agent         TEXT,                         -- who runs it (NULL: the router decides)
  created_at    INTEGER NOT NULL,             -- ms since the epoch
  updated_at    INTEGER NOT NULL,
  last_run_at   INTEGER,
  last_status   TEXT,                         -- what the loop recorded: done, failed, skipped...
  last_detail   TEXT,
  CHECK ((goal IS NULL) <> (tool IS NULL))
);
