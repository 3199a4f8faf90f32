/** Long-term memory: search it (full text, hybrid with an embedding model) and add a document. */
import { useState } from "hono/jsx/dom";
import { get, post } from "../api";
import { canAct, useSession } from "../session";
import { Badge, ErrorNote, Pending, Title, useLoad } from "../ui";

interface Hit {
  documentId: number;
  title: string;
  kind: string;
  source: string | null;
  context: string | null;
  text: string;
  score: number;
  retrievers: string[];
}

interface Stats {
  documents: Record<string, number>;
  chunks: number;
  embeddingModel: string | null;
}

function AddDocument({ onAdded }: { onAdded: () => void }) {
  const [error, setError] = useState<Error | undefined>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const value = (n: string) => (form.elements.namedItem(n) as HTMLInputElement).value;
    setError(undefined);
    setDone(undefined);
    try {
      const r = await post<{ id: number; chunks: number; deduplicated: boolean; updated: boolean }>("/api/v1/memory/documents", { title: value("title"), text: value("text"), kind: value("kind") });
      setDone(r.deduplicated ? `Already stored as document ${r.id}.` : `Stored as document ${r.id} (${r.chunks} chunks).`);
      form.reset();
      onAdded();
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <form class="stack" onSubmit={submit} aria-labelledby="add-doc">
      <h2 id="add-doc">Add a document</h2>
      <label for="doc-title">Title</label>
      <input id="doc-title" name="title" required maxlength={500} />
      <label for="doc-kind">Kind</label>
      <select id="doc-kind" name="kind">
        <option value="document">document</option>
        <option value="procedure">procedure</option>
        <option value="decision">decision</option>
      </select>
      <label for="doc-text">Text</label>
      <textarea id="doc-text" name="text" rows={5} required />
      <div>
        <button type="submit">Add document</button>
      </div>
      {done ? (
        <p class="note ok" role="status">
          {done}
        </p>
      ) : null}
      <ErrorNote error={error} />
    </form>
  );
}

export function Memory() {
  const session = useSession();
  const [q, setQ] = useState("");
  const stats = useLoad(() => get<Stats>("/api/v1/memory/stats"), []);
  const hits = useLoad(() => (q ? get<{ hits: Hit[]; retrievers: string[] }>(`/api/v1/memory/search?q=${encodeURIComponent(q)}&k=10`) : Promise.resolve(undefined)), [q]);
  const s = stats.data;
  return (
    <section>
      <Title intro={s ? `${Object.values(s.documents).reduce((a, b) => a + b, 0)} documents in ${s.chunks} chunks; ${s.embeddingModel ? `hybrid search with ${s.embeddingModel}` : "full-text search (no embedding model)"}.` : undefined}>Memory</Title>
      <form
        class="field inline"
        role="search"
        onSubmit={(e: Event) => {
          e.preventDefault();
          setQ(((e.target as HTMLFormElement).elements.namedItem("q") as HTMLInputElement).value.trim());
        }}
      >
        <label for="mem-q">Search</label>
        <input id="mem-q" name="q" type="search" maxlength={1000} placeholder="reverse proxy" />
        <button type="submit">Search</button>
      </form>
      {q ? <Pending state={hits} /> : null}
      {hits.data ? (
        hits.data.hits.length ? (
          <ol class="hits" aria-label={`Results for ${q}`}>
            {hits.data.hits.map((h) => (
              <li>
                <strong>{h.title}</strong> <Badge>{h.kind}</Badge> <small class="muted">{h.source ?? ""}</small>
                {h.context ? <div class="muted">{h.context}</div> : null}
                <p class="snippet">{h.text.length > 300 ? `${h.text.slice(0, 300)}…` : h.text}</p>
              </li>
            ))}
          </ol>
        ) : (
          <p class="muted">Nothing found for “{q}”.</p>
        )
      ) : null}
      {canAct(session) ? <AddDocument onAdded={stats.reload} /> : null}
    </section>
  );
}
