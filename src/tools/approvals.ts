/**
 * Held calls and the decisions on them. A call the policy holds is persisted
 * (calls row, approval, audit row in one transaction) and runs only after a
 * person approves it; its caller may wait on `settled`, which this module
 * keeps (the only state here besides the table). Approving hands the call
 * back to the executor's pipeline (`resume`): it is checked again and runs
 * exactly as a direct call would.
 */
import { ApprovalStore, type AuditLedger, type CallStore } from "../memory";
import { log } from "../sys";
import type { Risk, Tool } from "./define";
import { ApprovalDecidedError, ApprovalNotFoundError, CallNotFoundError, ToolDeniedError, ToolError } from "./errors";
import { type ApprovalRule, type ArgPattern, checkPattern, exactPattern } from "./gate";
import type { Policy } from "./policy";
import type { ToolRegistry } from "./registry";
import type { CallOutcome, CallRequest } from "./types";
import { type ApprovalView, approvalId, callId, idNumber, toApprovalView } from "./views";

export interface Decision {
  /** Who decided: "api", "console", an operator's name. */
  by: string;
  /** Approve: remember a rule (true = exactly these arguments, or an argument pattern). */
  remember?: boolean | ArgPattern;
  /** Deny: why, shown in the audit and to the caller. */
  reason?: string;
}

export type ApprovalOutcome =
  | { approvalId: string; callId: string; decision: "approve"; result: unknown; ruleId?: string }
  | { approvalId: string; callId: string; decision: "deny" };

/** An approved call, as the pipeline takes it back. */
export interface ApprovedCall {
  seq: number;
  tool: Tool;
  agent: string;
  correlationId: string | undefined;
  onBehalfOf: string | undefined;
  /** JSON text: the real arguments the approval kept. */
  args: string;
  approvalId: string;
}

/**
 * What approvals need from the executor that owns them: the tools, the
 * ledger and call store, the policy (to remember a rule), its write lane, and
 * the rest of the pipeline for an approved call. Named here so this module
 * never imports the executor.
 */
export interface ApprovalDeps {
  readonly registry: ToolRegistry;
  readonly ledger: AuditLedger;
  readonly calls: CallStore;
  readonly policy: Policy;
  /** Runs a write; re-reads the ledger's head if it fails. */
  write<T>(fn: () => T): T;
  /** What the calls table and the ledger keep of a large value. */
  keep(json: string): string;
  /** Checks an approved call again, audits its request and runs it; resolves or throws as a direct call would. */
  resume(call: ApprovedCall): Promise<unknown>;
}

interface Waiter {
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/** The audit's `"onBehalfOf"` member (issue 11: who the agent acted for), or nothing when it acted for itself. */
export const behalf = (p: string | undefined) => (p === undefined ? "" : `,"onBehalfOf":${JSON.stringify(p)}`);

export class Approvals {
  readonly store: ApprovalStore;
  private readonly waiting = new Map<number, Waiter>();

  constructor(private readonly x: ApprovalDeps) {
    this.store = new ApprovalStore(x.ledger.database);
  }

  /**
   * Holds a call for a person: calls row, approval and audit row in one
   * transaction. The approval keeps the real arguments (it runs them once
   * approved); the calls row and the ledger, the audited ones.
   */
  hold(tool: Tool, req: CallRequest, argsJson: string, auditJson: string, risk: Risk): CallOutcome {
    const { calls, ledger } = this.x;
    const seq = calls.nextSeq();
    const id = callId(seq);
    const now = Date.now();
    const level = this.x.policy.level;
    let aSeq = 0;
    this.x.write(() =>
      calls.transaction(() => {
        calls.insert({ seq, ts: now, tool: tool.name, agent: req.agent, correlationId: req.correlationId ?? null, args: auditJson, status: "queued" });
        aSeq = this.store.insert({ callSeq: seq, ts: now, tool: tool.name, agent: req.agent, risk, args: argsJson, onBehalfOf: req.onBehalfOf });
        ledger.appendJson(
          { kind: "queued", callId: id, tool: tool.name, agent: req.agent, correlationId: req.correlationId },
          `{"approval":"${approvalId(aSeq)}","risk":"${risk}","level":"${level}","args":${this.x.keep(auditJson)}${behalf(req.onBehalfOf)}}`,
        );
      }),
    );
    const settled = new Promise<unknown>((resolve, reject) => this.waiting.set(aSeq, { resolve, reject }));
    settled.catch(() => {}); // nobody has to wait for it
    log.info(`tools: ${id} ${tool.name} by ${req.agent} waits for approval ${approvalId(aSeq)} (${risk} risk, ${level})`);
    return { status: "queued", callId: id, approvalId: approvalId(aSeq), settled };
  }

