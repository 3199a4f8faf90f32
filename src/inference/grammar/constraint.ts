/**
 * A request's output constraint as one compiled grammar: a JSON Schema
 * (response_format), tool calls in the model family's format (tools with
 * tool_choice), or both (tool_choice "auto" with a response format: either
 * calls or an answer matching the schema).
 */
import type { CompiledGrammar, GrammarCache } from "./xgrammar";
import { toolCallTag, type ToolFormat } from "../chat/formats";
import type { GenerateRequest, ToolDef } from "../types";
import { GrammarError } from "./errors";
import { prepareSchema, type PreparedSchema } from "./schema";

/** Any JSON object: what `json_object` asks for. */
const ANY_OBJECT = { type: "object", additionalProperties: true };

function prepared(schema: unknown, strict: boolean | undefined, field: string, vocabSize: number): PreparedSchema {
  const p = prepareSchema(schema, field, { vocabSize });
  if (strict && p.relaxed.length) {
    throw new GrammarError(`${p.relaxed[0]}: not enforceable by constrained decoding; leave strict off to have it checked only by you`, field);
  }
  return p;
}

/** The tools a request may call now (none for tool_choice "none"). */
export function activeTools(req: GenerateRequest): ToolDef[] {
  const t = req.tools;
  if (!t || t.choice === "none") return [];
  if (typeof t.choice === "object") {
    const name = t.choice.name;
    const one = t.tools.filter((x) => x.name === name);
    if (!one.length) throw new GrammarError(`tool_choice: names ${name}, which is not among tools`, "tool_choice");
    return one;
  }
  return t.tools;
}

/** The grammar for `req`, or undefined when its output is free text; cached per constraint (the request's format and tools). */
export async function compileConstraint(cache: GrammarCache, req: GenerateRequest, format: ToolFormat): Promise<CompiledGrammar | undefined> {
  const rf = req.responseFormat?.type === "text" ? undefined : req.responseFormat;
  const tools = activeTools(req);
  if (!rf && !tools.length) return undefined;
  // Keyed on what the request says, so a hit costs no schema preparation or EBNF conversion.
  const key = JSON.stringify([format.name, rf, tools, req.tools?.choice, req.tools?.parallel]);
  return cache.get(key, () => build(cache, req, rf, tools, format));
}

async function build(cache: GrammarCache, req: GenerateRequest, rf: GenerateRequest["responseFormat"], tools: ToolDef[], format: ToolFormat): Promise<CompiledGrammar> {
  const answer = rf?.type === "json_schema" ? prepared(rf.schema, rf.strict, "response_format.json_schema.schema", cache.vocab.size)
    : rf?.type === "json_object" ? prepareSchema(ANY_OBJECT) : undefined;
  if (!tools.length) return cache.compileEbnf(await cache.ebnf(answer!));

  const tagTools = await Promise.all(tools.map(async (t) => {
    const index = req.tools!.tools.indexOf(t);
    const p = prepared(t.parameters, t.strict, `tools.${index}.function.parameters`, cache.vocab.size);
    return { name: t.name, grammar: await cache.ebnf(p) };
  }));
  const parallel = req.tools!.parallel;
  const choice = req.tools!.choice;
  if (choice !== "auto") return cache.compileTag(toolCallTag(format, tagTools, "required", parallel));
  if (answer === undefined) return cache.compileTag(toolCallTag(format, tagTools, "auto", parallel));
  const calls = (toolCallTag(format, tagTools, "required", parallel) as { format: object }).format;
  return cache.compileTag({ type: "structural_tag", format: { type: "or", elements: [calls, { type: "grammar", grammar: await cache.ebnf(answer) }] } });
}
