-- Run-time capability changes (sec.grant / sec.revoke and their undos), in
-- order; replayed over the agents' declared capabilities at every boot.
CREATE TABLE capability_changes (
  seq        INTEGER PRIMARY KEY,
  ts         INTEGER NOT NULL,
  agent      TEXT    NOT NULL,
  capability TEXT    NOT NULL,
  change     TEXT    NOT NULL,              -- grant | revoke | reset
  call_id    TEXT                           -- the tool call that made it
);
