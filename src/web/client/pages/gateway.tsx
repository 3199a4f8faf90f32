/** The gateway to external models: each provider's spend this month against its budget, and its rate limits. */
import { get } from "../api";
import { Badge, Meter, Pending, Table, Title, useLoad } from "../ui";

interface Provider {
  name: string;
  protocol: string;
  model: string;
  available: boolean;
  reason?: string;
  fallbackOnly: boolean;
  budget: { month: string; monthlyUsd: number; spentUsd: number; leftUsd: number | null; calls: number };
  rateLimit: { rpm: number; tpm: number; blockedForMs: number };
}

type Status = { enabled: true; order: string[]; providers: Provider[] } | { enabled: false; reason: string };

const usd = (n: number) => `$${n.toFixed(n < 10 ? 4 : 2)}`;

export function Gateway() {
  const st = useLoad(() => get<Status>("/api/v1/gateway"), [], 10_000);
  const g = st.data;
  return (
    <section>
      <Title intro="External models (Anthropic, OpenAI-compatible) for planning and wording, each within a monthly budget.">Gateway</Title>
      <Pending state={st} />
      {g && !g.enabled ? (
        <p class="note" role="status">
          The gateway is off: {g.reason}
        </p>
      ) : null}
      {g && g.enabled ? (
        <>
          <div class="cards">
            {g.providers.map((p) => (
              <div class="card">
                <h2>
                  {p.name} <Badge tone={p.available ? "ok" : "muted"}>{p.available ? "available" : "off"}</Badge>
                </h2>
                <p class="muted">
                  {p.model} · {p.protocol}
                  {p.fallbackOnly ? " · fallback only" : ""}
                </p>
                <Meter label={`${p.name} spend, ${p.budget.month}`} used={p.budget.spentUsd} total={p.budget.monthlyUsd} text={p.budget.monthlyUsd > 0 ? `${usd(p.budget.spentUsd)} of ${usd(p.budget.monthlyUsd)}` : `${usd(p.budget.spentUsd)} (no budget)`} />
                {p.reason ? <p class="muted">{p.reason}</p> : null}
              </div>
            ))}
          </div>
          <Table
            caption="Providers"
            head={["Provider", "Calls this month", "Spent", "Left", "Rate limit"]}
            rows={g.providers.map((p) => [p.name, String(p.budget.calls), usd(p.budget.spentUsd), p.budget.leftUsd === null ? "—" : usd(p.budget.leftUsd), `${p.rateLimit.rpm} req/min, ${p.rateLimit.tpm} tokens/min${p.rateLimit.blockedForMs ? `; blocked ${Math.ceil(p.rateLimit.blockedForMs / 1000)} s` : ""}`])}
          />
          <p class="muted">Order tried: {g.order.join(" → ")}</p>
        </>
      ) : null}
    </section>
  );
}
