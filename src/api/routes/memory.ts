/**
 * Long-term memory over HTTP:
 *   POST /memory/documents {title, text, source?, kind?} → 201 {id, chunks, deduplicated, updated}
 *        (200 when nothing new was created: the same text was already stored,
 *        or the document of that source was replaced in place)
 *   GET  /memory/search?q=…&k=…&kind=…&since=… → {hits, retrievers}
 *   GET  /memory/stats → counts, file sizes, embedding model (null: full text only), buffer fill
 */
import { Hono } from "hono";
import * as v from "valibot";
import { DOCUMENT_KINDS, type DocumentKind, type Memory, MemoryError } from "../../memory";
import { quoted } from "../../config";
import { HttpError } from "../errors";
import { doc } from "../openapi";
import { intParam, textParam } from "../params";
import { readJson } from "../validate";
import { json } from "../json";

const MAX_TEXT = 1_000_000;
const MAX_QUERY = 1000;
const kinds = `must be one of ${DOCUMENT_KINDS.join(", ")}`;

export const DocumentBody = v.strictObject({
  title: v.pipe(v.string("must be a string"), v.trim(), v.nonEmpty("must not be empty"), v.maxLength(500, "must be at most 500 characters")),
  text: v.pipe(v.string("must be a string"), v.nonEmpty("must not be empty"), v.maxLength(MAX_TEXT, `must be at most ${MAX_TEXT} characters`)),
  source: v.optional(v.pipe(v.string("must be a string"), v.maxLength(1000, "must be at most 1000 characters"))),
  kind: v.optional(v.picklist(DOCUMENT_KINDS, kinds)),
});

/** `kind=procedure` or `kind=procedure,decision`. */
function kindParam(raw: string | undefined): DocumentKind[] | undefined {
  if (raw === undefined || raw === "") return undefined;
  const list = raw.split(",").map((k) => k.trim());
  const bad = list.find((k) => !DOCUMENT_KINDS.includes(k as DocumentKind));
  if (bad !== undefined) throw new HttpError(400, "bad_request", `kind: ${kinds} (got ${quoted(bad)})`, { field: "kind" });
  return list as DocumentKind[];
}

/** `since=1700000000000` (ms since the epoch) or `since=2025-01-31T00:00:00Z`. */
function sinceParam(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  const t = /^\d{1,16}$/.test(raw) ? Number(raw) : /^\d{4}-\d{2}-\d{2}/.test(raw) ? Date.parse(raw) : Number.NaN;
  if (!Number.isFinite(t)) throw new HttpError(400, "bad_request", `since: must be milliseconds since the epoch or an ISO 8601 date (got ${quoted(raw)})`, { field: "since" });
  return t;
}

/** Memory's own argument errors name the field first ("title: ..."): a 400, never a 500. */
function asHttp(err: unknown): never {
  if (err instanceof MemoryError && err.code === "invalid_argument") {
    const field = /^(\w+):/.exec(err.message)?.[1];
    throw new HttpError(400, "bad_request", err.message, { field, cause: err });
  }
  throw err;
}

const Q = textParam("q", "What to search for (at most 1000 characters).");
const K = intParam("k", "How many hits (1..100).", 1, 100, 10);
const KIND = textParam("kind", `Only these kinds, comma-separated: ${DOCUMENT_KINDS.join(", ")}.`);
const SINCE = textParam("since", "Only documents updated since: milliseconds since the epoch, or an ISO 8601 date.");

export function memoryRoutes(memory: () => Memory | undefined) {
  const need = (): Memory => {
    const m = memory();
    if (!m) throw new HttpError(503, "memory_unavailable", "memory: the memory step did not open the databases");
    return m;
  };
  return new Hono()
    .post("/memory/documents", doc({ summary: "Add a document to long-term memory (chunked, embedded when a model is set)", body: DocumentBody, responses: { 201: "Stored.", 200: "Nothing new: the same text was stored already, or the source's document was replaced in place." } }, async (c) => {
      const m = need();
      const body = await readJson(c, DocumentBody);
      const r = await m.longterm.ingest(body, c.req.raw.signal).catch(asHttp);
      m.operational.event("memory.ingest", "api", { id: r.id, chunks: r.chunks, deduplicated: r.deduplicated, updated: r.updated });
      return json(r, r.deduplicated || r.updated ? 200 : 201);
    }))
    .get("/memory/search", doc({ summary: "Search long-term memory (full text and vectors)", query: [Q, K, KIND, SINCE] }, async (c) => {
      const m = need();
      const q = Q.read(c)?.trim() ?? "";
      if (!q) throw new HttpError(400, "bad_request", "q: a search query is required", { field: "q" });
      if (q.length > MAX_QUERY) throw new HttpError(400, "bad_request", `q: must be at most ${MAX_QUERY} characters`, { field: "q" });
      const k = K.read(c);
      const result = await m.longterm
        .search(q, { k, kinds: kindParam(KIND.read(c)), since: sinceParam(SINCE.read(c)), signal: c.req.raw.signal })
        .catch(asHttp);
      return json(result);
    }))
    .get("/memory/stats", doc({ summary: "Memory: counts, file sizes, embedding model, buffer fill" }, (c) => json(need().stats())));
}
