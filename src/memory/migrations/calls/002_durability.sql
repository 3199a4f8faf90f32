-- pending: the renames a call's staged files still owe (JSON, see
-- sys/durable's Staging), written with its result and cleared once they are
-- in place; boot finishes any left by a power cut. Partial index: almost
-- every row has none.
ALTER TABLE calls ADD COLUMN pending TEXT;
CREATE INDEX calls_pending ON calls(seq) WHERE pending IS NOT NULL;

-- Call ids are handed out from a block reserved here, durably, before any id
-- of it is used: a power cut can lose the rows of the last calls, never let
-- their ids be given out again.
CREATE TABLE call_ids (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  reserved INTEGER NOT NULL
);
