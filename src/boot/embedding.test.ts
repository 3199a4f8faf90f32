/**
 * The configured embedding model reaches memory, as boot wires them: the
 * inference runtime built from config (models.embedding = the tiny BERT,
 * generated and imported like a user's model) gives its Embedder to the
 * memory tiers, which then embed on ingest and search with both retrievers.
 * The tiny model's vectors carry no meaning; what is tested is the path.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyOverrides, defaultConfig } from "../config";
import { InferenceRuntime, runtimeOptions } from "../inference";
import { installTinyModels } from "../inference/fixtures.testing";
import { type Memory, openMemory } from "../memory";

const dir = mkdtempSync(join(tmpdir(), "aios-embedding-"));
let runtime: InferenceRuntime;
let memory: Memory;

beforeAll(async () => {
  const guest = (p: string) => join(dir, p);
  await installTinyModels(guest("/var/lib/aios/models"), ["tiny-random-bert"]);
  const { config } = applyOverrides(defaultConfig(), [["models.embedding", "tiny-random-bert"]]);
  runtime = new InferenceRuntime(runtimeOptions(config, guest));
  const embedder = runtime.embedder();
  expect(embedder).toBeDefined();
  memory = openMemory({ working: guest("/var/lib/aios/memory/working.db"), longterm: guest("/var/lib/aios/memory/longterm.db") }, config.memory, embedder);
});

afterAll(async () => {
  memory.close();
  await runtime.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("memory with the configured embedding model", () => {
  test("stats name the model; ingest embeds; search uses full text and vectors", async () => {
    await memory.longterm.ingest({ title: "nginx", text: "nginx serves the management API as a reverse proxy on port 80." });
    await memory.longterm.ingest({ title: "disks", text: "The data disk holds /var/lib/aios and is mounted at boot." });
    await memory.longterm.idle();
    expect(memory.stats().embeddingModel).toBe("tiny-random-bert");
    expect(memory.stats().vectors).toMatchObject({ model: "tiny-random-bert", indexed: 2 });
    const r = await memory.longterm.search("reverse proxy", { k: 5 });
    expect(r.retrievers).toEqual(["fts", "vector"]);
    expect(r.hits[0]).toMatchObject({ title: "nginx" });
    expect(r.hits.some((h) => h.retrievers.includes("vector"))).toBe(true);
  });
});
