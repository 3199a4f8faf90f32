/**
 * The tactical planner: a local generative model from the inference runtime
 * (models.tactical), when the user installed one, in the tool loop (loop.ts).
 * Each decision is constrained token by token (decisionSchema): one of the
 * registry's tools with arguments matching that tool's JSON Schema, or done. So even a small or random-weight model writes executable-shaped
 * calls; each still passes the guard and the executor's validation,
 * capability and autonomy gates. planSchema, the grammar of a whole plan at
 * once, is kept for the decoding benchmark.
 */
import { toJsonSchema } from "@valibot/to-json-schema";
import type { ToolRegistry } from "../../tools/registry";
import { LOOP_RULES, loopBrief, observe } from "../loop";
import type { Decision, Stepper } from "../types";
import { modelPlanner } from "./model";

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
      seed?: number;
      responseFormat?: { type: "json_schema"; schema: unknown };
    },
    opts: { signal?: AbortSignal },
  ): Promise<{ text: string; model: string; finishReason?: string; promptTokens?: number; completionTokens?: number }>;
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
    tools.map((t) => `${t.name}${t.readOnly ? " (read-only)" : ""}: ${t.description} input ${JSON.stringify(t.inputSchema)}`).join("\n"),
    tools.map((t) => `${t.name}${t.readOnly ? " (read-only)" : ""}: ${t.description.split(/(?<=\.)\s/)[0]}`).join("\n"),
    tools.map((t) => t.name).join(", "),
    "(too many to list here: the answer's format admits only them)",
  ];
}

/**
 * The JSON Schema of one decision: a call of one of the registry's tools with
 * arguments matching its schema (bounded as in plans), or, once something was
 * looked at, done. Before the first call done is not admitted: a goal's
 * answer is built from what tools report.
 */
export function decisionSchema(registry: ToolRegistry, opts: { answer: boolean; bounds?: PlanBounds }): Json {
  const b = opts.bounds ?? PLAN_BOUNDS;
  const calls = registry.describeAll().map((t) => ({
    type: "object",
    properties: { tool: { const: t.name }, args: argsSchema(registry, t.name, t.inputSchema, b) },
    required: ["tool", "args"],
    additionalProperties: false,
  }));
  // Done carries no text: the answer is composed from the tools' results (and worded by a phraser), so a
  // model cannot state a figure no tool reported, and a small one cannot ramble in a free string.
  const done = { type: "object", properties: { done: { const: true } }, required: ["done"], additionalProperties: false };
  return { anyOf: opts.answer ? [...calls, done] : calls };
}

/** Tries per decision: a decision cut off by max_tokens is asked again with another seed. */
const ATTEMPTS = 3;

const FORMAT = 'Answer with one JSON object: {"tool": name, "args": {...}} to call a tool, or {"done": true} once the results answer the goal.';

type Message = { role: "system" | "user" | "assistant"; content: string };

export interface LocalPlannerOptions {
  runtime: () => LocalGenerator | undefined;
  registry: ToolRegistry;
  /** Most tokens per decision. */
  maxTokens?: number;
  bounds?: PlanBounds;
  /** Characters of one tool result the model is shown (small models have small contexts). */
  resultChars?: number;
}

/** The local model in the tool loop: one call (or the answer) per decision, decoded against decisionSchema. */
export function localStepper(runtime: LocalGenerator, model: string, opts: LocalPlannerOptions): Stepper {
  const cache = new Map<string, Json>();
  let lists: { size: number; lists: string[] } | undefined;
  const schemaFor = (answer: boolean) => {
    const key = `${opts.registry.list().length}:${answer}`;
    let s = cache.get(key);
    if (!s) cache.set(key, (s = decisionSchema(opts.registry, { answer, bounds: opts.bounds })));
    return s;
  };
  return {
    name: "local",
    async decide(ctx): Promise<Decision> {
      const size = opts.registry.list().length;
      if (lists?.size !== size) lists = { size, lists: toolLists(opts.registry) };
      const schema = schemaFor(ctx.turns.length > 0);
      const history = (keep: number): Message[] =>
        ctx.turns.slice(ctx.turns.length - keep, ctx.turns.length).flatMap((t): Message[] => {
          if (t.decision.kind !== "calls") return [];
          const c = t.decision.calls[0]!;
          return [
            { role: "assistant", content: JSON.stringify({ tool: c.tool, args: c.args }) },
            { role: "user", content: `Result: ${t.observations.map((o) => observe(o, opts.registry, opts.resultChars ?? 600)).join("\n")}` },
          ];
        });
      // A context too small for everything: fewer earlier turns first, then shorter tool lists.
      const keeps: number[] = [];
      for (let k = ctx.turns.length; k > 1; k = Math.floor(k / 2)) keeps.push(k);
      keeps.push(Math.min(ctx.turns.length, 1));
      const ask = async (attempt: number) => {
        let lastErr: unknown;
        for (const tools of lists!.lists) {
          for (const keep of keeps) {
            const prompt = `${loopBrief(ctx)}\n\nTools:\n${tools}\n\n${FORMAT}`;
            try {
              return await runtime.generate(
                model,
                {
                  messages: [{ role: "system", content: LOOP_RULES }, { role: "user", content: prompt }, ...history(keep)],
                  maxTokens: opts.maxTokens ?? 512,
                  // The tier's temperature (models.tactical.temperature), seeded by goal, step and attempt: a run can be replayed.
                  seed: ctx.goalId * 1000 + ctx.turns.length * 10 + attempt,
                  responseFormat: { type: "json_schema", schema },
                },
                { signal: ctx.signal },
              );
            } catch (err) {
              if ((err as { field?: string }).field !== "messages") throw err;
              lastErr = err;
            }
          }
        }
        throw lastErr;
      };
      // The grammar makes every finished decision valid; one cut off by max_tokens is asked again with another seed.
      const problems: string[] = [];
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const r = await ask(attempt);
        try {
          return decision(r, model, ctx.turns.length);
        } catch (err) {
          problems.push((err as Error).message);
          if (ctx.signal.aborted) break;
        }
      }
      throw new Error(problems.join("; then "));
    },
  };
}

function decision(r: Awaited<ReturnType<LocalGenerator["generate"]>>, model: string, step: number): Decision {
  const usage = { tokens: (r.promptTokens ?? 0) + (r.completionTokens ?? 0), by: `local model ${model}` };
  let raw: { tool?: string; args?: Record<string, unknown>; done?: boolean };
  try {
    raw = JSON.parse(r.text);
  } catch {
    throw new Error(`${model} did not finish its decision (${r.finishReason === "length" ? "out of tokens" : "unparseable"} after ${r.text.length} characters)`);
  }
  if (raw.done === true) return { kind: "finish", text: "", usage };
  return { kind: "calls", calls: [{ id: `local-${step + 1}`, tool: String(raw.tool), args: raw.args ?? {} }], usage };
}

/** The tactical planner: the configured local generative model, when there is one, in the tool loop. */
export function localPlanner(opts: LocalPlannerOptions) {
  return modelPlanner("local", () => {
    const runtime = opts.runtime();
    if (!runtime) return { pass: "no local inference runtime" };
    const model = runtime.tactical();
    if ("none" in model) return { pass: model.none };
    if (model.task !== "generate") return { pass: `tactical model ${model.name} is a ${model.task} model, not a generative one` };
    return localStepper(runtime, model.name, opts);
  });
}
