/**
 * Ids and the plain views of stored calls and approvals that the API, the
 * REPL and agents read. Ids are short and typeable on a serial console:
 * `c42` (call), `a7` (approval), `r3` (remembered rule).
 */
import type { ApprovalRecord, CallRecord, CallStatus, RuleRecord } from "../memory";
import type { Risk } from "./define";
import type { ApprovalRule, ArgPattern } from "./gate";

export const callId = (seq: number) => `c${seq}`;
export const approvalId = (seq: number) => `a${seq}`;
export const ruleId = (seq: number) => `r${seq}`;

/** The number in an id (`c42` or plain `42`), or undefined when it is not one of `prefix`'s. */
export function idNumber(prefix: "c" | "a" | "r", id: string): number | undefined {
  const m = /^([car]?)(\d{1,15})$/.exec(id);
  if (!m || (m[1] && m[1] !== prefix)) return undefined;
  return Number(m[2]);
}

export interface CallView {
  callId: string;
  tool: string;
  agent: string;
  correlationId?: string;
  status: CallStatus;
  args: unknown;
  result?: unknown;
  error?: { code: string; message: string };
  startedAt: number;
  finishedAt?: number;
  approvalId?: string;
  undo: { reversible: boolean; available: boolean; undoneAt?: number };
}

export function toCallView(r: CallRecord, reversible: boolean, approval?: number): CallView {
  const v: CallView = {
    callId: callId(r.seq),
    tool: r.tool,
    agent: r.agent,
    status: r.status,
    args: JSON.parse(r.args),
    startedAt: r.ts,
    undo: { reversible, available: reversible && r.undo !== null && r.undoneAt === null },
  };
  if (r.correlationId !== null) v.correlationId = r.correlationId;
  if (r.result !== null) v.result = JSON.parse(r.result);
  if (r.errorCode !== null) v.error = { code: r.errorCode, message: r.errorMessage ?? "" };
  if (r.finishedAt !== null) v.finishedAt = r.finishedAt;
  if (approval !== undefined) v.approvalId = approvalId(approval);
  if (r.undoneAt !== null) v.undo.undoneAt = r.undoneAt;
  return v;
}

export interface ApprovalView {
  approvalId: string;
  callId: string;
  tool: string;
  agent: string;
  risk: Risk;
  args: unknown;
  status: ApprovalRecord["status"];
  createdAt: number;
  ageMs: number;
  decidedAt?: number;
  decidedBy?: string;
  reason?: string;
}

export function toApprovalView(r: ApprovalRecord, now = Date.now()): ApprovalView {
  const v: ApprovalView = {
    approvalId: approvalId(r.seq),
    callId: callId(r.callSeq),
    tool: r.tool,
    agent: r.agent,
    risk: r.risk as Risk,
    args: JSON.parse(r.args),
    status: r.status,
    createdAt: r.ts,
    ageMs: Math.max(0, now - r.ts),
  };
  if (r.decidedAt !== null) v.decidedAt = r.decidedAt;
  if (r.decidedBy !== null) v.decidedBy = r.decidedBy;
  if (r.reason !== null) v.reason = r.reason;
  return v;
}

export function toRule(r: RuleRecord): ApprovalRule {
  return { id: ruleId(r.seq), tool: r.tool, pattern: JSON.parse(r.pattern) as ArgPattern, createdBy: r.createdBy, ts: r.ts };
}
