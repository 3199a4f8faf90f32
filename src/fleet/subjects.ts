/**
 * Every NATS name fleet mode uses, in one place (docs/fleet.md lists them).
 * Node names and fleet-goal ids are single subject tokens: the config and
 * the id generator keep dots, spaces and wildcards out of them.
 */

export const SUBJECTS = {
  /** Request/reply management API: `aios.node.<name>.api.<method>.<path…>` (src/fleet/bridge.ts). */
  api: (node: string) => `aios.node.${node}.api`,
  /** Audit rows, one message per ledger row, Nats-Msg-Id `<node>:<seq>`. */
  audit: (node: string) => `aios.audit.${node}`,
  /** Goal trace events, Nats-Msg-Id `<node>:e<event id>`. */
  events: (node: string) => `aios.events.${node}`,
  /**
   * A fleet goal, published once with its targets on the work stream; every
   * node's durable consumer reads `aios.fleet.goal.>` and runs the goals that
   * name it (one publish per goal, not one per node: see docs/fleet.md).
   */
  goal: (id: string) => `aios.fleet.goal.${id}`,
  goals: "aios.fleet.goal.>",
  /** A node's answers to one fleet goal; the last one per subject is its current answer. */
  answer: (id: string, node: string) => `aios.fleet.answer.${id}.${node}`,
  answers: (id: string) => `aios.fleet.answer.${id}.*`,
} as const;

export const STREAMS = {
  audit: { name: "AIOS_AUDIT", subjects: ["aios.audit.>"] },
  events: { name: "AIOS_EVENTS", subjects: ["aios.events.>"] },
  goals: { name: "AIOS_FLEET_GOALS", subjects: ["aios.fleet.goal.>"] },
  answers: { name: "AIOS_FLEET_ANSWERS", subjects: ["aios.fleet.answer.>"] },
} as const;

export const BUCKETS = {
  /** Node name → NodeStatus; entries expire after the ttl, so a dead node leaves the list. */
  nodes: "aios_nodes",
  /** Fleet goal id → FleetGoalRecord. */
  goals: "aios_fleet_goals",
} as const;

/** The durable consumer through which a node takes its fleet goals, also while it was down. */
export const goalConsumer = (node: string) => `node-${node}`;

/** Message ids: JetStream drops a second message with the same id, so a retry never doubles a row. */
export const MSG_ID = {
  audit: (node: string, seq: number) => `${node}:${seq}`,
  event: (node: string, id: number) => `${node}:e${id}`,
  goal: (id: string) => id,
  answer: (id: string, node: string, state: string) => `${id}:${node}:${state}`,
} as const;

/** A fleet goal id: time-ordered, unique, one subject token. */
export function newGoalId(now = Date.now()): string {
  const rand = crypto.getRandomValues(new Uint8Array(6));
  return `fg${now.toString(36).padStart(9, "0")}${Buffer.from(rand).toString("hex")}`;
}
