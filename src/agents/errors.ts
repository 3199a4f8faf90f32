/**
 * Expected failures of an agent's answer. Like ToolErrors they are replies,
 * not crashes: only an unexpected throw in a handler (a bug) crashes an agent.
 */
import { AiosError } from "../sys";

export const AGENT_ERROR_CODES = ["unknown_agent", "no_agent", "unknown_message", "bad_message", "queued"] as const;
export type AgentErrorCode = (typeof AGENT_ERROR_CODES)[number];

export class AgentError extends AiosError<AgentErrorCode> {}

export class UnknownAgentError extends AgentError {
  constructor(name: string) {
    super("unknown_agent", `agent ${name}: no such agent`);
  }
}

/** A call named no agent and none has a capability covering the tool. */
export class NoAgentForToolError extends AgentError {
  constructor(tool: string) {
    super("no_agent", `${tool}: no agent has a capability covering it`);
  }
}

/** The message's type has no handler in this agent. */
export class UnknownMessageError extends AgentError {
  constructor(agent: string, type: unknown) {
    super("unknown_message", `agent ${agent}: no handler for message ${JSON.stringify(type) ?? String(type)}`);
  }
}

/** A message with a missing or wrongly typed field. */
export class BadMessageError extends AgentError {
  readonly field: string;
  constructor(agent: string, type: string, field: string, reason: string) {
    super("bad_message", `agent ${agent}: ${type}: ${field}: ${reason}`);
    this.field = field;
  }
}

/** A handler needed a tool's result, but the autonomy gate holds the call for a person's approval. */
export class CallQueuedError extends AgentError {
  readonly approvalId: string;
  readonly callId: string;
  constructor(agent: string, tool: string, callId: string, approvalId: string) {
    super("queued", `agent ${agent}: ${tool}: waiting for approval ${approvalId}`);
    this.approvalId = approvalId;
    this.callId = callId;
  }
}