  pending(): ApprovalView[] {
    const now = Date.now();
    return this.store.pending().map((r) => toApprovalView(r, now));
  }

  get(id: string): ApprovalView {
    return toApprovalView(this.find(id));
  }

  private find(id: string) {
    const n = idNumber("a", id);
    const a = n === undefined ? undefined : this.store.get(n);
    if (!a) throw new ApprovalNotFoundError(id);
    return a;
  }

  /** Runs a held call now; resolves with its result (or throws how it failed, as a direct call would). */
  async approve(id: string, d: Decision): Promise<ApprovalOutcome> {
    const { calls, ledger, policy } = this.x;
    const a = this.find(id);
    if (a.status !== "pending") throw new ApprovalDecidedError(approvalId(a.seq), a.status);
    const rec = calls.get(a.callSeq);
    if (!rec) throw new CallNotFoundError(callId(a.callSeq));
    const tool = this.x.registry.require(a.tool);
    const cid = callId(a.callSeq);
    const corr = rec.correlationId ?? undefined;
    const pattern = d.remember === true ? exactPattern(JSON.parse(a.args)) : d.remember || undefined;
    if (pattern) checkPattern(tool, pattern);
    const now = Date.now();
    let rule: ApprovalRule | undefined;
    this.x.write(() =>
      calls.transaction(() => {
        if (!this.store.decide({ seq: a.seq, status: "approved", at: now, by: d.by })) throw new ApprovalDecidedError(approvalId(a.seq), "decided");
        calls.leaveQueue(a.callSeq, "running", now);
        if (pattern) rule = policy.remember(a.tool, pattern, d.by, now, a.seq);
        ledger.appendJson(
          { kind: "approval", callId: cid, tool: a.tool, agent: a.agent, correlationId: corr },
          JSON.stringify({ approval: approvalId(a.seq), decision: "approve", by: d.by, rule: rule?.id }),
        );
      }),
    );
    if (rule) policy.adopt(rule);
    const waiter = this.take(a.seq);
    try {
      const onBehalfOf = a.onBehalfOf ?? undefined;
      const result = await this.x.resume({ seq: a.callSeq, tool, agent: a.agent, correlationId: corr, onBehalfOf, args: a.args, approvalId: approvalId(a.seq) });
      waiter?.resolve(result);
      return { approvalId: approvalId(a.seq), callId: cid, decision: "approve", result, ...(rule ? { ruleId: rule.id } : {}) };
    } catch (err) {
      await ledger.durable().catch(() => {});
      waiter?.reject(err);
      throw err;
    }
  }

  deny(id: string, d: Decision): ApprovalOutcome {
    const { calls, ledger } = this.x;
    const a = this.find(id);
    if (a.status !== "pending") throw new ApprovalDecidedError(approvalId(a.seq), a.status);
    const cid = callId(a.callSeq);
    const now = Date.now();
    const corr = calls.get(a.callSeq)?.correlationId ?? undefined;
    const err = new ToolDeniedError(a.tool, approvalId(a.seq), d.by);
    err.callId = cid;
    this.x.write(() =>
      calls.transaction(() => {
        if (!this.store.decide({ seq: a.seq, status: "denied", at: now, by: d.by, reason: d.reason })) throw new ApprovalDecidedError(approvalId(a.seq), "decided");
        calls.leaveQueue(a.callSeq, "denied", now, d.reason ? `${err.message}: ${d.reason}` : err.message);
        ledger.appendJson(
          { kind: "approval", callId: cid, tool: a.tool, agent: a.agent, correlationId: corr },
          JSON.stringify({ approval: approvalId(a.seq), decision: "deny", by: d.by, reason: d.reason }),
        );
      }),
    );
    ledger.syncNow(); // a person's decision: on disk before it is confirmed
    this.take(a.seq)?.reject(err);
    return { approvalId: approvalId(a.seq), callId: cid, decision: "deny" };
  }

  private take(seq: number): Waiter | undefined {
    const w = this.waiting.get(seq);
    this.waiting.delete(seq);
    return w;
  }

  /** Rejects the callers still waiting on held calls (the calls stay queued in the database). */
  close(): void {
    for (const w of this.waiting.values()) w.reject(new ToolError("closing", "tools: the executor is closing"));
    this.waiting.clear();
  }
}
