/**
 * One row of the audit ledger as the API, the REPL, the fleet and the web
 * console see it. Nothing imported: the console (a DOM program, its own
 * tsconfig) takes this type from here rather than keep a copy.
 */
export interface AuditRow {
  seq: number;
  ts: number;
  kind: string;
  callId: string | null;
  tool: string | null;
  agent: string | null;
  correlationId: string | null;
  data: unknown;
  prevHash: string;
  hash: string;
}
