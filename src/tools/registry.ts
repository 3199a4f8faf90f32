/**
 * The tool registry: every tool by name, and what the API and the REPL show
 * of each (its flags and its input as JSON Schema, computed once).
 */
import type { Risk, Tool } from "./define";
import { ToolNotFoundError } from "./errors";
import { type JsonSchema, jsonSchemaOf } from "./schema";

export interface ToolDescription {
  name: string;
  description: string;
  risk: Risk;
  readOnly: boolean;
  idempotent: boolean;
  reversible: boolean;
  timeoutMs: number;
  inputSchema: JsonSchema;
}

export class ToolRegistry {
  private readonly tools = new Map<string, Tool>();
  private readonly described = new Map<string, ToolDescription>();
  private readonly outputs = new Map<string, JsonSchema>();

  constructor(tools: readonly Tool[] = []) {
    for (const t of tools) this.register(t);
  }

  register(tool: Tool): void {
    if (this.tools.has(tool.name)) throw new Error(`tool registry: ${tool.name} is defined twice`);
    this.tools.set(tool.name, tool);
  }

  get(name: string): Tool | undefined {
    return this.tools.get(name);
  }

  /** The tool, or ToolNotFoundError naming it. */
  require(name: string): Tool {
    const t = this.tools.get(name);
    if (!t) throw new ToolNotFoundError(name);
    return t;
  }

  has(name: string): boolean {
    return this.tools.has(name);
  }

  /** Sorted by name. */
  list(): Tool[] {
    return [...this.tools.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  names(): string[] {
    return this.list().map((t) => t.name);
  }

  get size(): number {
    return this.tools.size;
  }

  describe(name: string): ToolDescription {
    let d = this.described.get(name);
    if (!d) {
      const t = this.require(name);
      d = {
        name: t.name,
        description: t.description,
        risk: t.risk,
        readOnly: t.readOnly,
        idempotent: t.idempotent,
        reversible: t.reversible,
        timeoutMs: t.timeoutMs,
        inputSchema: jsonSchemaOf(t.input),
      };
      this.described.set(name, d);
    }
    return d;
  }

  /** The tool's output as JSON Schema (computed once): what the API, MCP and the console show of a result. */
  outputSchema(name: string): JsonSchema {
    let o = this.outputs.get(name);
    if (!o) {
      o = jsonSchemaOf(this.require(name).output);
      this.outputs.set(name, o);
    }
    return o;
  }

  describeAll(): ToolDescription[] {
    return this.list().map((t) => this.describe(t.name));
  }
}
