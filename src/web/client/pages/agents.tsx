/** The agents as their supervisor sees them: state, restarts, mailbox, capabilities in force. */
import { get } from "../api";
import { Badge, Pending, Table, Title, tone, useLoad } from "../ui";

interface Agent {
  name: string;
  description: string;
  capabilities: string[];
  revoked: string[];
  status: string;
  restarts: number;
  mailboxDepth: number;
}

export function Agents() {
  const list = useLoad(() => get<{ agents: Agent[] }>("/api/v1/agents"), [], 5000);
  return (
    <section>
      <Title intro="Each agent is a supervised actor that acts only through the tools its capabilities allow.">Agents</Title>
      <Pending state={list} />
      {list.data ? (
        <Table
          caption="Agents"
          head={["Agent", "State", "Restarts", "Mailbox", "Capabilities"]}
          empty="No agent is running."
          rows={list.data.agents.map((a) => [
            <span>
              <strong>{a.name}</strong>
              <br />
              <small class="muted">{a.description}</small>
            </span>,
            <Badge tone={a.status === "running" ? "ok" : tone(a.status)}>{a.status}</Badge>,
            String(a.restarts),
            String(a.mailboxDepth),
            <span class="chips">
              {a.capabilities.map((c) => (
                <code>{c}</code>
              ))}
              {a.revoked.map((c) => (
                <code class="revoked" title="revoked">
                  −{c}
                </code>
              ))}
            </span>,
          ])}
        />
      ) : null}
    </section>
  );
}
