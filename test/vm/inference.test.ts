/**
 * Local inference inside the guest: the compiled aios-init loads onnxruntime
 * from the system image (/usr/lib/aios, read on first use) and runs the tiny
 * test models through transformers.js' pipeline(), reached over the forwarded
 * API; a model folder is imported from the guest's shell.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { OUT, Vm } from "../harness/vm";

const READY = /aios: ready in (\d+) ms/;
const PROMPT = /aios> $/;
const SHELL = /aios-sh# $/;

function sse(text: string): any[] {
  return text.trim().split("\n\n").map((e) => (e === "data: [DONE]" ? "[DONE]" : JSON.parse(e.replace(/^data: /, ""))));
}

describe("inference in the guest", () => {
  let vm: Vm;
  let readyMs = 0;

  beforeAll(async () => {
    if (!existsSync(join(OUT, "system.img"))) throw new Error("out/system.img is missing: run make image");
    vm = Vm.boot({ cmdlineExtra: "aios.models.embedding=tiny-random-bert" });
    readyMs = Number((await vm.waitFor(READY, 120_000))[1]);
    await vm.waitFor(PROMPT);
  });
  afterAll(async () => {
    await vm?.dispose();
  });

  test("the ai-runtime phase finds onnxruntime in the system image and registers the image's models without loading any", async () => {
    const sys = (await (await vm.api("/api/v1/system")).json()) as any;
    const phase = sys.boot.phases.find((p: any) => p.name === "ai-runtime");
    expect(phase.status).toBe("ok");
    console.log(`ready in ${readyMs} ms; ai-runtime phase ${phase.ms} ms`);
    // The first boot embeds aiOS's own documentation with the configured embedding model; nothing else is loaded.
    expect(vm.output).not.toContain("load tiny-random-gpt2");
    const boot = await vm.bootTable();
    expect(boot).toMatch(/runtime files\s+done\s+\d+\s+onnxruntime in \/usr\/lib\/aios/);
    expect(boot).toMatch(/registry\s+done\s+\d+\s+3 models, embedding: tiny-random-bert/);
  });

  test("GET /v1/models lists the tiny test models shipped in the system image", async () => {
    const body = (await (await vm.api("/v1/models")).json()) as any;
    const byId = Object.fromEntries(body.data.map((m: any) => [m.id, m]));
    expect(byId["tiny-random-bert"]).toMatchObject({ task: "embed", owned_by: "aios", test: true, dimensions: 32 });
    expect(byId["tiny-random-gpt2"]).toMatchObject({ task: "generate", owned_by: "aios", test: true, loaded: false });
  });

  test("embeds with the tiny BERT inside the guest", async () => {
    const started = performance.now();
    const res = await vm.api("/v1/embeddings", { method: "POST", body: JSON.stringify({ model: "tiny-random-bert", input: ["hello from the host", "the kernel starts init"] }) });
    const firstMs = performance.now() - started;
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.data).toHaveLength(2);
    for (const d of body.data) {
      expect(d.embedding).toHaveLength(32);
      expect(Math.hypot(...d.embedding)).toBeCloseTo(1, 3);
    }
    const engine = vm.output.match(/inference engine loaded in (\d+) ms/);
    expect(engine).not.toBeNull();
    console.log(`first embedding request ${Math.round(firstMs)} ms (engine load ${engine![1]} ms)`);
  });

  test("generates with the tiny GPT-2 (KV cache) inside the guest, plain and streamed", async () => {
    const chat = { model: "tiny-random-gpt2", messages: [{ role: "user", content: "Hello" }], max_tokens: 16, temperature: 0 };
    const plain = (await (await vm.api("/v1/chat/completions", { method: "POST", body: JSON.stringify(chat) })).json()) as any;
    expect(plain.object).toBe("chat.completion");
    expect(plain.usage.completion_tokens).toBe(16);
    const res = await vm.api("/v1/chat/completions", { method: "POST", body: JSON.stringify({ ...chat, stream: true }) });
    expect(res.headers.get("content-type")).toStartWith("text/event-stream");
    const events = sse(await res.text());
    expect(events.at(-1)).toBe("[DONE]");
    const chunks = events.slice(0, -1);
    expect(chunks.every((c) => c.object === "chat.completion.chunk")).toBe(true);
    expect(chunks.at(-1).choices[0].finish_reason).toBe("length");
    expect(chunks.map((c) => c.choices[0].delta.content ?? "").join("")).toBe(plain.choices[0].message.content);
  });

  test("constrains the tiny GPT-2 to a JSON schema and to tool calls inside the guest (XGrammar's WASM in the compiled binary, loaded on first use)", async () => {
    expect(vm.output).not.toMatch(/grammar engine \(XGrammar WASM/);
    const schema = { type: "object", properties: { level: { enum: ["low", "high"] }, count: { type: "integer", minimum: 1, maximum: 9 }, host: { type: "string", pattern: "^[a-z]{1,8}\\.(com|org)$" } }, required: ["level", "count", "host"], additionalProperties: false };
    const body = { model: "tiny-random-gpt2", messages: [{ role: "user", content: "JSON" }], max_tokens: 100, temperature: 1, seed: 3, response_format: { type: "json_schema", json_schema: { name: "x", schema, strict: true } } };
    const r = (await (await vm.api("/v1/chat/completions", { method: "POST", body: JSON.stringify(body) })).json()) as any;
    expect(r.choices[0].finish_reason).toBe("stop");
    const value = JSON.parse(r.choices[0].message.content);
    expect(Object.keys(value)).toEqual(["level", "count", "host"]);
    expect(["low", "high"]).toContain(value.level);
    expect(value.count).toBeGreaterThanOrEqual(1);
    expect(value.count).toBeLessThanOrEqual(9);
    expect(value.host).toMatch(/^[a-z]{1,8}\.(com|org)$/);
    expect(vm.output).toMatch(/grammar engine \(XGrammar WASM[^)]*\) loaded in \d+ ms/);
    const tool = { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { unit: { enum: ["c", "f"] } }, required: ["unit"], additionalProperties: false } } };
    const call = (await (await vm.api("/v1/chat/completions", { method: "POST", body: JSON.stringify({ ...body, response_format: undefined, tools: [tool], tool_choice: "required" }) })).json()) as any;
    expect(call.choices[0].finish_reason).toBe("tool_calls");
    expect(call.choices[0].message.tool_calls[0].function.name).toBe("get_weather");
    expect(["c", "f"]).toContain(JSON.parse(call.choices[0].message.tool_calls[0].function.arguments).unit);
  });

  test("aios-init models import works from the guest's shell and the running system sees the model", async () => {
    await vm.run("shell", SHELL);
    const out = await vm.run("aios-init models import /usr/lib/aios/models/tiny-random-bert --name copied-bert; echo rc=$?", /rc=\d+/, 120_000);
    expect(out).toMatch(/imported copied-bert \(embed, tactical, ~9 MiB\) into \/var\/lib\/aios\/models\/copied-bert: loaded and ran in \d+ ms, embedding of 32 dimensions/);
    expect(out).toContain("rc=0");
    await vm.run("exit", PROMPT);
    const models = (await (await vm.api("/v1/models")).json()) as any;
    expect(models.data.find((m: any) => m.id === "copied-bert")).toMatchObject({ owned_by: "user", task: "embed" });
    const input = "same weights, same vector";
    const a = (await (await vm.api("/v1/embeddings", { method: "POST", body: JSON.stringify({ model: "copied-bert", input }) })).json()) as any;
    const b = (await (await vm.api("/v1/embeddings", { method: "POST", body: JSON.stringify({ model: "tiny-random-bert", input }) })).json()) as any;
    expect(a.data[0].embedding).toEqual(b.data[0].embedding);
  });

  test("poweroff unloads the models and exits 0", async () => {
    await vm.api("/api/v1/power", { method: "POST", body: '{"action":"poweroff"}' });
    expect(await vm.waitExit()).toBe(0);
    expect(vm.output).toContain("shutdown: inference stopped");
  });
});
