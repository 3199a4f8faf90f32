import Ajv from "ajv";
import { InferenceRuntime } from "./src/inference";
import { installTinyModels } from "./src/inference/fixtures";
import { randomSchemas } from "./src/inference/grammar/random-schema";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
const dir = mkdtempSync(join(tmpdir(), "try-"));
await installTinyModels(dir, ["tiny-random-gpt2"]);
const tier = (o: any = {}) => ({ name: "", alwaysLoaded: false, loadOnDemand: true, maxTokens: 256, temperature: 0, idleMs: 0, ...o });
const rt = new InferenceRuntime({ roots: [{ dir, origin: "image" }], runtimeDir: dir, budgetMb: 1000, queueLength: 8, concurrency: 1, threads: 1, embedding: "", tiers: { operational: tier(), tactical: tier({ name: "tiny-random-gpt2" }) } } as any);
const ajv = new Ajv({ strict: false });
const schemas = randomSchemas(1, Number(process.argv[2] ?? 20));
let ok = 0, bad = 0, tokens = 0; const t0 = performance.now(); let maxTok = 0;
for (const [i, s] of schemas.entries()) {
  const r = await rt.generate("tiny-random-gpt2", { messages: [{ role: "user", content: "Give JSON." }], maxTokens: 200, temperature: i % 2 ? 1 : 0, seed: i, responseFormat: { type: "json_schema", schema: s } });
  tokens += r.completionTokens; maxTok = Math.max(maxTok, r.completionTokens);
  let v = false; let err = "";
  try { v = ajv.validate(s, JSON.parse(r.text)) as boolean; err = ajv.errorsText(); } catch (e) { err = String(e); }
  if (v) ok++; else { bad++; console.log("BAD", i, r.finishReason, JSON.stringify(s), JSON.stringify(r.text), err); }
}
console.log({ ok, bad, tokens, maxTok, ms: performance.now() - t0 });
await rt.close();
