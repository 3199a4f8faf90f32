-- The decision logger's trace: every step of a goal's life, in order.
CREATE TABLE goal_trace (
  id      INTEGER PRIMARY KEY,
  goal_id INTEGER NOT NULL,
  ts      INTEGER NOT NULL,            -- ms since the epoch
  kind    TEXT    NOT NULL,            -- submitted | planner | plan | route | task | call | approval | rollback | outcome | ...
  message TEXT    NOT NULL,            -- one human line
  data    TEXT                         -- JSON details (ids into the audit ledger, results)
);
CREATE INDEX goal_trace_goal ON goal_trace(goal_id, id);
