/**
 * The approval queue and the remembered rules, beside the audit table in the
 * ledger's database, so a held call survives a reboot and is still waiting
 * for its decision afterwards. Two stores over one migration set: the queue
 * and the rules have different owners (tools/approvals.ts, tools/policy.ts).
 */
import { applyMigrations, type Db, type Statement } from "./db";
import { APPROVALS_MIGRATIONS } from "./migrations/approvals";

export type ApprovalStatus = "pending" | "approved" | "denied";

export interface ApprovalRecord {
  seq: number;
  callSeq: number;
  ts: number;
  tool: string;
  agent: string;
  risk: string;
  /** JSON text. */
  args: string;
  status: ApprovalStatus;
  decidedAt: number | null;
  decidedBy: string | null;
  reason: string | null;
  /** The principal the held call acts for (agent name or person:<via>), if not the agent itself. */
  onBehalfOf: string | null;
}

export interface RuleRecord {
  seq: number;
  ts: number;
  tool: string;
  /** JSON text: field → glob (string) or exact value. */
  pattern: string;
  createdBy: string;
  fromApproval: number | null;
}

/** A held call, queued for a person's decision. */
export interface NewApproval {
  callSeq: number;
  ts: number;
  tool: string;
  agent: string;
  risk: string;
  /** JSON text: the real arguments, which an approval runs. */
  args: string;
  onBehalfOf?: string | null;
}

/** A person's decision on a pending approval. */
export interface ApprovalDecision {
  seq: number;
  status: "approved" | "denied";
  at: number;
  by: string;
  reason?: string | null;
}

/** A remembered rule as stored; `seq` is given by the table. */
export type NewRule = Omit<RuleRecord, "seq" | "fromApproval"> & { fromApproval?: number | null };

interface RawApproval {
  seq: number;
  call_seq: number;
  ts: number;
  tool: string;
  agent: string;
  risk: string;
  args: string;
  status: ApprovalStatus;
  decided_at: number | null;
  decided_by: string | null;
  reason: string | null;
  on_behalf_of: string | null;
}

interface RawRule {
  seq: number;
  ts: number;
  tool: string;
  pattern: string;
  created_by: string;
  from_approval: number | null;
}

const toApproval = (r: RawApproval): ApprovalRecord => ({
  seq: r.seq,
  callSeq: r.call_seq,
  ts: r.ts,
  tool: r.tool,
  agent: r.agent,
  risk: r.risk,
  args: r.args,
  status: r.status,
  decidedAt: r.decided_at,
  decidedBy: r.decided_by,
  reason: r.reason,
  onBehalfOf: r.on_behalf_of,
});

const toRule = (r: RawRule): RuleRecord => ({ seq: r.seq, ts: r.ts, tool: r.tool, pattern: r.pattern, createdBy: r.created_by, fromApproval: r.from_approval });

export class ApprovalStore {
  private readonly db: Db;
  private readonly insertStmt: Statement;
  private readonly getStmt: Statement;
  private readonly decideStmt: Statement;

  constructor(db: Db) {
    this.db = db;
    applyMigrations(db, "approvals", APPROVALS_MIGRATIONS);
    // Named parameters: the records bind by field name (the database is opened strict), never by position.
    this.insertStmt = db.query(
      "INSERT INTO approvals (call_seq, ts, tool, agent, risk, args, on_behalf_of) VALUES ($callSeq, $ts, $tool, $agent, $risk, $args, $onBehalfOf) RETURNING seq",
    );
    this.getStmt = db.query("SELECT * FROM approvals WHERE seq = ?1");
    this.decideStmt = db.query("UPDATE approvals SET status = $status, decided_at = $at, decided_by = $by, reason = $reason WHERE seq = $seq AND status = 'pending'");
  }

  /** Queues a held call; returns the approval's number. */
  insert(a: NewApproval): number {
    const row = this.insertStmt.get({ callSeq: a.callSeq, ts: a.ts, tool: a.tool, agent: a.agent, risk: a.risk, args: a.args, onBehalfOf: a.onBehalfOf ?? null });
    return (row as { seq: number }).seq;
  }

  get(seq: number): ApprovalRecord | undefined {
    const r = this.getStmt.get(seq) as RawApproval | null;
    return r ? toApproval(r) : undefined;
  }

  byCall(callSeq: number): ApprovalRecord | undefined {
    const r = this.db.query("SELECT * FROM approvals WHERE call_seq = ?1").get(callSeq) as RawApproval | null;
    return r ? toApproval(r) : undefined;
  }

  /** Oldest first: the order a person should read them in. */
  pending(): ApprovalRecord[] {
    return (this.db.query("SELECT * FROM approvals WHERE status = 'pending' ORDER BY seq").all() as RawApproval[]).map(toApproval);
  }

  /** Calls approved since `since` (ms): the ones that may have been running when the process stopped. */
  approvedSince(since: number): number[] {
    return (this.db.query("SELECT call_seq FROM approvals WHERE status = 'approved' AND decided_at >= ?1").all(since) as Array<{ call_seq: number }>).map((r) => r.call_seq);
  }

  /** Records a decision; false when the approval was not pending (decided already, or unknown). */
  decide(d: ApprovalDecision): boolean {
    return this.decideStmt.run({ seq: d.seq, status: d.status, at: d.at, by: d.by, reason: d.reason ?? null }).changes === 1;
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}

/** The remembered approval rules: each lets later calls like one a person approved run without asking. */
export class RuleStore {
  constructor(private readonly db: Db) {
    applyMigrations(db, "approvals", APPROVALS_MIGRATIONS); // the rules' table came with the approvals' (idempotent)
  }

  /** Stores a remembered rule; returns its number. */
  add(r: NewRule): number {
    const row = this.db
      .query("INSERT INTO approval_rules (ts, tool, pattern, created_by, from_approval) VALUES ($ts, $tool, $pattern, $createdBy, $fromApproval) RETURNING seq")
      .get({ ts: r.ts, tool: r.tool, pattern: r.pattern, createdBy: r.createdBy, fromApproval: r.fromApproval ?? null }) as { seq: number };
    return row.seq;
  }

  all(): RuleRecord[] {
    return (this.db.query("SELECT * FROM approval_rules ORDER BY seq").all() as RawRule[]).map(toRule);
  }

  remove(seq: number): boolean {
    return this.db.query("DELETE FROM approval_rules WHERE seq = ?1").run(seq).changes === 1;
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
