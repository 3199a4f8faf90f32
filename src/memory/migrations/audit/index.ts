/** The audit ledger's migrations, embedded in the binary at build time. */
import type { Migration } from "../../db";
import audit from "./001_audit.sql" with { type: "text" };
import partialCorrelation from "./002_partial_correlation.sql" with { type: "text" };
import payloadHash from "./003_payload_hash.sql" with { type: "text" };

export const AUDIT_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "audit", sql: audit },
  { version: 2, name: "partial_correlation", sql: partialCorrelation },
  { version: 3, name: "payload_hash", sql: payloadHash },
];
