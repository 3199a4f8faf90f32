/**
 * aiOS's own documentation in its knowledge base: ingested once from what is
 * embedded in the build, searched by memory.search through the real executor
 * with the documents cited, not ingested again while nothing changed, and
 * a tool's document removed once the tool is gone.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig } from "../../config";
import { type Memory, openMemory } from "../../memory";
import { setSink } from "../../sys";
import { CATALOG, openToolSystem, ToolRegistry } from "../../tools";
import { DOCS_KEY, ingestOwnDocuments, ownDocuments } from "./docs";

setSink(() => {});

let dir: string;
let memory: Memory;
beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), "aios-docs-")));
  memory = openMemory({ working: join(dir, "working.db"), longterm: join(dir, "longterm.db") }, defaultConfig().memory);
});
afterEach(() => {
  memory.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("aiOS's own documentation", () => {
  test("the README, the catalogue, the models guide and one document per tool, embedded in the build", () => {
    const registry = new ToolRegistry(CATALOG);
    const docs = ownDocuments(registry);
    expect(docs.slice(0, 3).map((d) => d.source)).toEqual(["README.md", "src/orchestrator/planners/heuristic/CATALOGUE.md", "models/README.md"]);
    expect(docs[0]!.text).toContain("aiOS");
    expect(docs.length).toBe(3 + registry.size);
    const search = docs.find((d) => d.source === "tool:memory.search")!;
    expect(search.text).toContain("# Tool memory.search");
    expect(search.text).toMatch(/- query \(string, required\)/);
    expect(search.text).toContain("risk low, read-only.");
  });

  test("ingested once, searched with the documents cited, skipped while unchanged, a gone tool's document removed", async () => {
    const registry = new ToolRegistry(CATALOG);
    const first = await ingestOwnDocuments(memory, registry);
    expect(first).toEqual({ skipped: false, documents: 3 + registry.size, changed: 3 + registry.size, removed: 0 });
    expect(memory.working.kv.get<{ sources: string[] }>(DOCS_KEY)!.sources).toContain("tool:pkg.install");

    const sys = await openToolSystem({ ledgerPath: join(dir, "audit.db"), env: { mode: "dev", root: dir, fsRoots: [], paths: { data: dir, log: dir, run: dir, secrets: dir } }, level: "full", providers: [], host: { knowledge: memory.longterm } });
    try {
      sys.capabilities.declare("task", ["memory.search"]);
      const out = await sys.executor.call({ tool: "memory.search", args: { query: "how do I import a model?" }, agent: "task" });
      expect(out.status).toBe("done");
      const result = (out as { result: { mode: string; results: Array<{ source: string }> } }).result;
      expect(result.mode).toBe("fulltext");
      expect(result.results.map((r) => r.source)).toContain("models/README.md");
      const answer = registry.get("memory.search")!.summarize!(result, { query: "how do I import a model?", limit: 5 });
      expect(answer).toMatch(/^From the knowledge base \(full-text search\), \d+ passages?:\n/);
      expect(answer).toMatch(/\nSources: .*models\/README\.md/);
    } finally {
      await sys.close();
    }

    expect(await ingestOwnDocuments(memory, registry)).toMatchObject({ skipped: true, changed: 0 });
    const fewer = new ToolRegistry(CATALOG.filter((t) => t.name !== "net.ping"));
    expect(await ingestOwnDocuments(memory, fewer)).toMatchObject({ skipped: false, changed: 0, removed: 1 });
    expect(memory.longterm.docs.findBySource("tool:net.ping")).toBeNull();
    expect(memory.longterm.docs.findBySource("tool:net.dns")).not.toBeNull();
  });
});
