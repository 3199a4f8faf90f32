/**
 * sys.undo: rolls back through the executor's rollback (ToolHost.rollback),
 * never around it: `{}` the most recent change that can still be undone,
 * `{call}` one call, `{goal}` every call of goal N that can still be undone,
 * newest first. Authority never transfers: the caller must hold the
 * capability of every tool whose call it undoes, checked for all of them
 * before anything is undone. Not itself reversible (undoing an undo is
 * redoing, which is running the tool again).
 */
import * as v from "valibot";
import { defineTool, type ToolContext } from "../define";
import { NothingToUndoError, ToolError, ToolForbiddenError } from "../errors";
import type { RollbackPort, UndoCandidate } from "../rollback";

const TOOL = "sys.undo";
const WHAT_MAX = 160;

function port(ctx: ToolContext): RollbackPort {
  const p = ctx.host.rollback;
  if (!p) throw new ToolError("unavailable", `${TOOL}: no rollback on this host`);
  return p;
}

/** What the call did, for a person: the tool's own summary of its result when it has one, else its arguments. */
function what(ctx: ToolContext, c: UndoCandidate): string {
  const tool = ctx.host.registry?.get(c.tool);
  let text: string | undefined;
  if (tool?.summarize && c.result !== undefined) {
    try {
      text = tool.summarize(c.result, c.args);
    } catch {
      // an old result its summary no longer reads: fall back to the arguments
    }
  }
  text ??= `${c.tool} ${JSON.stringify(c.args)}`;
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > WHAT_MAX ? `${one.slice(0, WHAT_MAX - 1)}…` : one;
}

const undoneOutput = v.object({ callId: v.string(), tool: v.string(), agent: v.string(), correlationId: v.nullable(v.string()), at: v.number(), what: v.string() });

export const sysUndo = defineTool({
  name: TOOL,
  description:
    "Undo changes through rollback: {} the most recent change that can still be undone, {call: \"c12\"} one call, {goal: 7} every change of goal 7 that can still be undone (newest first). " +
    "The caller must hold the capability of each tool it undoes. Not itself reversible.",
  // One object schema (what tool definitions for models need); call and goal exclude each other.
  input: v.pipe(
    v.strictObject({
      call: v.optional(v.pipe(v.string("must be a string"), v.regex(/^c\d{1,15}$/, 'must be a call id such as "c12"'))),
      goal: v.optional(v.pipe(v.number("must be a number"), v.integer("must be an integer"), v.minValue(1, "must be at least 1"))),
    }),
    v.check((a) => a.call === undefined || a.goal === undefined, "give call or goal, not both ({} undoes the most recent change)"),
  ),
  output: v.object({
    target: v.picklist(["latest", "call", "goal"]),
    undone: v.array(undoneOutput),
    /** Goal only: the call whose undo failed; the newer ones stay undone, the older ones were not tried. */
    failed: v.nullable(v.object({ callId: v.string(), tool: v.string(), code: v.string(), message: v.string() })),
  }),
  risk: "medium",
  readOnly: false,
  idempotent: false,
  reversible: false,
  timeoutMs: 600_000,
  async execute(args, ctx) {
    const rollback = port(ctx);
    const target: "call" | "goal" | "latest" = args.call !== undefined ? "call" : args.goal !== undefined ? "goal" : "latest";
    let calls: UndoCandidate[];
    if (args.call !== undefined) calls = [rollback.call(args.call)];
    else if (args.goal !== undefined) {
      calls = rollback.correlation(`g${args.goal}`);
      if (!calls.length) throw new NothingToUndoError(`goal ${args.goal}`, "none of its changes can still be undone");
    } else {
      const latest = rollback.latest();
      if (!latest) throw new NothingToUndoError("aiOS", "no change can still be undone");
      calls = [latest];
    }
    // Every capability first: a goal is undone whole or not at all as far as authority goes.
    for (const c of calls) if (!ctx.host.capabilities.allows(ctx.agent, c.tool)) throw new ToolForbiddenError(ctx.agent, c.tool);
    const by = `${ctx.agent} (${TOOL} ${ctx.callId})`;
    const undone: Array<v.InferOutput<typeof undoneOutput>> = [];
    for (const c of calls) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      try {
        await rollback.undo(c.callId, by);
      } catch (err) {
        if (target !== "goal" || undone.length === 0) throw err;
        const e = err instanceof ToolError ? err : new ToolError("undo_failed", String(err));
        return { target, undone, failed: { callId: c.callId, tool: c.tool, code: e.code, message: e.message } };
      }
      undone.push({ callId: c.callId, tool: c.tool, agent: c.agent, correlationId: c.correlationId, at: c.ts, what: what(ctx, c) });
    }
    return { target, undone, failed: null };
  },
  summarize: (o) => {
    const lines = o.undone.map((u) => `Undid ${u.callId} (${u.tool}): ${u.what}`);
    if (o.failed) lines.push(`The undo of ${o.failed.callId} (${o.failed.tool}) failed: ${o.failed.message}; older changes were not tried`);
    return lines.join("\n");
  },
});
