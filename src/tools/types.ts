/** What callers hand the executor and what they get back. */

import type { AutonomyLevel } from "../config";

export interface CallRequest {
  tool: string;
  args: unknown;
  /** The agent the call runs as; its capabilities are checked. */
  agent: string;
  /**
   * The principal it acts for (authority.ts): the agent that created the job,
   * goal or held call this call comes from, or `person:<via>`. An agent
   * principal's capabilities must cover the tool too; the audit records it.
   * Absent: the agent acts on its own behalf.
   */
  onBehalfOf?: string;
  /** Groups calls (a goal id) for tracing and rollback together. */
  correlationId?: string;
  /** A stricter autonomy level for this call (a goal submitted as `manual`); never a looser one. */
  autonomy?: AutonomyLevel;
  /** Cancels the call (a client that went away, a cancelled goal). */
  signal?: AbortSignal;
}

/**
 * `done`: it ran and returned `result`. `queued`: the autonomy gate holds it
 * until a person approves; `settled` resolves with the eventual outcome.
 * Failures (bad input, missing capability, timeout, denial, tool error) are
 * thrown as ToolError subclasses.
 */
export type CallOutcome =
  | { status: "done"; callId: string; result: unknown }
  | { status: "queued"; callId: string; approvalId: string; settled: Promise<unknown> };

/** The one door to the tools: the executor implements it, agents and the API use it. */
export interface ToolCaller {
  call(req: CallRequest): Promise<CallOutcome>;
}
