/**
 * aiOS's own documentation in its knowledge base: the README, the goal
 * catalogue, the models guide (embedded into the binary at build time) and
 * every tool's description from the registry, ingested into long-term memory
 * so memory.search can answer "how do I import a model?" citing them. Done
 * once the system is ready, in the background, and again only when the
 * embedded text changes (its hash is kept in working memory's kv).
 */
import readme from "../../../README.md" with { type: "text" };
import models from "../../../models/README.md" with { type: "text" };
import catalogue from "../../orchestrator/planners/heuristic/CATALOGUE.md" with { type: "text" };
import type { IngestInput, Memory } from "../../memory";
import { errorMessage, log } from "../../sys";
import type { ToolRegistry } from "../../tools";
import type { BootContext } from "../context";
import { MEMORY, TOOLS } from "../products";
import { defineStep } from "../step";

export const DOCS_KEY = "knowledge:own-docs";

interface Ingested {
  hash: string;
  sources: string[];
  at: number;
}

interface JsonProperty {
  type?: string | string[];
  description?: string;
  enum?: unknown[];
}

/** One tool as a document a person can be pointed to: what it does, its risk, its arguments. */
function toolDocument(registry: ToolRegistry, name: string): IngestInput {
  const d = registry.describe(name);
  const props = (d.inputSchema.properties ?? {}) as Record<string, JsonProperty>;
  const required = new Set((d.inputSchema.required ?? []) as string[]);
  const args = Object.entries(props).map(([arg, p]) => {
    const type = p.enum ? p.enum.map((e) => JSON.stringify(e)).join(" | ") : [p.type].flat().filter(Boolean).join(" | ") || "value";
    return `- ${arg} (${type}${required.has(arg) ? ", required" : ""})${p.description ? `: ${p.description}` : ""}`;
  });
  const flags = [`risk ${d.risk}`, d.readOnly ? "read-only" : "changes the system", d.reversible ? "can be undone" : d.readOnly ? "" : "cannot be undone"].filter(Boolean);
  const text = [`# Tool ${d.name}`, d.description, `${flags.join(", ")}.`, args.length ? `## Arguments\n\n${args.join("\n")}` : "It takes no arguments."].join("\n\n");
  return { title: `Tool ${d.name}`, source: `tool:${d.name}`, text, format: "markdown" };
}

/** Every document of aiOS's own, as it is in this build. */
export function ownDocuments(registry: ToolRegistry): IngestInput[] {
  return [
    { title: "aiOS README", source: "README.md", text: readme, format: "markdown" },
    { title: "The goal catalogue (what the built-in planner understands)", source: "src/orchestrator/planners/heuristic/CATALOGUE.md", text: catalogue, format: "markdown" },
    { title: "Models: importing and using local models", source: "models/README.md", text: models, format: "markdown" },
    ...registry.names().map((name) => toolDocument(registry, name)),
  ];
}

const INGEST_BATCH = 4;

function hashOf(docs: readonly IngestInput[]): string {
  const h = new Bun.CryptoHasher("sha256");
  for (const d of docs) h.update(`${d.source}\0${d.title}\0${d.text}\0`);
  return h.digest("hex");
}

/**
 * Ingests what changed since the last time (nothing when the hash is the same):
 * a changed document is replaced in place (same source), a document of a tool
 * that is gone is deleted. Returns what it did, for the log.
 */
export async function ingestOwnDocuments(memory: Memory, registry: ToolRegistry, signal?: AbortSignal): Promise<{ skipped: boolean; documents: number; changed: number; removed: number }> {
  const docs = ownDocuments(registry);
  const hash = hashOf(docs);
  const before = memory.working.kv.get<Ingested>(DOCS_KEY);
  if (before?.hash === hash) return { skipped: true, documents: docs.length, changed: 0, removed: 0 };
  // A few documents at a time, yielding between batches: chunking and indexing all of them in one
  // transaction held PID 1's event loop for ~0.2 s natively, seconds under TCG (the watchdog saw it).
  const results: Awaited<ReturnType<typeof memory.longterm.ingestMany>> = [];
  for (let i = 0; i < docs.length; i += INGEST_BATCH) {
    results.push(...(await memory.longterm.ingestMany(docs.slice(i, i + INGEST_BATCH), signal)));
    await new Promise((r) => setImmediate(r));
  }
  const now = new Set(docs.map((d) => d.source!));
  const gone = (before?.sources ?? []).filter((s) => !now.has(s)).flatMap((s) => memory.longterm.docs.findBySource(s)?.id ?? []);
  const removed = gone.length ? memory.longterm.delete(gone) : 0;
  memory.working.kv.set(DOCS_KEY, { hash, sources: [...now], at: Date.now() } satisfies Ingested);
  return { skipped: false, documents: docs.length, changed: results.filter((r) => !r.deduplicated).length, removed };
}

export const docsStep = defineStep({
  name: "docs",
  required: false,
  needs: { memory: MEMORY, tools: TOOLS },
  without: { memory: "no long-term memory (the memory step did not run)", tools: "no tool registry (the tools step did not run)" },
  describe: () => "aios-memory ingest README.md CATALOGUE.md models/README.md <every tool's description>  # after ready, in the background, when changed",
  run: (ctx: BootContext, { memory, tools }) => {
    const registry = tools.registry;
    // Ready first: ingestion is a few dozen documents and, with an embedding model, their vectors.
    ctx.afterReady.push(() => {
      setTimeout(() => {
        ingestOwnDocuments(memory, registry)
          .then((r) =>
            r.skipped
              ? log.debug(`docs: the knowledge base has this build's ${r.documents} documents`)
              : log.info(`docs: ingested aiOS's own documentation: ${r.changed} of ${r.documents} documents new or changed${r.removed ? `, ${r.removed} removed` : ""}`),
          )
          .catch((err) => log.warn(`docs: ingesting aiOS's own documentation failed: ${errorMessage(err)}`));
      }, 0);
    });
    return "after ready, in the background";
  },
});
