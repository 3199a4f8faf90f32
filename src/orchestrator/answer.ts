/**
 * The answer a person reads when a goal ends, composed from the typed
 * results of its tool calls (each tool's `summarize`, over the output its
 * schema declares) — never from guessed keys, never invented:
 *   done      the summaries of the calls that belong in the answer;
 *   failed    what failed, what was found or done before, what was rolled back;
 *   cancelled the same, cancelled by whom;
 *   refused   what was not understood, and the closest things aiOS can do.
 */
import * as v from "valibot";
import { errorMessage } from "../sys";
import type { Tool } from "../tools/define";
import type { ToolRegistry } from "../tools/registry";
import type { CorrelationUndo } from "../tools/rollback";
import type { CallRecord } from "./execute";
import type { TaskPlan } from "./plan";

/** A finished call with what the plan said about it. */
export interface AnsweredCall {
  tool: string;
  callId: string;
  args: Record<string, unknown>;
  result: unknown;
  /** The plan's own checks (`answer: false`) are left out of the answer. */
  answer: boolean;
}

export function answeredCall(task: TaskPlan, record: CallRecord): AnsweredCall {
  const planned = task.calls[record.index];
  return { tool: record.tool, callId: record.callId, args: planned?.args ?? {}, result: record.result, answer: planned?.answer !== false };
}

/** One call's summary: the tool's own words over its typed output, or a plain line when it has none. */
export function summarizeCall(call: AnsweredCall, registry: ToolRegistry): string {
  const tool = registry.get(call.tool) as Tool | undefined;
  if (!tool?.summarize) return `${call.tool} (${call.callId}) done`;
  try {
    const args = v.safeParse(tool.input, call.args);
    return tool.summarize(call.result, args.success ? args.output : call.args).trim() || `${call.tool} (${call.callId}) done`;
  } catch (err) {
    return `${call.tool} (${call.callId}) done; its summary failed: ${errorMessage(err)}`;
  }
}

/** A done goal: what each call found or did, in plan order. */
export function answerDone(summary: string, calls: readonly AnsweredCall[], registry: ToolRegistry): string {
  const lines = calls.filter((c) => c.answer).map((c) => summarizeCall(c, registry));
  return lines.length ? lines.join("\n") : `Done: ${summary}`;
}

export interface Ending {
  /** failed or cancelled */
  state: "failed" | "cancelled";
  /** Why: "task page: fs.write: EACCES ...", "cancelled by console". */
  reason: string;
  /** The calls that finished before it ended. */
  calls: readonly AnsweredCall[];
  /** What the rollback did; absent when there was none to do or it was off. */
  rollback?: { undo?: CorrelationUndo; error?: string; off?: boolean };
}

/** A failed or cancelled goal: what went wrong, what is still true, what was undone. */
export function answerEnded(e: Ending, registry: ToolRegistry): string {
  const undone = new Set(e.rollback?.undo?.undone ?? []);
  const lines = [e.state === "cancelled" ? `Cancelled: ${e.reason}` : `Failed: ${e.reason}`];
  const kept = e.calls.filter((c) => c.answer && !undone.has(c.callId));
  if (kept.length) lines.push(`${e.state === "cancelled" ? "Before it was cancelled" : "Before it failed"}:`, ...kept.map((c) => indent(summarizeCall(c, registry))));
  const byId = new Map(e.calls.map((c) => [c.callId, c]));
  const rolled = [...undone].map((id) => byId.get(id));
  if (rolled.length) {
    lines.push(`Rolled back ${rolled.length === 1 ? "1 change" : `${rolled.length} changes`}:`);
    [...undone].forEach((id, i) => {
      const c = rolled[i];
      lines.push(indent(c ? `${summarizeCall(c, registry)} (${c.tool}, ${id}): undone` : `${id}: undone`));
    });
  }
  const r = e.rollback;
  const stayed = (r?.undo?.skipped ?? []).flatMap((s) => {
    const c = byId.get(s.callId);
    return c && isChange(c, registry) ? [indent(`${summarizeCall(c, registry)} (${c.tool}, ${s.callId}): not undone, ${s.reason}`)] : [];
  });
  if (stayed.length) lines.push("Still in place:", ...stayed);
  if (r?.undo?.failed) lines.push(`The rollback stopped at ${r.undo.failed.callId}: ${r.undo.failed.message}; older changes are still in place`);
  else if (r?.error) lines.push(`The rollback failed: ${r.error}`);
  else if (r?.off && e.calls.some((c) => isChange(c, registry))) lines.push("Nothing was rolled back ([orchestrator] rollback_on_failure is off): the changes above stay");
  else if (!rolled.length && !e.calls.some((c) => isChange(c, registry))) lines.push("Nothing was changed.");
  return lines.join("\n");
}

/** A goal no planner could plan: what was not understood, and the closest tools by their own words. */
export function answerRefused(why: string, closest: readonly string[]): string {
  const lines = [`Not done: ${why}`];
  if (closest.length) lines.push(`Closest things aiOS can do: ${closest.join("; ")}`);
  return lines.join("\n");
}

function isChange(c: AnsweredCall, registry: ToolRegistry): boolean {
  return registry.get(c.tool)?.readOnly === false;
}

const indent = (text: string) =>
  text
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");

/** Words that say nothing about which tool fits ("show me the ..."). */
const FILLER = new Set(
  "a an am as if so go be the and or but of to in on at for from with by is are was be it its this that these those my me i you your we our us please can could would should will do does did what which who how why when where show tell give get list make let set all any some there here up down out about into over not no yes just now".split(" "),
);

/** Crudely singular: addresses → address, entries → entry, disks → disk. */
function singular(w: string): string {
  if (w.length <= 3) return w;
  if (/(ss|x|ch|sh)es$/.test(w)) return w.slice(0, -2);
  if (w.endsWith("ies")) return `${w.slice(0, -3)}y`;
  return w.endsWith("s") && !/(ss|us|is)$/.test(w) ? w.slice(0, -1) : w;
}

/** Content words of a text, lower case, singular. */
function words(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length > 1 && !FILLER.has(w))
      .map(singular),
  );
}

/**
 * The tools whose name and description share the most content words with the
 * goal ("open port 8080" → net.check_port ...): what a person may try
 * instead. Nothing when too little is shared — better no hint than a wrong one.
 */
export function closestTools(goal: string, registry: ToolRegistry, max = 3): string[] {
  const want = words(goal);
  if (want.size === 0) return [];
  const scored = registry
    .list()
    .map((t) => {
      const [family = "", verb = ""] = t.name.split(".");
      const noun = words(family);
      const action = words(verb.replace(/_/g, " "));
      const desc = words(t.description);
      let score = 0;
      let verbs = 0;
      // The family names what it acts on (firewall, process): 2. A verb or a word of the
      // description: 1, once per word, so "open the pod bay doors" is not firewall.open.
      for (const w of want) {
        score += noun.has(w) ? 2 : action.has(w) || desc.has(w) ? 1 : 0;
        if (action.has(w)) verbs++;
      }
      return { t, score, verbs };
    })
    .filter((s) => s.score >= 2) // one shared word is chance
    .sort((a, b) => b.score - a.score || b.verbs - a.verbs || a.t.name.localeCompare(b.t.name));
  return scored.slice(0, max).map(({ t }) => `${t.name} (${firstSentence(t.description)})`);
}

function firstSentence(text: string): string {
  const s = /^(.+?[.:;])(\s|$)/.exec(text)?.[1] ?? text;
  const cut = s.replace(/[.:;]$/, "");
  return cut.length > 100 ? `${cut.slice(0, 99)}…` : cut;
}
