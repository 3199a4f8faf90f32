/**
 * Structured output and tools on /v1, through the official `openai` client
 * over real HTTP on loopback, against the tiny random-weight GPT-2: whatever
 * a model with meaningless weights writes must still parse and validate
 * (checked with ajv, independently of the grammar engine).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv from "ajv";
import OpenAI from "openai";
import { InferenceRuntime, type TierPolicy } from "../../inference";
import { installTinyModels } from "../../inference/fixtures.testing";
import { randomSchemas } from "../../inference/grammar/random-schema.testing";
import { setSink, type SystemInfo } from "../../sys";
import { createApi } from "../app";

const TOKEN = "t0ken";
const MODEL = "tiny-random-gpt2";
const SCHEMAS = Number(process.env.AIOS_SCHEMA_COUNT ?? 1000);
const dir = mkdtempSync(join(tmpdir(), "aios-structured-test-"));
const tier = (over: Partial<TierPolicy> = {}): TierPolicy => ({ name: "", alwaysLoaded: false, loadOnDemand: true, maxTokens: 512, temperature: 0, idleMs: 0, ...over });
const ajv = new Ajv({ strict: false, allErrors: false });
let rt: InferenceRuntime;
let server: ReturnType<typeof Bun.serve>;
let client: OpenAI;

const previousSink = setSink(() => {});
beforeAll(async () => {
  await installTinyModels(dir, [MODEL]);
  rt = new InferenceRuntime({
    roots: [{ dir, origin: "image" }], runtimeDir: dir, budgetMb: 1000, queueLength: 8, concurrency: 1, threads: 1, embedding: "",
    tiers: { operational: tier(), tactical: tier({ name: MODEL }) },
  });
  const app = createApi({ token: () => TOKEN, system: () => ({}) as SystemInfo, power: () => {}, inference: () => rt });
  server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch });
  client = new OpenAI({ baseURL: `http://127.0.0.1:${server.port}/v1`, apiKey: TOKEN, maxRetries: 0 });
}, 60_000);
afterAll(async () => {
  server?.stop(true);
  await rt?.close();
  setSink(previousSink);
  rmSync(dir, { recursive: true, force: true });
});

type FnCall = { id: string; type: string; function: { name: string; arguments: string } };
/** Function calls (the SDK's type also admits custom tools' calls, which this server never makes). */
const callsOf = (m: { tool_calls?: unknown }) => m.tool_calls as FnCall[] | undefined;
const user = (content: string) => [{ role: "user" as const, content }];

const weather = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Weather in a city",
    strict: true,
    parameters: { type: "object", properties: { city: { type: "string", pattern: "^[A-Z][a-z]{1,8}$" }, unit: { enum: ["c", "f"] } }, required: ["city", "unit"], additionalProperties: false },
  },
};
const lookup = {
  type: "function" as const,
  function: {
    name: "lookup",
    description: "Look a host up",
    parameters: { type: "object", properties: { host: { type: "string", pattern: "^[a-z]{1,8}\\.(com|org)$" }, port: { type: "integer", minimum: 1, maximum: 65535 } }, required: ["host"], additionalProperties: false },
  },
};
const paramsOf = (name: string) => [weather, lookup].find((t) => t.function.name === name)!.function.parameters;

