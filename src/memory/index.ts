/** The memory layer: the only code that opens SQLite databases. */
export { AuditLedger, GENESIS_HASH, type AuditInput, type AuditQuery, type AuditRow, type VerifyResult } from "./ledger";
export { MigrationError, type Migration } from "./db";
