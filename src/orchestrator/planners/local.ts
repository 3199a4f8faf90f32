/**
 * The tactical planner: a local generative model from the inference
 * runtime (models.tactical), when the user installed one. Its output is
 * constrained token by token to a plan (planSchema): tasks t1..tN, each
 * depending only on earlier ones, each call one of the registry's tools with
 * arguments matching that tool's JSON Schema. So even a small or random-weight
 * model writes something executable-shaped; the plan is then checked like any
 * other (checkPlan), and its calls still pass the executor's validation,
 * capability and autonomy gates.
 */
import { toJsonSchema } from "@valibot/to-json-schema";
import { errorMessage } from "../../sys";
import type { ToolRegistry } from "../../tools/registry";
import type { Planner, PlannerResult, PlanningContext } from "../types";
import { checkPlan } from "../validate";
import { PLAN_RULES, planningBrief } from "./prompt";

type Json = Record<string, unknown>;

/** The slice of the inference runtime this planner uses. */
export interface LocalGenerator {
  /** The configured tactical model's name and task, or why there is none. */
  tactical(): { name: string; task: string } | { none: string };
  generate(
    name: string,
    req: {
      messages: Array<{ role: "system" | "user" | "assistant"; content: string }>;
      maxTokens?: number;
      temperature?: number;
      responseFormat?: { type: "json_schema"; schema: unknown };
    },
    opts: { signal?: AbortSignal },
  ): Promise<{ text: string; model: string; finishReason?: string }>;
}

/** How far the plan grammar bounds what a model may write (narrower than PlanSchema allows; never wider). */
export interface PlanBounds {
  tasks: number;
  calls: number;
  /** Free strings (summary, titles, string arguments); compiled only where cheap for the vocabulary (src/inference/grammar). */
  chars: number;
  /** Arrays in tool arguments. */
  items: number;
  /** Numbers in tool arguments without a bound of their own (a random model may otherwise write digits forever). */
  magnitude: number;
}

export const PLAN_BOUNDS: PlanBounds = { tasks: 3, calls: 3, chars: 24, items: 3, magnitude: 1e6 };

/** A tool's argument schema with strings, arrays and numbers bounded (the tool's own bounds kept where tighter). */
function bounded(schema: unknown, b: PlanBounds): unknown {
  if (Array.isArray(schema)) return schema.map((s) => bounded(s, b));
  if (schema === null || typeof schema !== "object") return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema as Json)) out[k] = k === "enum" || k === "const" || k === "default" || k === "examples" ? v : bounded(v, b);
  const types = ([] as unknown[]).concat(out.type ?? []);
  if (types.includes("string") && out.enum === undefined && out.const === undefined) out.maxLength = Math.min(Number(out.maxLength ?? Infinity), b.chars);
  // Maps (objects whose keys are free strings) would let a model write keys forever: plans pass them empty.
  if (types.includes("object") && out.additionalProperties !== undefined && out.additionalProperties !== false && !out.properties) out.additionalProperties = false;
  if (types.includes("array")) out.maxItems = Math.min(Number(out.maxItems ?? Infinity), b.items);
  if ((types.includes("integer") || types.includes("number")) && out.enum === undefined && out.const === undefined) {
    if (out.maximum === undefined && out.exclusiveMaximum === undefined) out.maximum = b.magnitude;
    if (out.minimum === undefined && out.exclusiveMinimum === undefined) out.minimum = -b.magnitude;
  }
  return out;
}

/**
 * The JSON Schema a local model's plan is decoded against. Task ids are
 * t1..tN in order and a task may depend only on earlier ones, so every
 * dependency names a task of the plan and none forms a cycle.
 */
/**
 * Optional arguments whose checks JSON Schema cannot state (an address or a
 * network, checked in code): the grammar would let a model write anything
 * there, so plans leave them out and the tool's default applies.
 */
function uncheckable(registry: ToolRegistry, name: string): string[] {
  const entries = (registry.get(name)?.input as { entries?: Record<string, { type?: string }> } | undefined)?.entries ?? {};
  return Object.entries(entries).filter(([, e]) => {
    if (e.type !== "optional") return false;
    try {
      toJsonSchema(e as never, { errorMode: "throw" });
      return false;
    } catch {
      return true;
    }
  }).map(([k]) => k);
}

function argsSchema(registry: ToolRegistry, name: string, schema: Json, b: PlanBounds): unknown {
  const drop = uncheckable(registry, name);
  const props = schema.properties as Json | undefined;
  const kept = drop.length && props ? { ...schema, properties: Object.fromEntries(Object.entries(props).filter(([k]) => !drop.includes(k))) } : schema;
  return bounded(kept, b);
}

