/**
 * Tool-call formats of the model families people run, told apart by the
 * model's own chat template (tokenizer_config.json's `chat_template` or
 * chat_template.jinja), each with the structural tag that makes a model write
 * exactly that format and the parser settings that read it back:
 *
 *   hermes   `<tool_call>\n{"name": …, "arguments": …}\n</tool_call>`: Qwen2.5,
 *            Qwen3, Hermes 2/3 and most fine-tunes of them
 *   llama3   `{"name": …, "parameters": …}` as the whole message: Llama 3.1-3.3
 *   mistral  `[TOOL_CALLS][{"name": …, "arguments": …}, …]`: Mistral Nemo,
 *            Small, Large and the v3 tokenizers
 *
 * A template that knows no tools gets the Hermes format, described to the
 * model in a system message (prompt.ts), since it is what most small models
 * were tuned on.
 */

export type ToolFormatName = "hermes" | "llama3" | "mistral";

export interface ToolFormat {
  name: ToolFormatName;
  /** Whether the template renders `tools` itself (otherwise prompt.ts describes them). */
  native: boolean;
  /** Text that opens tool calls; "" for llama3, whose call is a bare JSON object. */
  begin: string;
  /** Text that closes one call (hermes), or "" when the JSON ends it. */
  end: string;
  /** Key holding the arguments object. */
  argsKey: "arguments" | "parameters";
  /** Calls are objects inside a JSON array (mistral) rather than top-level objects. */
  array: boolean;
  /** Markers that are special tokens in some vocabularies and must stay producible. */
  markers: string[];
}

const FORMATS: Record<ToolFormatName, Omit<ToolFormat, "native">> = {
  hermes: { name: "hermes", begin: "<tool_call>", end: "</tool_call>", argsKey: "arguments", array: false, markers: ["<tool_call>", "</tool_call>"] },
  llama3: { name: "llama3", begin: "", end: "", argsKey: "parameters", array: false, markers: [] },
  mistral: { name: "mistral", begin: "[TOOL_CALLS]", end: "", argsKey: "arguments", array: true, markers: ["[TOOL_CALLS]"] },
};

/** The chat template as one string (some configs hold a list of named templates). */
export function templateText(template: unknown): string {
  if (typeof template === "string") return template;
  if (Array.isArray(template)) return template.map((t) => (typeof t?.template === "string" ? t.template : "")).join("\n");
  return "";
}

/** The tool-call format a chat template teaches its model. */
export function detectToolFormat(template: unknown): ToolFormat {
  const t = templateText(template);
  if (t.includes("[TOOL_CALLS]")) return { ...FORMATS.mistral, native: true };
  if (t.includes("<tool_call>")) return { ...FORMATS.hermes, native: true };
  if (t.includes("<|start_header_id|>") && /"parameters"|ipython|python_tag/.test(t)) return { ...FORMATS.llama3, native: true };
  return { ...FORMATS.hermes, native: /\btools\b/.test(t) && t.includes("tojson") };
}

export function toolFormat(name: ToolFormatName, native = true): ToolFormat {
  return { ...FORMATS[name], native };
}

export interface TagTool {
  name: string;
  /** EBNF of the arguments' schema (xgrammar.ts ebnf()). */
  grammar: string;
}

/** How tool calls are constrained: at least one call (`required`, or one named tool), or free text with optional calls (`auto`). */
export type ToolMode = "required" | "auto";

/**
 * XGrammar's structural tag making the model write calls in `f`'s format:
 * literal text around each tool's arguments grammar, so a tool name is
 * always one of `tools` and its arguments always match that tool's schema.
 */
export function toolCallTag(f: ToolFormat, tools: TagTool[], mode: ToolMode, parallel: boolean): object {
  const call = (t: TagTool, prefix: string, suffix: string) => ({
    type: "tag",
    begin: `${prefix}{"name": "${t.name}", "${f.argsKey}": `,
    content: { type: "grammar", grammar: t.grammar },
    end: `}${suffix}`,
  });
  let format: object;
  if (f.name === "mistral") {
    const inner = { type: "tags_with_separator", tags: tools.map((t) => call(t, "", "")), separator: ", ", at_least_one: true, stop_after_first: !parallel };
    const whole = { type: "tag", begin: `${f.begin}[`, content: inner, end: "]" };
    format = mode === "required" ? whole : { type: "triggered_tags", triggers: [f.begin], tags: [whole], at_least_one: false, stop_after_first: true };
  } else {
    const [prefix, suffix, separator, trigger] = f.name === "hermes" ? [`${f.begin}\n`, `\n${f.end}`, "\n", f.begin] : ["", "", "; ", '{"name": '];
    const tags = tools.map((t) => call(t, prefix, suffix));
    format = mode === "required"
      ? { type: "tags_with_separator", tags, separator, at_least_one: true, stop_after_first: !parallel }
      : { type: "triggered_tags", triggers: [trigger], tags, at_least_one: false, stop_after_first: !parallel };
  }
  return { type: "structural_tag", format };
}
