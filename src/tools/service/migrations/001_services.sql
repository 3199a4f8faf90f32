-- Supervised services: each definition, whether it should run after a reboot
-- (enabled), and the last state the manager saw.
CREATE TABLE services (
  name             TEXT    PRIMARY KEY,
  definition       TEXT    NOT NULL,            -- JSON, validated by the service manager
  enabled          INTEGER NOT NULL DEFAULT 0,  -- started explicitly and not stopped since
  state            TEXT    NOT NULL DEFAULT 'stopped',
  pid              INTEGER,
  start_ticks      INTEGER,                     -- with pid, identifies the process (pid reuse)
  restarts         INTEGER NOT NULL DEFAULT 0,
  last_exit_code   INTEGER,
  last_exit_signal TEXT,
  updated_at       INTEGER NOT NULL             -- ms since the epoch
);
