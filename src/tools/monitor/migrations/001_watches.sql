-- The autonomy loop's watchlist: what to check (a service, a URL, a TCP
-- port, any of them), how often, and what the last check found.
CREATE TABLE watches (
  name          TEXT    PRIMARY KEY,
  service       TEXT,                         -- a supervised service that must be running
  url           TEXT,                         -- an http(s) URL that must answer
  port_host     TEXT,                         -- with port: a TCP port that must accept connections
  port          INTEGER,
  every_s       INTEGER NOT NULL,             -- seconds between checks
  created_at    INTEGER NOT NULL,             -- ms since the epoch
  updated_at    INTEGER NOT NULL,
  last_check_at INTEGER,
  last_ok       INTEGER,                      -- 1 healthy, 0 not, NULL never checked
  last_detail   TEXT                          -- what the last check saw (why it failed)
);
