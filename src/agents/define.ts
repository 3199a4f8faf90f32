/**
 * `defineAgent`: an agent is plain data: a name, what it is for, the tools it
 * may call (names or namespaces, checked by the executor against
 * Capabilities), and a handler per message type. It acts on the system only
 * through its AgentContext, which calls the one executor in its own name.
 */
import type { AutonomyLevel } from "../config";
import type { CallOutcome, Tool, ToolArgs, ToolResult } from "../tools";
import { BadMessageError } from "./errors";

/** Any message an agent receives; `type` picks the handler. */
export interface AgentMessage {
  type: string;
  /** Groups the calls it leads to (a goal id) for tracing and rollback together. */
  correlationId?: string;
  /** A stricter autonomy level for the calls it leads to (a goal submitted as `manual`). */
  autonomy?: AutonomyLevel;
  /** The principal the calls it leads to act for (CallRequest.onBehalfOf): the owner of a job or goal. */
  onBehalfOf?: string;
  /** Cancels the calls it leads to (the sender gave up: a cancelled goal). Agents live in the same process, so a signal can travel in a message. */
  signal?: AbortSignal;
  [field: string]: unknown;
}

/** The message every agent answers: one tool call made in the agent's name. Replies with the CallOutcome. */
export interface CallMessage extends AgentMessage {
  type: "call";
  tool: string;
  args?: unknown;
}

/** A tool call that failed with a ToolError or AgentError, as a value (for summaries that go on after one failure). */
export type Attempt<T = unknown> = { ok: true; result: T } | { ok: false; error: { code: string; message: string } };

export interface AgentContext {
  readonly agent: string;
  /** The message's correlation id, passed on to every call made while handling it. */
  readonly correlationId?: string;
  /** Aborted when the agent stops or crashes; handed to every call. */
  readonly signal: AbortSignal;
  call(tool: string, args: unknown): Promise<CallOutcome>;
  /**
   * The result of a call that ran, typed by the tool's output schema (the
   * executor checked it); a call queued for approval throws CallQueuedError.
   * Arguments the tool defaults may be left out.
   */
  result<T extends Tool>(tool: T, args: Partial<ToolArgs<T>>): Promise<ToolResult<T>>;
  /** Like `result`, but an expected failure comes back as a value instead of a throw. */
  attempt<T extends Tool>(tool: T, args: Partial<ToolArgs<T>>): Promise<Attempt<ToolResult<T>>>;
}

export type AgentHandler<M extends AgentMessage = AgentMessage> = (msg: M, ctx: AgentContext) => unknown;

export interface AgentDefinition {
  name: string;
  description: string;
  /** Tool names (`fs.read`), namespaces (`fs`) or `*`. */
  capabilities: readonly string[];
  /** Own handlers by message type; `call` is built in and cannot be replaced. */
  handlers?: Readonly<Record<string, AgentHandler<any>>>;
}

export interface Agent {
  name: string;
  description: string;
  capabilities: readonly string[];
  handlers: Readonly<Record<string, AgentHandler<any>>>;
}

const NAME = /^[a-z][a-z0-9_-]*$/;
const CAPABILITY = /^(\*|[a-z][a-z0-9_]*(\.(\*|[a-z][a-z0-9_]*))?)$/;

/** The built-in `call` handler: the executor does the checking (input, capability, gate, audit). */
const call: AgentHandler<CallMessage> = (msg, ctx) => {
  if (typeof msg.tool !== "string" || msg.tool === "") throw new BadMessageError(ctx.agent, "call", "tool", "must be a tool name");
  return ctx.call(msg.tool, msg.args ?? {});
};

export function defineAgent(def: AgentDefinition): Agent {
  if (!NAME.test(def.name)) throw new Error(`defineAgent ${def.name}: name must be lower case letters, digits, - or _`);
  for (const c of def.capabilities) {
    if (!CAPABILITY.test(c)) throw new Error(`defineAgent ${def.name}: capability ${JSON.stringify(c)} is not a tool name, a namespace or *`);
  }
  if (def.handlers && Object.hasOwn(def.handlers, "call")) throw new Error(`defineAgent ${def.name}: "call" is built in`);
  return { name: def.name, description: def.description, capabilities: [...def.capabilities], handlers: { ...def.handlers, call } };
}
