/** `tools [name]`: the tool registry; with a name, its flags and arguments (from its JSON Schema). */
import type { ConsoleTools, CommandIO } from "../command";
import { defineCommand } from "../command";
import { table } from "../../sys/text";

/** The tools of the running system, or a plain error the REPL prints. */
export function toolsOf(io: CommandIO): ConsoleTools {
  if (!io.deps.tools) throw new Error("tools are not available (the tools boot step did not run)");
  return io.deps.tools;
}

export function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** A table whose last column (free text) is clipped so each line fits `width` columns. */
export function fitTable(rows: string[][], width = 80): string {
  const n = rows[0]!.length;
  let fixed = 0;
  for (let i = 0; i < n - 1; i++) fixed += Math.max(...rows.map((r) => r[i]!.length)) + 2;
  return table(rows.map((r) => [...r.slice(0, -1), clip(r[n - 1]!, Math.max(10, width - fixed))]));
}

const flags = (t: { readOnly: boolean; idempotent: boolean; reversible: boolean }) => `${t.readOnly ? "r" : "-"}${t.idempotent ? "i" : "-"}${t.reversible ? "u" : "-"}`;

interface Prop {
  type?: string | string[];
  enum?: unknown[];
  items?: Prop;
  description?: string;
}

function typeOf(p: Prop): string {
  if (p.enum) return p.enum.map((e) => JSON.stringify(e)).join("|");
  if (p.type === "array" && p.items) return `${typeOf(p.items)}[]`;
  return Array.isArray(p.type) ? p.type.join("|") : (p.type ?? "any");
}

export const tools = defineCommand({
  name: "tools",
  summary: "list tools (flags: r read-only, i idempotent, u undoable); tools <name> for its arguments",
  usage: "tools [name]",
  run: ([name], io) => {
    const t = toolsOf(io);
    if (name) {
      const d = t.registry.describe(name);
      const schema = d.inputSchema as { properties?: Record<string, Prop>; required?: string[] };
      const required = new Set(schema.required ?? []);
      const args = Object.entries(schema.properties ?? {}).map(([k, p]) => [`  ${k}`, typeOf(p), required.has(k) ? "required" : "optional", p.description ?? ""]);
      io.print(
        [
          `${d.name}: ${d.description}`,
          `risk ${d.risk}, ${d.readOnly ? "read-only" : "changes the system"}, ${d.idempotent ? "idempotent" : "not idempotent"}, ${d.reversible ? "undoable" : "not undoable"}, timeout ${d.timeoutMs} ms`,
          args.length ? `arguments:\n${table(args)}` : "arguments: none",
        ].join("\n"),
      );
      return;
    }
    io.print(fitTable([["NAME", "RISK", "FLG", "DESCRIPTION"], ...t.registry.describeAll().map((d) => [d.name, d.risk, flags(d), d.description])]));
  },
});
