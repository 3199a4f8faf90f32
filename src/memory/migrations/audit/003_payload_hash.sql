-- Each row chains the hash of its payload (data_hash) instead of the payload
-- itself, so a payload can be redacted after the fact (replaced by a marker
-- naming the `redact` row that records who did it and why) while the chain
-- still verifies. Rows written before this migration keep data_hash NULL and
-- their old hash; they verify as they always did and cannot be redacted.
ALTER TABLE audit ADD COLUMN data_hash TEXT;

-- Still append-only: the one update allowed is a payload of a new-format row
-- replaced by a redaction marker, every other column untouched.
DROP TRIGGER audit_no_update;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
WHEN NOT coalesce(
  NEW.seq IS OLD.seq AND NEW.ts IS OLD.ts AND NEW.kind IS OLD.kind AND NEW.call_id IS OLD.call_id
  AND NEW.tool IS OLD.tool AND NEW.agent IS OLD.agent AND NEW.correlation_id IS OLD.correlation_id
  AND NEW.data_hash IS OLD.data_hash AND NEW.prev_hash IS OLD.prev_hash AND NEW.hash IS OLD.hash
  AND OLD.data_hash IS NOT NULL
  AND (CASE WHEN json_valid(NEW.data) THEN json_type(NEW.data, '$."$redacted"') END) IS 'integer',
  0
)
BEGIN SELECT RAISE(ABORT, 'audit ledger is append-only (a payload may only be redacted)'); END;
