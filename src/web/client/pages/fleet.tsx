/** The fleet's live nodes (fleet mode): labels, version, load, memory, goals and approvals per node. */
import { get } from "../api";
import { ago, Badge, bytes, duration, Pending, Table, Title, useLoad } from "../ui";

interface Node {
  node: string;
  labels: Record<string, string>;
  version: string;
  uptimeMs: number;
  load: { one: number };
  memory: { availableBytes: number; totalBytes: number };
  goals: { running: number };
  approvals: { pending: number };
  at: number;
}

export function Fleet({ on }: { on: boolean }) {
  const list = useLoad(() => get<{ node: string; connected: boolean; nodes: Node[] }>("/api/v1/fleet/nodes"), [], 5000);
  const d = list.data;
  return (
    <section>
      <Title intro={d ? `This node is ${d.node}, ${d.connected ? "connected to" : "reconnecting to"} the fleet's NATS.` : on ? undefined : "Fleet mode is off on this node ([fleet] enabled = false)."}>Fleet</Title>
      <Pending state={list} />
      {d ? (
        <Table
          caption="Live nodes"
          head={["Node", "Labels", "Version", "Up", "Load", "Memory free", "Goals", "Approvals", "Seen"]}
          empty="No live node."
          rows={d.nodes.map((n) => [
            <strong>{n.node}</strong>,
            <span class="chips">
              {Object.entries(n.labels).map(([k, v]) => (
                <code>
                  {k}={v}
                </code>
              ))}
            </span>,
            n.version,
            duration(n.uptimeMs),
            n.load.one.toFixed(2),
            `${bytes(n.memory.availableBytes)} of ${bytes(n.memory.totalBytes)}`,
            String(n.goals.running),
            n.approvals.pending ? <Badge tone="warn">{String(n.approvals.pending)}</Badge> : "0",
            ago(n.at),
          ])}
        />
      ) : null}
    </section>
  );
}
