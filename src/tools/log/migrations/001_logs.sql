-- Log rotation: the policies a person set (log.set_policy) and, per log
-- file they matched, when its current live file began (the age trigger's
-- clock: a file's birth time is not kept by every filesystem).
CREATE TABLE log_policies (
  pattern      TEXT    PRIMARY KEY,           -- glob over guest paths under /var/log
  max_bytes    INTEGER,                       -- rotate past this size; NULL: no size trigger
  max_age_days REAL,                          -- rotate when the live file is older; NULL: no age trigger
  keep         INTEGER NOT NULL,              -- generations kept besides the live file
  created_at   INTEGER NOT NULL,              -- ms since the epoch
  updated_at   INTEGER NOT NULL
);
CREATE TABLE log_files (
  path       TEXT    PRIMARY KEY,             -- guest path of a live log file
  since      INTEGER NOT NULL,                -- when its current live file began (ms)
  rotated_at INTEGER,                         -- the last rotation, NULL: never rotated by aiOS
  rotations  INTEGER NOT NULL DEFAULT 0
);
