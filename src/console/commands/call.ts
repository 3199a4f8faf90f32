/**
 * `call <tool> [args] [as <agent>]`: one call through the executor, as the API
 * makes it. Arguments are a JSON object (`{"path": "/etc/hostname"}`), or
 * key=value words (`path=/etc/hostname`; values that parse as JSON are taken
 * as JSON; quote a whole word to keep spaces: "content=hello world").
 */
import { ToolError } from "../../tools";
import { defineCommand } from "../command";
import { toolsOf } from "./tools";

/** The words after the tool name, as arguments; throws a message saying how to write them. */
export function parseCallArgs(words: string[]): unknown {
  if (!words.length) return {};
  if (words.every((w) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(w))) {
    const out: Record<string, unknown> = {};
    for (const w of words) {
      const eq = w.indexOf("=");
      const raw = w.slice(eq + 1);
      let value: unknown = raw;
      try {
        value = JSON.parse(raw);
      } catch {
        // a bare word is a string
      }
      out[w.slice(0, eq)] = value;
    }
    return out;
  }
  try {
    return JSON.parse(words.join(" "));
  } catch {
    throw new Error('arguments must be a JSON object ({"path": "/etc"}) or key=value words (path=/etc)');
  }
}

/** The JSON object as typed, spaces and all, when the arguments are one (`call fs.read {"path": "/etc"} as system`). */
function jsonArgs(raw: string | undefined, tool: string): unknown {
  const text = raw?.slice(raw.indexOf(tool) + tool.length).replace(/\s+as\s+[A-Za-z0-9_-]+\s*$/, "").trim();
  if (!text?.startsWith("{")) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`arguments: malformed JSON: ${(err as Error).message}`);
  }
}

export function describeFailure(err: unknown): string {
  if (err instanceof ToolError) return `${err.message}${err.callId ? ` (call ${err.callId})` : ""}`;
  return err instanceof Error ? err.message : String(err);
}

export const call = defineCommand({
  name: "call",
  summary: "call a tool through the executor (checked, gated, audited)",
  usage: "call <tool> [json | key=value ...] [as <agent>]",
  run: async (words, io) => {
    const t = toolsOf(io);
    const [tool, ...rest] = words;
    if (!tool) {
      io.print("usage: call <tool> [json | key=value ...] [as <agent>]");
      return;
    }
    let agent: string | undefined;
    if (rest.length >= 2 && rest.at(-2) === "as") {
      agent = rest.at(-1);
      rest.splice(-2);
    }
    agent ??= t.route?.(tool);
    if (!agent) {
      io.print(`call: say which agent calls it: call ${tool} ... as <agent>`);
      return;
    }
    let args: unknown;
    try {
      args = jsonArgs(io.raw, tool) ?? parseCallArgs(rest);
    } catch (err) {
      io.print(`call: ${(err as Error).message}`);
      return;
    }
    try {
      const out = await t.executor.call({ tool, args, agent });
      if (out.status === "queued") io.print(`queued as approval ${out.approvalId} (call ${out.callId}): approve ${out.approvalId} or deny ${out.approvalId}`);
      else io.print(`${out.callId} done\n${JSON.stringify(out.result, null, 2)}`);
    } catch (err) {
      io.print(`call: ${describeFailure(err)}`);
    }
  },
});
