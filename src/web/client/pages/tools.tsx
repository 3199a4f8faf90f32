/** The tools: a list to filter, and for each a call form generated from its schema, the result with its summary, and rollback. */
import { useState } from "hono/jsx/dom";
import { ApiError, get, post, request } from "../api";
import { canAct, useSession } from "../session";
import { FieldError, focusField, type JsonSchema, readArgs, SchemaFields } from "../form";
import { Badge, ErrorNote, Json, Pending, Table, Title, tone, useLoad } from "../ui";

interface Tool {
  name: string;
  description: string;
  risk: string;
  readOnly: boolean;
  idempotent: boolean;
  reversible: boolean;
  timeoutMs: number;
  inputSchema: JsonSchema;
}

/** The description's first clause, for the list; the tool's page has it all. */
const gist = (d: string) => d.split(/(?<=\.)\s|:\s/)[0]!.replace(/\.$/, "");

const flags = (t: Tool) => [t.readOnly && "read-only", t.reversible && "reversible", t.idempotent && "idempotent"].filter(Boolean).join(", ");

export function Tools() {
  const list = useLoad(() => get<{ tools: Tool[] }>("/api/v1/tools"), []);
  const [filter, setFilter] = useState("");
  const f = filter.toLowerCase();
  const tools = (list.data?.tools ?? []).filter((t) => !f || t.name.includes(f) || t.description.toLowerCase().includes(f));
  return (
    <section>
      <Title intro="Agents touch the system only through these typed tools; every call is validated, gated by risk, audited and, where it can be, undoable.">Tools</Title>
      <div class="field inline">
        <label for="tool-filter">Filter</label>
        <input id="tool-filter" type="search" value={filter} onInput={(e: Event) => setFilter((e.target as HTMLInputElement).value)} placeholder="fs, disk, service…" />
      </div>
      <Pending state={list} />
      {list.data ? (
        <Table
          caption="Tools"
          head={["Tool", "Risk", "Flags", "What it does"]}
          empty="No tool matches."
          rows={tools.map((t) => [<a href={`#/tools/${encodeURIComponent(t.name)}`}>{t.name}</a>, <Badge tone={tone(t.risk)}>{t.risk}</Badge>, flags(t), gist(t.description)])}
        />
      ) : null}
    </section>
  );
}

interface CallOutcome {
  status: number;
  callId?: string;
  approvalId?: string;
  result?: unknown;
  summary?: string;
}

export function ToolPage({ name }: { name: string }) {
  const session = useSession();
  const tool = useLoad(() => get<Tool>(`/api/v1/tools/${encodeURIComponent(name)}`), [name]);
  const [outcome, setOutcome] = useState<CallOutcome | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [invalid, setInvalid] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [undone, setUndone] = useState<string | undefined>(undefined);
  const t = tool.data;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!t) return;
    setError(undefined);
    setInvalid(undefined);
    setOutcome(undefined);
    setUndone(undefined);
    let args: Record<string, unknown>;
    try {
      args = readArgs(e.target as HTMLFormElement, t.name, t.inputSchema);
    } catch (err) {
      setError(err as Error);
      if (err instanceof FieldError) setInvalid(focusField(t.name, err.field));
      return;
    }
    setBusy(true);
    try {
      const r = await request<CallOutcome>("POST", `/api/v1/tools/${encodeURIComponent(t.name)}`, { args });
      setOutcome({ ...r.body, status: r.status });
    } catch (err) {
      setError(err as Error);
      if (err instanceof ApiError) setInvalid(focusField(t.name, err.field));
    } finally {
      setBusy(false);
    }
  };

  const rollback = async (callId: string) => {
    try {
      await post(`/api/v1/calls/${callId}/rollback`);
      setUndone(`${callId} rolled back.`);
    } catch (err) {
      setError(err as Error);
    }
  };

  return (
    <section>
      <Title intro={t?.description}>
        <code>{name}</code>
      </Title>
      <p>
        <a href="#/tools">All tools</a>
      </p>
      <Pending state={tool} />
      {t ? (
        <>
          <p>
            <Badge tone={tone(t.risk)}>{t.risk} risk</Badge> {flags(t)} · times out after {t.timeoutMs / 1000} s
          </p>
          {canAct(session) ? (
            <form class="stack tool-form" onSubmit={submit} aria-label={`Call ${t.name}`} noValidate>
              <SchemaFields tool={t.name} schema={t.inputSchema} invalid={invalid} />
              <div>
                <button type="submit" disabled={busy}>
                  {busy ? "Calling…" : `Call ${t.name}`}
                </button>
              </div>
            </form>
          ) : (
            <p class="muted">Your role reads tools; it cannot call them.</p>
          )}
          <ErrorNote error={error} />
          {outcome ? (
            <div class="result" role="status">
              {outcome.status === 202 ? (
                <p>
                  Held for approval <strong>{outcome.approvalId}</strong> (call {outcome.callId}): <a href="#/approvals">approvals</a>.
                </p>
              ) : (
                <>
                  <h2>Result</h2>
                  <p class="summary">{outcome.summary ?? `${outcome.callId} done`}</p>
                  <Json value={outcome.result} label={`Result of ${outcome.callId}`} />
                  {t.reversible && outcome.callId && !undone ? (
                    <button type="button" class="quiet" onClick={() => rollback(outcome.callId!)}>
                      Roll back {outcome.callId}
                    </button>
                  ) : null}
                  {undone ? <p>{undone}</p> : null}
                </>
              )}
            </div>
          ) : null}
          <Json value={t.inputSchema} label="Input schema (JSON Schema)" />
        </>
      ) : null}
    </section>
  );
}
