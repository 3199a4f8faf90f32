-- Most calls carry no correlation id (direct API and REPL calls): index only those that do.
DROP INDEX audit_correlation;
CREATE INDEX audit_correlation ON audit(correlation_id) WHERE correlation_id IS NOT NULL;