describe("response_format", () => {
  test(`${SCHEMAS} random schemas: every answer parses and validates`, async () => {
    const failures: string[] = [];
    const schemas = randomSchemas(20261207, SCHEMAS);
    for (const [i, schema] of schemas.entries()) {
      const r = await client.chat.completions.create({
        model: MODEL, messages: user("Answer in JSON."), max_tokens: 400,
        // Half greedy, half sampled with a seed: both paths must stay inside the grammar.
        ...(i % 2 ? { temperature: 1, seed: i } : { temperature: 0 }),
        response_format: { type: "json_schema", json_schema: { name: `s${i}`, schema, strict: true } },
      });
      const choice = r.choices[0]!;
      let ok = false;
      try {
        ok = choice.finish_reason === "stop" && (ajv.validate(schema, JSON.parse(choice.message.content ?? "")) as boolean);
      } catch {}
      if (!ok) failures.push(`#${i} ${choice.finish_reason} ${JSON.stringify(schema)} -> ${choice.message.content}`);
    }
    expect(failures).toEqual([]);
  }, 1_200_000);

  test("the SDK's parse() fills message.parsed from a strict JSON schema", async () => {
    const schema = { type: "object", properties: { name: { type: "string", pattern: "^[a-z]{2,8}$" }, size: { type: "integer", minimum: 1, maximum: 9 }, tags: { type: "array", items: { enum: ["a", "b"] }, maxItems: 2 } }, required: ["name", "size", "tags"], additionalProperties: false };
    const r = await client.chat.completions.parse({
      model: MODEL, messages: user("Describe a thing."), max_tokens: 200, temperature: 0,
      response_format: { type: "json_schema", json_schema: { name: "thing", schema, strict: true } },
    });
    const parsed = r.choices[0]!.message.parsed as Record<string, unknown>;
    expect(parsed).toEqual(JSON.parse(r.choices[0]!.message.content!));
    expect(ajv.validate(schema, parsed)).toBe(true);
  }, 60_000);

  test("json_object gives a JSON object", async () => {
    const r = await client.chat.completions.create({ model: MODEL, messages: user("JSON please."), max_tokens: 300, temperature: 1, seed: 7, response_format: { type: "json_object" } });
    const c = r.choices[0]!;
    if (c.finish_reason === "stop") expect(typeof JSON.parse(c.message.content!)).toBe("object");
    else expect(c.finish_reason).toBe("length");
  }, 60_000);

  test("strict refuses keywords the grammar would not enforce, naming where; without strict they are relaxed", async () => {
    // Too long a bound to compile for even this 326-token vocabulary (shorter ones are enforced).
    const schema = { type: "object", properties: { note: { type: "string", maxLength: 1000 } }, required: ["note"], additionalProperties: false };
    const err = await client.chat.completions.create({
      model: MODEL, messages: user("x"), max_tokens: 5, response_format: { type: "json_schema", json_schema: { name: "n", schema, strict: true } },
    }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.param).toBe("response_format.json_schema.schema");
    expect(err.code).toBe("invalid_schema");
    expect(err.message).toContain("properties.note: maxLength");
    const relaxed = await client.chat.completions.create({
      model: MODEL, messages: user("x"), max_tokens: 30, response_format: { type: "json_schema", json_schema: { name: "n", schema } },
    });
    expect(relaxed.choices[0]!.message.content!.startsWith('{"note":"')).toBe(true);
  }, 60_000);
});

describe("sampling parameters", () => {
  test("seed: the same seed gives the same answer, another seed another", async () => {
    const ask = (seed: number) => client.chat.completions.create({ model: MODEL, messages: user("Say something."), max_tokens: 24, temperature: 1, top_p: 0.9, seed });
    const [a, b, c] = [await ask(1), await ask(1), await ask(2)];
    expect(a.choices[0]!.message.content).toBe(b.choices[0]!.message.content!);
    expect(a.choices[0]!.message.content).not.toBe(c.choices[0]!.message.content!);
  }, 60_000);

  test("stop: output ends before the first stop sequence, plain and streamed", async () => {
    const base = { model: MODEL, messages: user("Talk."), max_tokens: 40, temperature: 0 } as const;
    const full = (await client.chat.completions.create(base)).choices[0]!.message.content!;
    const stop = full.slice(12, 15);
    const cut = full.slice(0, full.indexOf(stop));
    const plain = await client.chat.completions.create({ ...base, stop: [stop, "never-there"] });
    expect(plain.choices[0]!.message.content).toBe(cut);
    expect(plain.choices[0]!.finish_reason).toBe("stop");
    const stream = await client.chat.completions.create({ ...base, stop, stream: true });
    let text = "";
    for await (const ch of stream) text += ch.choices[0]?.delta.content ?? "";
    expect(text).toBe(cut);
  }, 60_000);

  test("frequency and presence penalties change what greedy decoding picks", async () => {
    const base = { model: MODEL, messages: user("Repeat."), max_tokens: 40, temperature: 0 } as const;
    const plain = (await client.chat.completions.create(base)).choices[0]!.message.content;
    const penalised = (await client.chat.completions.create({ ...base, frequency_penalty: 2, presence_penalty: 2 })).choices[0]!.message.content;
    expect(penalised).not.toBe(plain);
  }, 60_000);
});

