/** The local models the inference runtime serves (GET /v1/models). */
import { get } from "../api";
import { Badge, Pending, Table, Title, useLoad } from "../ui";

interface Model {
  id: string;
  task?: string;
  tier?: string;
  loaded?: boolean;
  test?: boolean;
  owned_by?: string;
  dimensions?: number;
  context_length?: number;
}

export function Models() {
  const list = useLoad(() => get<{ data: Model[] }>("/v1/models"), [], 10_000);
  return (
    <section>
      <Title intro="Served OpenAI-compatibly at /v1 (embeddings, chat completions) by onnxruntime inside PID 1.">Models</Title>
      <Pending state={list} />
      {list.data ? (
        <Table
          caption="Local models"
          head={["Model", "Task", "Tier", "Loaded", "From", "Size"]}
          empty="No local models: the image's test models are on its runtime disk; real ones are imported (models/README.md)."
          rows={list.data.data.map((m) => [
            <code>{m.id}</code>,
            m.task ?? "—",
            m.tier ?? "—",
            <Badge tone={m.loaded ? "ok" : "muted"}>{m.loaded ? "loaded" : "on demand"}</Badge>,
            `${m.owned_by === "aios" ? "image" : "imported"}${m.test ? " (test weights)" : ""}`,
            m.dimensions ? `${m.dimensions} dims` : m.context_length ? `${m.context_length} tokens` : "—",
          ])}
        />
      ) : null}
    </section>
  );
}
