/**
 * Run-time capability changes (sec.grant, sec.revoke and their undos), kept
 * in order beside the audit table and replayed over the agents' declared
 * capabilities at every boot (`Capabilities.restore`).
 */
import { applyMigrations, type Db, type Statement } from "./db";
import { GRANTS_MIGRATIONS } from "./migrations/grants";

export type GrantChange = "grant" | "revoke" | "reset";

export interface StoredCapabilityChange {
  seq: number;
  ts: number;
  agent: string;
  capability: string;
  change: GrantChange;
  callId: string | null;
}

/** One change as a tool records it; the store adds the time and the order. */
export type NewCapabilityChange = Pick<StoredCapabilityChange, "agent" | "capability" | "change"> & { callId?: string | null };

export class GrantStore {
  private readonly db: Db;
  private readonly insertStmt: Statement;

  constructor(db: Db) {
    this.db = db;
    applyMigrations(db, "grants", GRANTS_MIGRATIONS);
    this.insertStmt = db.query("INSERT INTO capability_changes (ts, agent, capability, change, call_id) VALUES ($ts, $agent, $capability, $change, $callId)");
  }

  append(c: NewCapabilityChange): void {
    this.insertStmt.run({ ts: Date.now(), agent: c.agent, capability: c.capability, change: c.change, callId: c.callId ?? null });
  }

  /** Every change, oldest first: the order they must be replayed in. */
  all(): StoredCapabilityChange[] {
    const rows = this.db.query("SELECT seq, ts, agent, capability, change, call_id FROM capability_changes ORDER BY seq").all() as Array<{
      seq: number;
      ts: number;
      agent: string;
      capability: string;
      change: GrantChange;
      call_id: string | null;
    }>;
    return rows.map((r) => ({ seq: r.seq, ts: r.ts, agent: r.agent, capability: r.capability, change: r.change, callId: r.call_id }));
  }
}