describe("tools", () => {
  test("tool_choice required: calls in OpenAI's shape whose arguments validate", async () => {
    for (let seed = 0; seed < 10; seed++) {
      const r = await client.chat.completions.create({ model: MODEL, messages: user("Weather in Paris?"), max_tokens: 200, temperature: 1, seed, tools: [weather, lookup], tool_choice: "required" });
      const c = r.choices[0]!;
      expect(c.finish_reason).toBe("tool_calls");
      expect(callsOf(c.message)!.length).toBeGreaterThanOrEqual(1);
      for (const call of callsOf(c.message)!) {
        expect(call.id).toMatch(/^call_/);
        expect(call.type).toBe("function");
        expect(ajv.validate(paramsOf(call.function.name), JSON.parse(call.function.arguments))).toBe(true);
      }
    }
  }, 60_000);

  test("a named tool_choice calls that tool; parallel_tool_calls false makes one call", async () => {
    const r = await client.chat.completions.create({
      model: MODEL, messages: user("Look up example.com"), max_tokens: 200, temperature: 1, seed: 3,
      tools: [weather, lookup], tool_choice: { type: "function", function: { name: "lookup" } }, parallel_tool_calls: false,
    });
    const calls = callsOf(r.choices[0]!.message)!;
    expect(calls.map((x) => x.function.name)).toEqual(["lookup"]);
    expect(ajv.validate(lookup.function.parameters, JSON.parse(calls[0]!.function.arguments))).toBe(true);
  }, 60_000);

  test("streamed tool calls arrive as delta.tool_calls and add up to the plain answer", async () => {
    const body = { model: MODEL, messages: user("Weather?"), max_tokens: 200, temperature: 0, tools: [weather, lookup], tool_choice: "required" as const };
    const plain = (await client.chat.completions.create(body)).choices[0]!;
    const stream = client.chat.completions.stream({ ...body, stream: true });
    let deltas = 0;
    stream.on("chunk", (ch) => (deltas += ch.choices[0]?.delta.tool_calls?.length ?? 0));
    const final = (await stream.finalChatCompletion()).choices[0]!;
    expect(final.finish_reason).toBe("tool_calls");
    expect(callsOf(final.message)!.map((c) => [c.function.name, c.function.arguments])).toEqual(callsOf(plain.message)!.map((c) => [c.function.name, c.function.arguments]));
    // The name first, then the arguments in more than one piece.
    expect(deltas).toBeGreaterThan(callsOf(plain.message)!.length + 1);
  }, 60_000);

  test("the SDK's parse() reads strict tools' arguments", async () => {
    const r = await client.chat.completions.parse({ model: MODEL, messages: user("Weather?"), max_tokens: 200, temperature: 0, tools: [weather], tool_choice: "required" });
    const call = r.choices[0]!.message.tool_calls![0]! as { function: { parsed_arguments: unknown; arguments: string } };
    expect(call.function.parsed_arguments).toEqual(JSON.parse(call.function.arguments));
  }, 60_000);

  test("a tool result goes back to the model; tool_choice none and auto answer in text", async () => {
    const first = (await client.chat.completions.create({ model: MODEL, messages: user("Weather?"), max_tokens: 200, temperature: 0, tools: [weather], tool_choice: "required" })).choices[0]!.message;
    const call = callsOf(first)![0]!;
    const messages = [...user("Weather?"), { role: "assistant" as const, content: null, tool_calls: first.tool_calls }, { role: "tool" as const, tool_call_id: call.id, content: '{"temp": 21}' }];
    for (const tool_choice of ["none", "auto"] as const) {
      const r = await client.chat.completions.create({ model: MODEL, messages, max_tokens: 16, temperature: 0, tools: [weather], tool_choice });
      expect(["stop", "length", "tool_calls"]).toContain(r.choices[0]!.finish_reason);
      if (tool_choice === "none") expect(r.choices[0]!.message.tool_calls).toBeUndefined();
    }
  }, 60_000);
});
