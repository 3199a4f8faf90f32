/**
 * Chat messages and tools as the model's own chat template expects them
 * (Hugging Face conventions, which the Qwen, Llama and Mistral templates
 * share): assistant turns carry `tool_calls` with arguments as objects, tool
 * results are `tool` turns with their call's id. For a template that renders
 * no tools, the tools and the call format are described in the system message
 * and calls and results are written as Hermes text, so any chat model can be
 * offered tools.
 */
import type { ChatMessage, ToolDef } from "../types";
import type { ToolFormat } from "./formats";

export interface TemplateInput {
  messages: Array<Record<string, unknown>>;
  /** OpenAI-shaped tools for a template that renders them; undefined otherwise. */
  tools?: Array<{ type: "function"; function: { name: string; description?: string; parameters: unknown } }>;
}

/** Mistral's templates insist on 9-character alphanumeric call ids. */
export function mistralCallId(id: string): string {
  const alnum = id.replace(/[^A-Za-z0-9]/g, "");
  if (alnum.length === 9) return alnum;
  return Bun.hash(id).toString(36).padStart(9, "0").slice(-9);
}

function parseArgs(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describeTools(tools: ToolDef[]): string {
  const sigs = tools.map((t) => JSON.stringify({ type: "function", function: { name: t.name, description: t.description ?? "", parameters: t.parameters } }));
  return [
    "# Tools",
    "",
    "You may call one or more functions to assist with the user query.",
    "",
    "You are provided with function signatures within <tools></tools> XML tags:",
    "<tools>",
    ...sigs,
    "</tools>",
    "",
    "For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:",
    "<tool_call>",
    '{"name": <function-name>, "arguments": <args-json-object>}',
    "</tool_call>",
  ].join("\n");
}

export function templateInput(messages: ChatMessage[], tools: ToolDef[] | undefined, format: ToolFormat): TemplateInput {
  const id = (x: string) => (format.name === "mistral" ? mistralCallId(x) : x);
  if (!tools?.length || format.native) {
    return {
      messages: messages.map((m) => {
        if (m.role === "assistant" && m.toolCalls?.length) {
          return {
            role: "assistant",
            content: m.content,
            tool_calls: m.toolCalls.map((c) => ({ id: id(c.id), type: "function", function: { name: c.name, arguments: parseArgs(c.arguments) } })),
          };
        }
        if (m.role === "tool") return { role: "tool", content: m.content, ...(m.toolCallId ? { tool_call_id: id(m.toolCallId) } : {}), ...(m.name ? { name: m.name } : {}) };
        return { role: m.role === "developer" ? "system" : m.role, content: m.content };
      }),
      tools: tools?.length ? tools.map((t) => ({ type: "function" as const, function: { name: t.name, description: t.description, parameters: t.parameters } })) : undefined,
    };
  }
  // A template without tools: describe them, and write calls and results as Hermes text.
  const out: Array<Record<string, unknown>> = [];
  const note = describeTools(tools);
  const first = messages[0];
  if (first && (first.role === "system" || first.role === "developer")) out.push({ role: "system", content: `${first.content}\n\n${note}` });
  else out.push({ role: "system", content: note });
  for (const m of first && (first.role === "system" || first.role === "developer") ? messages.slice(1) : messages) {
    if (m.role === "assistant" && m.toolCalls?.length) {
      const calls = m.toolCalls.map((c) => `<tool_call>\n${JSON.stringify({ name: c.name, arguments: parseArgs(c.arguments) })}\n</tool_call>`);
      out.push({ role: "assistant", content: [m.content, ...calls].filter(Boolean).join("\n") });
    } else if (m.role === "tool") out.push({ role: "user", content: `<tool_response>\n${m.content}\n</tool_response>` });
    else out.push({ role: m.role === "developer" ? "system" : m.role, content: m.content });
  }
  return { messages: out };
}
