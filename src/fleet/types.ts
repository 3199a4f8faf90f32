/**
 * What fleet mode says on the wire and to its callers: a node's status, a
 * fleet goal's selector, record, answers and result. Plain data, no NATS
 * client: the API routes and the boot step import these without loading one.
 */

/** What each node keeps in the node list (KV bucket aios_nodes), rewritten every heartbeat. */
export interface NodeStatus {
  node: string;
  hostname: string;
  version: string;
  labels: Record<string, string>;
  /** Autonomy level the node's gate is at: fleet goals run under it. */
  autonomy: string;
  startedAt: number;
  uptimeMs: number;
  load: { one: number; five: number; fifteen: number };
  memory: { totalBytes: number; availableBytes: number; rssBytes: number };
  goals: { running: number; pending: number };
  approvals: { pending: number };
  /** The node's HTTP API as it sees it, when listening. */
  api: string | null;
  heartbeatMs: number;
  ttlMs: number;
  /** When this status was written (ms since the epoch). */
  at: number;
}

/** Which nodes a fleet goal is for: named ones, those with all the given labels, or every live node. */
export interface Selector {
  nodes?: string[];
  labels?: Record<string, string>;
  all?: boolean;
}

export const ANSWER_STATES = ["accepted", "awaiting_approval", "done", "failed", "cancelled", "skipped", "expired"] as const;
export type AnswerState = (typeof ANSWER_STATES)[number];
/** States after which a node has said its piece (awaiting_approval: a person on that node must decide). */
export const ANSWERED: ReadonlySet<AnswerState> = new Set(["awaiting_approval", "done", "failed", "cancelled", "skipped", "expired"]);

/** One node's answer to a fleet goal; the latest per node wins. */
export interface FleetAnswer {
  id: string;
  node: string;
  state: AnswerState;
  /** The node's own goal number, once it took the goal. */
  goalId?: number;
  /** The goal's answer for a person (its result summary) when done. */
  answer?: string;
  result?: unknown;
  error?: string;
  at: number;
}

/** What the submitter records (KV bucket aios_fleet_goals) and sends each target (stream AIOS_FLEET_GOALS). */
export interface FleetGoalRecord {
  id: string;
  goal: string;
  selector: Selector;
  targets: string[];
  createdAt: number;
  /** Answers are gathered until then; a node that gets the goal later than `expiresAt` answers "expired". */
  deadlineAt: number;
  expiresAt: number;
  /** Who asked: a node name or "client". */
  from: string;
}

/** What goes on the work stream: the record less its targets (a node decides by the selector; a thousand names would make each copy kilobytes). */
export type FleetGoalOrder = Omit<FleetGoalRecord, "targets">;

export interface FleetGoalResult {
  id: string;
  goal: string;
  selector: Selector;
  targets: string[];
  answers: FleetAnswer[];
  /** Targets that have not answered (yet): down, still working, or past the deadline. */
  missing: string[];
  summary: Partial<Record<AnswerState, number>> & { targets: number; answered: number };
  /** Every target answered before the deadline. */
  complete: boolean;
  createdAt: number;
  deadlineAt: number;
}

export interface FleetGoalRequest {
  goal: string;
  selector: Selector;
  /** How long to gather answers (ms); the node's fleet.goal_deadline when absent. */
  deadlineMs?: number;
  /** false: return once the goal is sent, with nobody answered yet. */
  wait?: boolean;
}

/** What the HTTP API needs from a running fleet node (src/api/routes/fleet.ts). */
export interface FleetPort {
  readonly node: string;
  connected(): boolean;
  nodes(): Promise<NodeStatus[]>;
  submitGoal(req: FleetGoalRequest): Promise<FleetGoalResult>;
  goal(id: string): Promise<FleetGoalResult | null>;
}

export function matches(selector: Selector, node: string, labels: Record<string, string>): boolean {
  if (selector.nodes?.length && !selector.nodes.includes(node)) return false;
  if (selector.labels && Object.entries(selector.labels).some(([k, v]) => labels[k] !== v)) return false;
  return Boolean(selector.all || selector.nodes?.length || (selector.labels && Object.keys(selector.labels).length));
}

/**
 * The nodes a goal goes to: live nodes the selector matches, plus nodes named
 * outright that are down (their durable consumer holds the goal until they
 * return; they check the labels themselves).
 */
export function targetsOf(selector: Selector, live: ReadonlyArray<Pick<NodeStatus, "node" | "labels">>): string[] {
  const out = new Set(live.filter((n) => matches(selector, n.node, n.labels)).map((n) => n.node));
  const known = new Set(live.map((n) => n.node));
  for (const name of selector.nodes ?? []) if (!known.has(name)) out.add(name);
  return [...out].sort();
}

/** The latest answer per node folded into a result. */
export function resultOf(record: FleetGoalRecord, answers: Iterable<FleetAnswer>): FleetGoalResult {
  const latest = new Map<string, FleetAnswer>();
  for (const a of answers) {
    const prev = latest.get(a.node);
    if (!prev || a.at >= prev.at) latest.set(a.node, a);
  }
  const list = record.targets.map((t) => latest.get(t)).filter((a): a is FleetAnswer => a !== undefined);
  for (const [node, a] of latest) if (!record.targets.includes(node)) list.push(a); // late joiners a selector also matched
  const summary: FleetGoalResult["summary"] = { targets: record.targets.length, answered: 0 };
  for (const a of list) {
    summary[a.state] = (summary[a.state] ?? 0) + 1;
    if (ANSWERED.has(a.state)) summary.answered++;
  }
  const missing = record.targets.filter((t) => !ANSWERED.has(latest.get(t)?.state ?? "accepted"));
  return {
    id: record.id,
    goal: record.goal,
    selector: record.selector,
    targets: record.targets,
    answers: list,
    missing,
    summary,
    complete: missing.length === 0,
    createdAt: record.createdAt,
    deadlineAt: record.deadlineAt,
  };
}
