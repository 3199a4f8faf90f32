/** Goals: submit one, the recent ones, and one goal's live trace with its approvals and, at the end, its answer. */
import { useEffect, useState } from "hono/jsx/dom";
import { get, post, request, stream } from "../api";
import { canAct, useSession } from "../session";
import { Badge, ErrorNote, Pending, Table, Title, tone, useLoad, when } from "../ui";
import { Decide } from "./approvals";

interface GoalSummary {
  id: number;
  goal: string;
  state: string;
  source: string;
  createdAt: number;
  answer: string | null;
  error: string | null;
}

interface TraceEvent {
  id: number;
  ts: number;
  kind: string;
  message: string;
  data: unknown;
}

interface GoalDetail extends GoalSummary {
  trace: TraceEvent[];
  finishedAt: number | null;
}

const FINAL = new Set(["done", "failed", "cancelled"]);

function Submit() {
  const [error, setError] = useState<Error | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const goal = (form.elements.namedItem("goal") as HTMLTextAreaElement).value.trim();
    if (!goal) return setError(new Error("Say what you want done."));
    setBusy(true);
    try {
      const r = await post<{ id: number }>("/api/v1/goals", { goal });
      location.hash = `#/goals/${r.id}`;
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="stack" onSubmit={submit}>
      <label for="goal">What do you want done?</label>
      <textarea id="goal" name="goal" rows={2} maxlength={2000} placeholder="show disk usage" required />
      <div>
        <button type="submit" disabled={busy}>
          {busy ? "Submitting…" : "Submit goal"}
        </button>
      </div>
      <ErrorNote error={error} />
    </form>
  );
}

export function Goals() {
  const session = useSession();
  const [limit, setLimit] = useState(20);
  const list = useLoad(() => get<{ goals: GoalSummary[]; next?: string | null }>(`/api/v1/goals?limit=${limit}`), [limit], 5000);
  const goals = list.data?.goals ?? [];
  return (
    <section>
      <Title intro="A goal is a sentence: aiOS plans it, its agents call tools, and it ends with an answer built from what they returned.">Goals</Title>
      {canAct(session) ? <Submit /> : <p class="muted">Your role reads goals; it cannot submit them.</p>}
      <h2>Recent goals</h2>
      <Pending state={list} />
      {list.data ? (
        <Table
          caption="Recent goals"
          head={["#", "State", "Goal", "From", "When"]}
          empty="No goals yet."
          rows={goals.map((g) => [
            <a href={`#/goals/${g.id}`}>{g.id}</a>,
            <Badge tone={tone(g.state)}>{g.state}</Badge>,
            <a href={`#/goals/${g.id}`}>{g.goal}</a>,
            g.source,
            when(g.createdAt),
          ])}
        />
      ) : null}
      {goals.length >= limit ? (
        <button type="button" class="quiet" onClick={() => setLimit(limit + 20)}>
          Show more
        </button>
      ) : null}
    </section>
  );
}

export function GoalPage({ id }: { id: string }) {
  const session = useSession();
  const [goal, setGoal] = useState<GoalDetail | undefined>(undefined);
  const [events, setEvents] = useState<TraceEvent[]>([]);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [live, setLive] = useState(false);
  const [decided, setDecided] = useState<Record<string, string>>({});

  useEffect(() => {
    let stop = () => {};
    let gone = false;
    setGoal(undefined);
    setEvents([]);
    get<GoalDetail>(`/api/v1/goals/${encodeURIComponent(id)}`).then(
      (g) => {
        if (gone) return;
        setGoal(g);
        setEvents(g.trace);
        if (FINAL.has(g.state)) return;
        setLive(true);
        stop = stream(
          `/api/v1/goals/${g.id}/events`,
          (e) => {
            if (e.event === "end") {
              setLive(false);
              get<GoalDetail>(`/api/v1/goals/${g.id}`).then((d) => {
                setGoal(d);
                setEvents(d.trace);
              }, setError);
              return;
            }
            try {
              const ev = JSON.parse(e.data) as TraceEvent;
              setEvents((prev) => (prev.some((p) => p.id === ev.id) ? prev : [...prev, ev]));
              setGoal((prev) => (prev && ev.kind !== prev.state && ["planning", "running"].includes(ev.kind) ? { ...prev, state: ev.kind } : prev));
            } catch {
              // not a trace event
            }
          },
          session.mode,
        );
      },
      (err) => setError(err),
    );
    return () => {
      gone = true;
      stop();
    };
  }, [id]);

  const cancel = async () => {
    try {
      await request("POST", `/api/v1/goals/${id}/cancel`);
    } catch (err) {
      setError(err as Error);
    }
  };

  if (error && !goal) return <section><Title>Goal {id}</Title><ErrorNote error={error} /></section>;
  if (!goal) return <section><Title>Goal {id}</Title><p class="muted">Loading…</p></section>;
  const final = FINAL.has(goal.state) && !live;
  return (
    <section>
      <Title intro={goal.goal}>
        Goal {goal.id} <Badge tone={tone(goal.state)}>{live ? (goal.state === "pending" ? "running" : goal.state) : goal.state}</Badge>
      </Title>
      <p>
        <a href="#/goals">All goals</a>
        {!final && canAct(session) ? (
          <>
            {" · "}
            <button type="button" class="quiet" onClick={cancel}>
              Cancel goal
            </button>
          </>
        ) : null}
      </p>
      {final ? (
        <div class={`answer ${tone(goal.state)}`} role="status">
          <h2>Answer</h2>
          <pre>{goal.answer ?? goal.error ?? `The goal ${goal.state}.`}</pre>
        </div>
      ) : (
        <p class="muted" role="status" aria-live="polite">
          {live ? "Following live…" : "Waiting…"}
        </p>
      )}
      <h2>Trace</h2>
      <ol class="trace" aria-live="polite">
        {events.map((e) => {
          const d = e.data as { approvalId?: string } | null;
          const approval = e.kind === "approval" && d?.approvalId && !final ? d.approvalId : undefined;
          return (
            <li class={`ev ${e.kind}`}>
              <span class="ts">{new Date(e.ts).toLocaleTimeString()}</span> <Badge tone={e.kind === "outcome" ? tone(goal.state) : ""}>{e.kind}</Badge> <span>{e.message}</span>
              {approval && canAct(session) && !decided[approval] ? <Decide id={approval} onDone={(what) => setDecided({ ...decided, [approval]: what })} /> : null}
              {approval && decided[approval] ? <span class="muted"> — {decided[approval]}</span> : null}
            </li>
          );
        })}
      </ol>
      <ErrorNote error={error} />
    </section>
  );
}
