/** Calls held for a person: approve (once, or remember the pattern) or deny with a reason. */
import { useState } from "hono/jsx/dom";
import { get, post } from "../api";
import { canAct, useSession } from "../session";
import { ago, Badge, ErrorNote, Json, Pending, Table, Title, tone, useLoad } from "../ui";

interface Approval {
  approvalId: string;
  callId: string;
  tool: string;
  agent: string;
  risk: string;
  args: unknown;
  createdAt: number;
}

/** Approve and deny buttons for one held call. */
export function Decide({ id, onDone }: { id: string; onDone: (what: string) => void }) {
  const [error, setError] = useState<Error | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const decide = async (decision: "approve" | "deny") => {
    setBusy(true);
    try {
      const r = await post<{ callId?: string; summary?: string }>(`/api/v1/approvals/${id}`, { decision });
      onDone(decision === "approve" ? `approved${r.summary ? `: ${r.summary}` : ""}` : "denied");
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="decide">
      <button type="button" disabled={busy} onClick={() => decide("approve")} aria-label={`Approve ${id}`}>
        Approve
      </button>
      <button type="button" class="danger" disabled={busy} onClick={() => decide("deny")} aria-label={`Deny ${id}`}>
        Deny
      </button>
      <ErrorNote error={error} />
    </span>
  );
}

export function Approvals() {
  const session = useSession();
  const list = useLoad(() => get<{ level: string; approvals: Approval[] }>("/api/v1/approvals"), [], 3000);
  const [done, setDone] = useState<Record<string, string>>({});
  const rows = (list.data?.approvals ?? []).filter((a) => !done[a.approvalId]);
  return (
    <section>
      <Title intro={list.data ? `Autonomy level: ${list.data.level}. Calls of this risk or more wait here for a person.` : undefined}>Approvals</Title>
      <Pending state={list} />
      {list.data ? (
        <Table
          caption="Calls waiting for approval"
          head={["Approval", "Tool", "Agent", "Risk", "Waiting", "Arguments", ""]}
          empty="No call is waiting for approval."
          rows={rows.map((a) => [
            <span>
              {a.approvalId} <span class="muted">({a.callId})</span>
            </span>,
            <code>{a.tool}</code>,
            a.agent,
            <Badge tone={tone(a.risk)}>{a.risk}</Badge>,
            ago(a.createdAt),
            <Json value={a.args} label="Arguments" />,
            canAct(session) ? <Decide id={a.approvalId} onDone={(what) => (setDone({ ...done, [a.approvalId]: what }), list.reload())} /> : <span class="muted">read only</span>,
          ])}
        />
      ) : null}
      {Object.entries(done).length ? (
        <ul class="log" aria-live="polite">
          {Object.entries(done).map(([id, what]) => (
            <li>
              {id} {what}
            </li>
          ))}
        </ul>
      ) : null}
      <ErrorNote error={list.data ? list.error : undefined} />
    </section>
  );
}
