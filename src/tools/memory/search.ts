/**
 * memory.search: aiOS's knowledge base — its own documentation (README, the
 * planner's catalogue, the models guide, every tool's description, ingested
 * at first boot) and whatever people added through POST /memory/documents —
 * searched as GET /memory/search searches it: full text always, fused with
 * vectors when an embedding model is installed. Procedures the orchestrator
 * remembered are left out: they are plans, not knowledge to cite.
 */
import * as v from "valibot";
import type { LongTermMemory } from "../../memory";
import { intArg } from "../args";
import { defineTool, type ToolContext } from "../define";
import { ToolError } from "../errors";
import { clip, plural } from "../summary";

declare module "../define" {
  interface ToolHost {
    /** Long-term memory's search (src/memory/knowledge), handed in by the boot layer. */
    knowledge: Pick<LongTermMemory, "search">;
  }
}

const SNIPPET = 300;

function knowledge(ctx: ToolContext): Pick<LongTermMemory, "search"> {
  const k = ctx.host.knowledge;
  if (!k) throw new ToolError("unavailable", "memory.search: no long-term memory on this host (the memory step did not run)");
  return k;
}

/** The stretch of a chunk around the first query word it holds, on word boundaries. */
export function snippetOf(text: string, query: string, max = SNIPPET): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  const lower = flat.toLowerCase();
  const hits = query
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 2)
    .map((w) => lower.indexOf(w))
    .filter((i) => i >= 0);
  const at = hits.length ? Math.min(...hits) : 0;
  let start = Math.max(0, at - Math.floor(max / 4));
  if (start > 0) start = flat.indexOf(" ", start) + 1 || start;
  let end = Math.min(flat.length, start + max);
  if (end < flat.length) end = flat.lastIndexOf(" ", end) > start ? flat.lastIndexOf(" ", end) : end;
  return `${start > 0 ? "…" : ""}${flat.slice(start, end)}${end < flat.length ? "…" : ""}`;
}

const result = v.object({
  title: v.string(),
  /** Where the document came from: a path such as README.md, or a name. */
  source: v.nullable(v.string()),
  /** Its headings down to the passage ("Models > Importing"). */
  section: v.string(),
  snippet: v.string(),
  /** Reciprocal-rank-fusion score: higher is better; comparable within one search only. */
  score: v.number(),
  kind: v.picklist(["document", "decision"]),
});

export const memorySearch = defineTool({
  name: "memory.search",
  description:
    "Search aiOS's knowledge base: its own documentation (README, the goal catalogue, the models guide, every tool's description) and documents people added. " +
    "Returns the best passages with their document's title and source, a snippet and a score; mode says whether vectors were used (hybrid) or full text only (fulltext).",
  input: v.strictObject({
    query: v.pipe(v.string("must be a string"), v.trim(), v.minLength(1, "must not be empty"), v.maxLength(500, "must be at most 500 characters")),
    limit: v.optional(intArg(1, 20), 5),
  }),
  output: v.object({ query: v.string(), mode: v.picklist(["hybrid", "fulltext"]), results: v.array(result) }),
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 15_000,
  async execute(args, ctx) {
    const found = await knowledge(ctx).search(args.query, { k: args.limit, kinds: ["document", "decision"], signal: ctx.signal });
    return {
      query: args.query,
      mode: found.retrievers.includes("vector") ? ("hybrid" as const) : ("fulltext" as const),
      results: found.hits.map((h) => ({
        title: h.title,
        source: h.source,
        section: h.context,
        snippet: snippetOf(h.text, args.query),
        score: h.score,
        kind: h.kind === "decision" ? ("decision" as const) : ("document" as const),
      })),
    };
  },
  summarize: (o) => {
    if (!o.results.length) return `Nothing in the knowledge base matches ${JSON.stringify(o.query)}`;
    const cite = (r: (typeof o.results)[number]) => r.source ?? r.title;
    const rows = o.results.map((r, i) => `  [${i + 1}] ${cite(r)}${r.section ? `, ${r.section}` : ""}: ${clip(r.snippet, 240)}`);
    const sources = [...new Set(o.results.map(cite))];
    return [
      `From the knowledge base (${o.mode === "hybrid" ? "full text and vectors" : "full-text search"}), ${plural(o.results.length, "passage")}:`,
      ...rows,
      `Sources: ${sources.join(", ")}`,
    ].join("\n");
  },
});
