/** The memory layer: the only code that opens SQLite databases. */
export { anchorPath, AuditLedger, GENESIS_HASH, LEDGER_ERROR_CODES, LedgerError, payloadHash, type LedgerErrorCode, type AuditInput, type AuditQuery, type AuditRow, type LedgerMark, type VerifyResult } from "./ledger";
export { MIGRATION_ERROR_CODES, MigrationError, type Migration, type MigrationErrorCode } from "./db";
export { applyMigrations, openDatabase, schemaVersion, type Changes, type Db, type SQLQueryBindings, type Statement } from "./db";
export { CallStore, CALL_STATUSES, type CallFinish, type CallRecord, type CallStatus, type NewCall } from "./calls";
export { ApprovalStore, RuleStore, type ApprovalDecision, type ApprovalRecord, type ApprovalStatus, type NewApproval, type NewRule, type RuleRecord } from "./approvals";
export { GrantStore, type GrantChange, type NewCapabilityChange, type StoredCapabilityChange } from "./grants";
export { NamedStore, type NamedTable, type SqlValue } from "./named";
export { openMemory, Memory, type MemoryConfig, type MemoryPaths, type MemoryStats, type MaintenanceReport, type FileSize } from "./open";
export { EmbedderError, type Embedder } from "./embedder";
export { MEMORY_ERROR_CODES, MemoryError, TransitionError, type MemoryErrorCode } from "./errors";
export { OperationalMemory, Ring, type OperationalEvent, type MetricSample, type MetricSummary, type OperationalStats, type RecentQuery, type RingStats } from "./operational";
export { WorkingMemory, type WorkingStats } from "./working";
export { defineMemoryPart, type MemoryPart, type PartReport, type PartStats } from "./parts";
export { KvStore } from "./kv";
export { LongTermMemory, type Document, type DecisionInput, type IngestInput, type IngestResult, type LongTermOptions, type ProcedureInput, type RetentionPolicy, type SearchHit, type SearchOptions, type SearchResult } from "./knowledge/longterm";
export { DOCUMENT_KINDS, type DocumentKind } from "./knowledge/documents";
export type { Retriever } from "./knowledge/hybrid";