export function planSchema(registry: ToolRegistry, b: PlanBounds = PLAN_BOUNDS): Json {
  const calls = registry.describeAll().map((t) => ({
    type: "object",
    properties: { tool: { const: t.name }, args: argsSchema(registry, t.name, t.inputSchema, b) },
    required: ["tool", "args"],
    additionalProperties: false,
  }));
  const text = { type: "string", minLength: 1, maxLength: b.chars };
  const defs: Json = { call: { anyOf: calls } };
  for (let k = 1; k <= b.tasks; k++) {
    const earlier = Array.from({ length: k - 1 }, (_, i) => `t${i + 1}`);
    defs[`task${k}`] = {
      type: "object",
      properties: {
        id: { const: `t${k}` },
        title: text,
        calls: { type: "array", items: { $ref: "#/$defs/call" }, minItems: 1, maxItems: b.calls },
        dependsOn: k === 1 ? { type: "array", maxItems: 0 } : { type: "array", items: { enum: earlier }, maxItems: k - 1 },
      },
      required: ["id", "title", "calls", "dependsOn"],
      additionalProperties: false,
    };
  }
  const lengths = Array.from({ length: b.tasks }, (_, n) => ({
    type: "array",
    prefixItems: Array.from({ length: n + 1 }, (_, i) => ({ $ref: `#/$defs/task${i + 1}` })),
    items: false,
  }));
  return {
    $defs: defs,
    type: "object",
    properties: { summary: text, tasks: { anyOf: lengths } },
    required: ["summary", "tasks"],
    additionalProperties: false,
  };
}

/** The tools, told from most to least detailed (at last not at all: the grammar still holds them); a small model's context may hold only the last. */
function toolLists(registry: ToolRegistry): string[] {
  const tools = registry.describeAll();
  return [
    tools.map((t) => `${t.name}: ${t.description} input ${JSON.stringify(t.inputSchema)}`).join("\n"),
    tools.map((t) => `${t.name}: ${t.description.split(/(?<=\.)\s/)[0]}`).join("\n"),
    tools.map((t) => t.name).join(", "),
    "(too many to list here: the answer's format admits only them)",
  ];
}

const FORMAT = `Answer with one JSON object {"summary": string, "tasks": [{"id": "t1", "title": string, "calls": [{"tool": name, "args": {...}}], "dependsOn": []}, {"id": "t2", ..., "dependsOn": ["t1"]}]}: task ids t1, t2, ... in order, each depending only on earlier tasks.`;

/**
 * Tries before the planner passes. The grammar holds every tool's JSON Schema,
 * but some argument checks have no JSON Schema form (an address or network,
 * a cron line): a plan can parse and still not validate. Each retry tells the
 * model what was wrong, when the context has room, and samples (seeded) so it
 * does not write the same plan again.
 */
const ATTEMPTS = 3;

type Message = { role: "system" | "user" | "assistant"; content: string };

export function localPlanner(opts: { runtime: () => LocalGenerator | undefined; registry: ToolRegistry; maxTokens?: number; bounds?: PlanBounds }): Planner {
  let cached: { size: number; schema: Json; lists: string[] } | undefined;
  return {
    name: "local",
    async plan(ctx: PlanningContext): Promise<PlannerResult> {
      const runtime = opts.runtime();
      if (!runtime) return { pass: "no local inference runtime" };
      const model = runtime.tactical();
      if ("none" in model) return { pass: model.none };
      if (model.task !== "generate") return { pass: `tactical model ${model.name} is a ${model.task} model, not a generative one` };
      const size = opts.registry.list().length;
      if (cached?.size !== size) cached = { size, schema: planSchema(opts.registry, opts.bounds), lists: toolLists(opts.registry) };
      const { schema, lists } = cached;
      const ask = async (messages: Message[], attempt: number) => {
        for (const tools of lists) {
          const prompt = `${planningBrief(ctx)}\n\nTools:\n${tools}\n\n${FORMAT}`;
          try {
            return await runtime.generate(model.name, {
              messages: [{ role: "system", content: PLAN_RULES }, { role: "user", content: prompt }, ...messages],
              maxTokens: opts.maxTokens ?? 1024,
              temperature: attempt === 0 ? 0 : 0.7,
              ...(attempt ? { seed: attempt } : {}),
              responseFormat: { type: "json_schema", schema },
            }, { signal: ctx.signal });
          } catch (err) {
            // A context too small for this tool list: try the shorter one.
            if ((err as { field?: string }).field !== "messages") throw err;
            if (tools === lists.at(-1)) throw err;
          }
        }
        throw new Error("unreachable");
      };

      const problems: string[] = [];
      let feedback: Message[] = [];
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        let r: Awaited<ReturnType<LocalGenerator["generate"]>>;
        try {
          r = await ask(feedback, attempt).catch((err) => {
            // No room for the feedback: retry without it.
            if (feedback.length && (err as { field?: string }).field === "messages") return ask([], attempt);
            throw err;
          });
        } catch (err) {
          return { pass: `${model.name}: ${errorMessage(err)}` };
        }
        let raw: unknown;
        try {
          raw = JSON.parse(r.text);
        } catch {
          problems.push(`did not finish its plan (${r.finishReason === "length" ? "out of tokens" : "unparseable"} after ${r.text.length} characters)`);
          continue;
        }
        const checked = checkPlan(raw, opts.registry);
        if (checked.ok) return { plan: checked.plan, why: `local model ${model.name} planned it${attempt ? ` (attempt ${attempt + 1}: ${problems.join("; ")})` : ""}` };
        problems.push(`its plan does not validate: ${checked.problem}`);
        feedback = [{ role: "assistant", content: r.text }, { role: "user", content: `That plan does not validate: ${checked.problem}. Answer with a corrected plan.` }];
        if (ctx.signal.aborted) break;
      }
      return { pass: `${model.name} ${problems.join("; then ")}` };
    },
  };
}
