/** `tools [NAME]`, `call TOOL key=value…`, `rollback CALL`. */
import { table } from "../../sys/text";
import { type JsonSchema, typedArgs } from "../args";
import { EXIT, usageError } from "../errors";
import { defineVerb, print } from "../verb";

export interface ToolInfo {
  name: string;
  description: string;
  risk: string;
  readOnly: boolean;
  idempotent: boolean;
  reversible: boolean;
  timeoutMs: number;
  inputSchema: JsonSchema;
}

/** A call's outcome as a person reads it: the tool's summary when the API gives one, else the result. */
export function callText(r: { callId?: string; result?: unknown; summary?: string }): string {
  const head = r.callId ? `${r.callId} done` : "done";
  if (r.summary) return `${head}: ${r.summary}`;
  return r.result === undefined ? head : `${head}\n${JSON.stringify(r.result, null, 2)}`;
}

function flagsOf(t: ToolInfo): string {
  return [t.readOnly ? "read-only" : "", t.reversible ? "reversible" : "", t.idempotent ? "idempotent" : ""].filter(Boolean).join(",") || "-";
}

function typeText(s: JsonSchema): string {
  if (s.enum) return s.enum.map(String).join("|");
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return alts.map(typeText).join(" or ");
  const t = Array.isArray(s.type) ? s.type.join("|") : (s.type ?? "any");
  return t === "array" ? `list of ${s.items ? typeText(s.items) : "any"}` : t;
}

export function formatTool(t: ToolInfo): string {
  const lines = [`${t.name} (${t.risk} risk; ${flagsOf(t)}; timeout ${t.timeoutMs / 1000} s)`, `  ${t.description}`];
  const props = Object.entries(t.inputSchema.properties ?? {});
  if (props.length) {
    const required = new Set(t.inputSchema.required ?? []);
    const rows = [["  ARGUMENT", "TYPE", ""]];
    for (const [k, s] of props) rows.push([`  ${k}`, typeText(s), required.has(k) ? "required" : s.default !== undefined ? `default ${JSON.stringify(s.default)}` : "optional"]);
    lines.push(table(rows));
  } else lines.push("  no arguments");
  const example = (t.inputSchema.required ?? []).map((k) => `${k}=…`).join(" ");
  lines.push(`  aios-init ctl call ${t.name}${example ? ` ${example}` : ""}`);
  return lines.join("\n");
}

export const tools = defineVerb({
  name: "tools",
  args: "[NAME]",
  summary: "the tools (risk, flags); with a name, its arguments",
  flags: ["names"],
  complete: "tools",
  async run(ctx, args) {
    const api = ctx.api();
    if (args[0]) {
      const t = await api.get<ToolInfo>(`/api/v1/tools/${encodeURIComponent(args[0])}`);
      print(ctx, t, formatTool);
      return EXIT.ok;
    }
    const r = await api.get<{ tools: ToolInfo[] }>("/api/v1/tools");
    if (ctx.flags.names) {
      ctx.io.out(ctx.json ? JSON.stringify(r.tools.map((t) => t.name)) : r.tools.map((t) => t.name).join("\n"));
      return EXIT.ok;
    }
    print(ctx, r.tools, (list) => {
      const rows = [["TOOL", "RISK", "FLAGS", "DESCRIPTION"]];
      for (const t of list) rows.push([t.name, t.risk, flagsOf(t), t.description.replace(/\s+/g, " ").slice(0, 70)]);
      return `${table(rows)}\n${list.length} tools: aios-init ctl tools NAME shows one's arguments`;
    });
    return EXIT.ok;
  },
});

export const call = defineVerb({
  name: "call",
  args: "TOOL [key=value…]",
  summary: "call a tool through the executor (checked, gated, audited); values typed by its schema",
  flags: ["agent"],
  complete: "tools",
  async run(ctx, args) {
    const [name, ...words] = args;
    if (!name) throw usageError("usage: aios-init ctl call TOOL [key=value…] (aios-init ctl tools lists them)");
    const api = ctx.api();
    const tool = await api.get<ToolInfo>(`/api/v1/tools/${encodeURIComponent(name)}`);
    const body: Record<string, unknown> = { args: typedArgs(tool.name, tool.inputSchema, words) };
    if (ctx.flags.agent) body.agent = ctx.flags.agent;
    const r = await api.request<{ callId: string; result?: unknown; summary?: string; status?: string; approvalId?: string; agent?: string }>("POST", `/api/v1/tools/${encodeURIComponent(tool.name)}`, body);
    if (r.status === 202) {
      print(ctx, r.body, (b) => `${b.callId} held for approval ${b.approvalId} (${tool.risk} risk): aios-init ctl approve ${b.approvalId}, or deny ${b.approvalId}`);
      return EXIT.held;
    }
    print(ctx, r.body, callText);
    return EXIT.ok;
  },
});

export const rollback = defineVerb({
  name: "rollback",
  args: "CALL",
  summary: "undo one call (c12) from its undo record",
  async run(ctx, args) {
    const [id, ...rest] = args;
    if (!id || rest.length || !/^c?\d{1,15}$/.test(id)) throw usageError("usage: aios-init ctl rollback CALL (a call id, e.g. c12)");
    const callId = id.startsWith("c") ? id : `c${id}`;
    const r = await ctx.api().post<Record<string, unknown>>(`/api/v1/calls/${callId}/rollback`);
    print(ctx, r, (x) => `${callId} rolled back${typeof x.summary === "string" ? `: ${x.summary}` : ""}`);
    return EXIT.ok;
  },
});
