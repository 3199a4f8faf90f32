/**
 * The strategic planner: an external model through the gateway, in the tool
 * loop (loop.ts). Every tool of the registry is offered in the provider's own
 * function-calling format (generated from the same valibot schemas); at each
 * step the model calls tools, sees their results as tool results (typed,
 * truncated), and calls more or answers. Its first step must call a tool: an
 * answer is built from what tools report. A month's budget that runs out
 * stops the loop (LoopStop); the calls themselves go through the guard and
 * the executor's gates in the engine.
 */
import type { ContentPart, Gateway, Message, ToolSpec } from "../../gateway";
import { GatewayError, toolSpec } from "../../gateway";
import type { ToolRegistry } from "../../tools/registry";
import { LOOP_RULES, loopBrief, LoopStop, observe } from "../loop";
import type { Decision, StepContext, Stepper } from "../types";
import { modelPlanner } from "./model";

export interface GatewayPlannerOptions {
  /** The gateway, or why there is none (no provider has a key, ...). */
  gateway: () => Gateway | undefined;
  whyNone: () => string;
  registry: ToolRegistry;
  /** Most tokens the model may write per step. */
  maxTokens?: number;
  /** Characters of one tool result the model is shown. */
  resultChars?: number;
}

/** The conversation so far in the gateway's neutral words: the brief, then each decision and its results. */
export function conversation(ctx: StepContext, registry: ToolRegistry, chars: number): Message[] {
  const messages: Message[] = [{ role: "user", content: loopBrief(ctx) }];
  for (const t of ctx.turns) {
    if (t.decision.kind !== "calls") continue;
    const said: ContentPart[] = t.decision.text ? [{ type: "text", text: t.decision.text }] : [];
    messages.push({ role: "assistant", content: [...said, ...t.decision.calls.map((c): ContentPart => ({ type: "tool_call", id: c.id, name: c.tool, input: c.args }))] });
    messages.push({ role: "user", content: t.observations.map((o): ContentPart => ({ type: "tool_result", id: o.call.id, content: observe(o, registry, chars), isError: o.outcome !== "done" })) });
  }
  return messages;
}

/** Every provider said no for want of money (or a key): no other decision will get an answer this month. */
function budgetSpent(err: unknown): boolean {
  return err instanceof GatewayError && err.failures.length > 0 && err.failures.some((f) => f.code === "over_budget") && err.failures.every((f) => f.code === "over_budget" || f.code === "no_key");
}

export function gatewayStepper(gateway: Gateway, opts: GatewayPlannerOptions): Stepper {
  let tools: ToolSpec[] | undefined;
  let size = -1;
  return {
    name: "gateway",
    async decide(ctx): Promise<Decision> {
      if (size !== opts.registry.list().length) {
        tools = opts.registry.list().map((t) => toolSpec(t));
        size = tools.length;
      }
      let r: Awaited<ReturnType<Gateway["complete"]>>;
      try {
        r = await gateway.complete({
          system: LOOP_RULES,
          messages: conversation(ctx, opts.registry, opts.resultChars ?? 4000),
          tools,
          toolChoice: ctx.turns.length === 0 ? "any" : "auto",
          maxTokens: opts.maxTokens ?? 2048,
          temperature: 0,
          signal: ctx.signal,
          purpose: `goal ${ctx.goalId} step ${ctx.turns.length + 1}`,
        });
      } catch (err) {
        if (budgetSpent(err)) throw new LoopStop("budget", (err as Error).message, { cause: err });
        throw err;
      }
      const usage = {
        tokens: r.usage.inputTokens + r.usage.outputTokens,
        costUsd: r.costUsd,
        by: `${r.provider} (${r.model}, ${r.usage.inputTokens}+${r.usage.outputTokens} tokens, $${r.costUsd.toFixed(4)})`,
      };
      if (r.toolCalls.length === 0) return { kind: "finish", text: r.text.trim(), usage };
      return { kind: "calls", calls: r.toolCalls.map((c) => ({ id: c.id, tool: c.name, args: c.input })), ...(r.text.trim() ? { text: r.text.trim() } : {}), usage };
    },
  };
}

export function gatewayPlanner(opts: GatewayPlannerOptions) {
  return modelPlanner("gateway", () => {
    const gateway = opts.gateway();
    if (!gateway) return { pass: `no external model: ${opts.whyNone()}` };
    return gatewayStepper(gateway, opts);
  });
}
