/** The hash-chained audit ledger: newest first, a page at a time (cursor pagination where the API has it), and a chain check. */
import { useState } from "hono/jsx/dom";
import type { AuditRow } from "../../../memory/audit-row";
import { get, post } from "../api";
import { Badge, ErrorNote, Json, Pending, Table, Title, useLoad, when } from "../ui";

interface Page {
  rows: AuditRow[];
  next?: string | null;
}

const PAGE = 25;

export function Audit() {
  const [tool, setTool] = useState("");
  const [cursors, setCursors] = useState<string[]>([]);
  const [limit, setLimit] = useState(PAGE);
  const cursor = cursors.at(-1);
  const q = new URLSearchParams({ limit: String(limit) });
  if (tool) q.set("tool", tool);
  if (cursor) q.set("cursor", cursor);
  const page = useLoad(() => get<Page>(`/api/v1/audit?${q}`), [q.toString()]);
  const [verdict, setVerdict] = useState<{ ok: boolean; rows: number; firstBadRow?: number; reason?: string } | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const rows = page.data?.rows ?? [];
  // With cursors the API pages for us; without (older builds), more rows are asked for.
  const paged = page.data ? "next" in page.data : false;

  const verify = async () => {
    setVerdict(undefined);
    try {
      setVerdict(await post("/api/v1/audit/verify"));
    } catch (err) {
      setError(err as Error);
    }
  };

  return (
    <section>
      <Title intro="Every tool call is recorded before and after it runs; each row carries the hash of the one before.">Audit</Title>
      <div class="toolbar">
        <form
          class="field inline"
          onSubmit={(e: Event) => {
            e.preventDefault();
            setTool(((e.target as HTMLFormElement).elements.namedItem("tool") as HTMLInputElement).value.trim());
            setCursors([]);
          }}
        >
          <label for="audit-tool">Tool</label>
          <input id="audit-tool" name="tool" type="search" placeholder="fs.write" />
          <button type="submit" class="quiet">
            Filter
          </button>
        </form>
        <button type="button" onClick={verify}>
          Verify the chain
        </button>
      </div>
      {verdict ? (
        <p class={`note ${verdict.ok ? "ok" : "error"}`} role="status">
          {verdict.ok ? `Verified: ${verdict.rows} rows, every hash and link intact.` : `Broken at row ${verdict.firstBadRow}: ${verdict.reason}`}
        </p>
      ) : null}
      <ErrorNote error={error} />
      <Pending state={page} />
      {page.data ? (
        <Table
          caption="Audit rows, newest first"
          head={["#", "Time", "Kind", "Tool", "Agent", "Call", "Data"]}
          empty="No rows."
          rows={rows.map((r) => [String(r.seq), when(r.ts), <Badge>{r.kind}</Badge>, r.tool ? <code>{r.tool}</code> : "—", r.agent ?? "—", r.callId ?? "—", <Json value={r.data} label="Data" />])}
        />
      ) : null}
      <div class="pager">
        {cursors.length ? (
          <button type="button" class="quiet" onClick={() => setCursors(cursors.slice(0, -1))}>
            Newer
          </button>
        ) : null}
        {paged && page.data?.next ? (
          <button type="button" class="quiet" onClick={() => setCursors([...cursors, page.data!.next!])}>
            Older
          </button>
        ) : null}
        {!paged && rows.length >= limit ? (
          <button type="button" class="quiet" onClick={() => setLimit(limit + PAGE)}>
            Show more
          </button>
        ) : null}
      </div>
    </section>
  );
}
