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
const s = randomSchemas(1, 1)[0];
for (const rf of [undefined, { type: "json_schema", schema: s }] as any[]) for (let k = 0; k < 3; k++) {
  const t0 = performance.now();
  const r = await rt.generate("tiny-random-gpt2", { messages: [{ role: "user", content: "Give JSON." }], maxTokens: 100, temperature: 0, responseFormat: rf });
  console.log(r.completionTokens, (performance.now() - t0).toFixed(1), JSON.stringify(r.timings));
}
await rt.close();
