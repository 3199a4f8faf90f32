/**
 * Fleet goals, the asking side: resolve the selector against the node list,
 * record the goal, put it once on the work stream with its selector (each
 * node's durable consumer holds it until that node takes it, also when it is
 * down now), then gather the answers until every target has answered or the
 * deadline passes. Answers live in a stream, so the result can be asked for
 * again later by anyone (`fleetGoalResult`).
 */
import type { Fleet } from "./setup";
import { listNodes } from "./nodes";
import { FleetError } from "./settings";
import { MSG_ID, newGoalId, STREAMS, SUBJECTS } from "./subjects";
import { ANSWERED, type FleetAnswer, type FleetGoalRecord, type FleetGoalRequest, type FleetGoalResult, resultOf, type Selector, targetsOf } from "./types";

/** A goal not taken within this long after its deadline is answered "expired" by the node that finds it. */
const EXPIRY_AFTER_DEADLINE_MS = 24 * 3_600_000;
const MAX_GOAL_CHARS = 2_000;

export function checkSelector(s: Selector): string | undefined {
  if (s.all && (s.nodes?.length || (s.labels && Object.keys(s.labels).length))) return "all: cannot be combined with nodes or labels";
  if (!s.all && !s.nodes?.length && !(s.labels && Object.keys(s.labels).length)) return "a selector needs nodes, labels or all: true (the whole fleet is never implied)";
  const bad = s.nodes?.find((n) => !/^[A-Za-z0-9_-]{1,63}$/.test(n));
  if (bad !== undefined) return `nodes: ${JSON.stringify(bad)} is not a node name`;
  const badLabel = Object.entries(s.labels ?? {}).find(([k, v]) => !/^[A-Za-z0-9_-]{1,63}$/.test(k) || !/^[A-Za-z0-9_-]{1,63}$/.test(String(v)));
  if (badLabel) return `labels: ${badLabel[0]}=${badLabel[1]} is not a label (letters, digits, _ and -)`;
  return undefined;
}

/** `sent` is called once every target's message is on the work stream (the benchmark times fan-out apart from gathering). */
export async function submitFleetGoal(f: Fleet, req: FleetGoalRequest & { deadlineMs: number }, from: string, hooks: { sent?(): void } = {}): Promise<FleetGoalResult> {
  const goal = req.goal.trim();
  if (!goal) throw new FleetError("invalid_argument", "goal: must not be empty");
  if (goal.length > MAX_GOAL_CHARS) throw new FleetError("invalid_argument", `goal: must be at most ${MAX_GOAL_CHARS} characters`);
  const why = checkSelector(req.selector);
  if (why) throw new FleetError("invalid_argument", why);
  const targets = targetsOf(req.selector, await listNodes(f));
  if (!targets.length) throw new FleetError("no_node", "no live node matches the selector");
  const now = Date.now();
  const record: FleetGoalRecord = {
    id: newGoalId(now),
    goal,
    selector: req.selector,
    targets,
    createdAt: now,
    deadlineAt: now + req.deadlineMs,
    expiresAt: now + req.deadlineMs + EXPIRY_AFTER_DEADLINE_MS,
    from,
  };
  await f.goals.put(record.id, JSON.stringify(record));

  const answers: FleetAnswer[] = [];
  const waiting = new Set(targets);
  let wake: () => void = () => {};
  const settled = new Promise<void>((resolve) => (wake = resolve));
  // Subscribed before the goal goes out, so no answer can come first.
  const sub = req.wait === false ? undefined : f.nc.subscribe(SUBJECTS.answers(record.id), {
    callback: (err, m) => {
      if (err) return;
      try {
        const a = m.json<FleetAnswer>();
        answers.push(a);
        if (ANSWERED.has(a.state)) waiting.delete(a.node);
        if (!waiting.size) wake();
      } catch {
        // not an answer: ignore
      }
    },
  });
  try {
    await f.nc.flush();
    const { targets: _, ...order } = record;
    const body = JSON.stringify(order);
    await f.js.publish(SUBJECTS.goal(record.id), body, { msgID: MSG_ID.goal(record.id), timeout: 10_000 });
    hooks.sent?.();
    if (sub) {
      const timer = setTimeout(wake, Math.max(0, record.deadlineAt - Date.now()));
      await settled;
      clearTimeout(timer);
    }
  } finally {
    sub?.unsubscribe();
  }
  return resultOf(record, answers);
}

/** A fleet goal's result as the streams hold it now; null when no such goal is recorded. */
export async function fleetGoalResult(f: Fleet, id: string): Promise<FleetGoalResult | null> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new FleetError("invalid_argument", `id: ${JSON.stringify(id)} is not a fleet goal id`);
  const e = await f.goals.get(id);
  if (!e || e.operation !== "PUT") return null;
  const record = e.json<FleetGoalRecord>();
  const answers = await Promise.all(
    record.targets.map(async (node) => {
      try {
        const m = await f.jsm.streams.getMessage(STREAMS.answers.name, { last_by_subj: SUBJECTS.answer(id, node) });
        return m ? m.json<FleetAnswer>() : undefined;
      } catch {
        return undefined; // no answer from that node yet
      }
    }),
  );
  return resultOf(record, answers.filter((a): a is FleetAnswer => a !== undefined));
}
