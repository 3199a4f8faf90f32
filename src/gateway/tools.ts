/**
 * Tools as the providers see them. aiOS names tools `namespace.verb`, but
 * Anthropic and OpenAI accept only `^[a-zA-Z0-9_-]{1,64}$`, so `fs.write`
 * goes on the wire as `fs__write`; the way back uses the request's own table,
 * so a name that itself holds `__` still maps back exactly.
 */
import { toJsonSchema } from "@valibot/to-json-schema";
import type * as v from "valibot";
import { GatewayError } from "./errors";
import type { JsonSchema, ToolSpec } from "./types";

const WIRE_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * A tool (anything shaped like `Tool` from src/tools/define.ts) as a neutral
 * tool definition: its valibot input schema as JSON Schema, in the form a call
 * takes (defaults make a field optional). Checks JSON Schema cannot say are
 * left out; the executor still enforces them.
 */
export function toolSpec(tool: { name: string; description: string; input: v.GenericSchema }): ToolSpec {
  const schema = toJsonSchema(tool.input, { errorMode: "ignore", typeMode: "input" }) as JsonSchema;
  delete schema.$schema; // providers take the bare schema object
  return { name: tool.name, description: tool.description, inputSchema: schema };
}

export function wireName(name: string): string {
  return name.replaceAll(".", "__");
}

/** The two-way name table for one request's tools. */
export class ToolNames {
  private readonly toLocal = new Map<string, string>();

  constructor(tools: readonly ToolSpec[]) {
    for (const t of tools) {
      const wire = wireName(t.name);
      if (!WIRE_NAME.test(wire)) throw new GatewayError("bad_tool", `tool ${t.name}: name ${wire} on the wire must match ${WIRE_NAME.source}`);
      const clash = this.toLocal.get(wire);
      if (clash !== undefined) throw new GatewayError("bad_tool", `tool ${t.name}: wire name ${wire} is also ${clash}'s`);
      if (t.inputSchema.type !== "object") throw new GatewayError("bad_tool", `tool ${t.name}: input schema must be an object schema (got type ${JSON.stringify(t.inputSchema.type)})`);
      this.toLocal.set(wire, t.name);
    }
  }

  wire(name: string): string {
    return wireName(name);
  }

  /** aiOS's name for a wire name; an unknown one (the model made it up) comes back as sent, for the executor to refuse. */
  local(wire: string): string {
    return this.toLocal.get(wire) ?? wire;
  }
}
