/**
 * An agent as actor logic. Each message goes to the handler for its type;
 * what the handler returns is the reply. ToolErrors and AgentErrors are
 * replies too (failed asks), because a refused or failed call is an answer;
 * anything else a handler throws is a bug and crashes the agent, which its
 * supervisor then restarts.
 */
import { type ActorLogic, defineActor } from "../actors";
import { type CallOutcome, resultOf, type Tool, ToolError, type ToolCaller, type ToolResult } from "../tools";
import type { Agent, AgentContext, AgentMessage, Attempt } from "./define";
import { AgentError, BadMessageError, CallQueuedError, UnknownMessageError } from "./errors";

export interface AgentState {
  /** Messages answered since this incarnation started. */
  handled: number;
}

/**
 * Marks the one message that crashes an agent on purpose (AgentRuntime.kill,
 * OTP's exit(Pid, kill)): an operator's way to test or reset supervision. A
 * symbol, so no message built from outside data can carry it.
 */
export const KILL = Symbol("kill");

/** What a killed agent crashes with: not an expected failure, so its supervisor restarts it. */
export class AgentKilled extends Error {}

export function isExpected(err: unknown): err is ToolError | AgentError {
  return err instanceof ToolError || err instanceof AgentError;
}

export function agentLogic(agent: Agent, caller: ToolCaller): ActorLogic<AgentMessage, AgentState> {
  return defineActor<AgentMessage, AgentState>({
    initial: () => ({ handled: 0 }),

    async receive(state, msg, actx) {
      if (msg && typeof msg === "object" && (msg as { [KILL]?: boolean })[KILL]) throw new AgentKilled(`agent ${agent.name}: killed by ${String(msg.by ?? "an operator")}`);
      const type = msg && typeof msg === "object" ? msg.type : undefined;
      const handler = typeof type === "string" && Object.hasOwn(agent.handlers, type) ? agent.handlers[type] : undefined;
      if (!handler) {
        actx.replyError(new UnknownMessageError(agent.name, type));
        return state;
      }
      if (msg.correlationId !== undefined && typeof msg.correlationId !== "string") {
        actx.replyError(new BadMessageError(agent.name, type!, "correlationId", "must be a string"));
        return state;
      }
      try {
        actx.reply(await handler(msg, context(agent.name, caller, actx.signal, msg)));
      } catch (err) {
        if (!isExpected(err)) throw err;
        actx.replyError(err);
      }
      return { handled: state.handled + 1 };
    },
  });
}

function context(name: string, caller: ToolCaller, actorSignal: AbortSignal, msg: AgentMessage): AgentContext {
  const { correlationId, autonomy } = msg;
  const onBehalfOf = typeof msg.onBehalfOf === "string" ? msg.onBehalfOf : undefined;
  const signal = msg.signal instanceof AbortSignal ? AbortSignal.any([actorSignal, msg.signal]) : actorSignal;
  const call = async (tool: string, args: unknown): Promise<CallOutcome> => {
    const outcome = await caller.call({ tool, args, agent: name, correlationId, signal, autonomy, onBehalfOf });
    // Nobody may ever await a queued call's outcome; a later denial must not surface as an unhandled rejection.
    if (outcome.status === "queued") outcome.settled.catch(() => {});
    return outcome;
  };
  const result = async <T extends Tool>(tool: T, args: unknown): Promise<ToolResult<T>> => {
    const outcome = await call(tool.name, args);
    if (outcome.status === "queued") throw new CallQueuedError(name, tool.name, outcome.callId, outcome.approvalId);
    return resultOf(tool, outcome.result);
  };
  return {
    agent: name,
    correlationId,
    signal,
    call,
    result,
    async attempt<T extends Tool>(tool: T, args: unknown): Promise<Attempt<ToolResult<T>>> {
      try {
        return { ok: true, result: await result(tool, args) };
      } catch (err) {
        if (!isExpected(err)) throw err;
        return { ok: false, error: { code: err.code, message: err.message } };
      }
    },
  };
}
