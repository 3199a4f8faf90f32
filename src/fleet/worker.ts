/**
 * Fleet goals, the node's side. The node's durable consumer on the work
 * stream hands it the fleet goals addressed to it, also those sent while it
 * was down. Each is checked (not expired, the labels still match), submitted
 * to the node's own goal engine with no autonomy override, so it is planned
 * and run under this node's level, and answered: accepted, then
 * awaiting_approval when a person must decide here, then done, failed or
 * cancelled. A goal taken is written to <data>/fleet/goals.json before the
 * work message is acknowledged, and answers are retried until the server has
 * them, so a restart or a cut connection neither runs a goal twice nor loses
 * its answer.
 */
import { AckPolicy, type ConsumerMessages, DeliverPolicy, type JsMsg } from "@nats-io/jetstream";
import type { Goal, TraceEvent } from "../orchestrator";
import { isFinalGoalState } from "../orchestrator/goals/machine";
import { errorMessage, log } from "../sys";
import { Backoff, sleep } from "./connect";
import type { Fleet } from "./setup";
import { DurableJson } from "./state";
import { goalConsumer, MSG_ID, STREAMS, SUBJECTS } from "./subjects";
import { type AnswerState, type FleetAnswer, type FleetGoalOrder, matches } from "./types";

/** What the worker needs of the goal engine: its public submit, get, list and subscribe. */
export interface GoalPort {
  submit(s: { goal: string; source?: string }): Goal;
  get(id: number): Goal | null;
  list(limit: number): Goal[];
  subscribe(id: number, listener: (e: TraceEvent) => void): () => void;
}

interface Taken {
  goalId: number;
  at: number;
  /** The last state answered, so waiting for approval is said once per wait. */
  said?: AnswerState;
}

const ACK_WAIT_NS = 30_000_000_000;
const POLL_MS = 1_000;

function answerText(goal: Goal): string | undefined {
  const r = goal.result as { answer?: unknown; summary?: unknown } | null;
  if (typeof r?.answer === "string") return r.answer;
  if (typeof r?.summary === "string") return r.summary;
  return undefined;
}

export class GoalWorker {
  private readonly taken: DurableJson<Record<string, Taken>>;
  private readonly watches = new Map<string, () => void>();
  private readonly outbox: Array<{ answer: FleetAnswer; acked?: () => void }> = [];
  private messages: ConsumerMessages | undefined;
  private stopped = false;
  private sending = false;

  constructor(
    private readonly fleet: Fleet,
    private readonly node: string,
    private readonly labels: Record<string, string>,
    private readonly engine: () => GoalPort | undefined,
    statePath: string,
  ) {
    this.taken = new DurableJson(statePath, {});
  }

  /** Resolves once the durable consumer exists, so a goal sent after the node is listed reaches it. */
  async start(): Promise<void> {
    for (const [id, t] of Object.entries(this.taken.get())) this.watch(id, t.goalId);
    await this.ensureConsumer().catch((err) => log.warn(`fleet: goal consumer: ${errorMessage(err)}; retrying`));
    void this.consumeForever();
  }

  stop(): void {
    this.stopped = true;
    for (const unwatch of this.watches.values()) unwatch();
    this.watches.clear();
    void this.messages?.close();
  }

  /** The consumer may be gone with a server's store: take messages through a fresh one. */
  reconnected(): void {
    void this.messages?.close();
  }

  private async ensureConsumer(): Promise<void> {
    // A node new to the fleet starts at goals sent from now on (a day-old order for its labels is not for it);
    // one that was here keeps its place, so goals sent while it was down wait for it.
    const config = { durable_name: goalConsumer(this.node), filter_subject: SUBJECTS.goals, deliver_policy: DeliverPolicy.New, ack_policy: AckPolicy.Explicit, ack_wait: ACK_WAIT_NS, max_ack_pending: 16 };
    try {
      await this.fleet.jsm.consumers.add(STREAMS.goals.name, config);
    } catch (err) {
      // It exists with settings an operator changed: use it as it is.
      await this.fleet.jsm.consumers.info(STREAMS.goals.name, config.durable_name).catch(() => {
        throw err;
      });
    }
  }

  /** The consumer survives server restarts; if the iterator ends (consumer deleted, server wiped) it is made again. */
  private async consumeForever(): Promise<void> {
    const backoff = new Backoff(500, 10_000);
    while (!this.stopped) {
      try {
        await this.ensureConsumer();
        const consumer = await this.fleet.js.consumers.get(STREAMS.goals.name, goalConsumer(this.node));
        this.messages = await consumer.consume({ max_messages: 8 });
        backoff.reset();
        for await (const m of this.messages) await this.take(m);
      } catch (err) {
        if (!this.stopped) log.debug(`fleet: goal consumer: ${errorMessage(err)}`);
      }
      if (!this.stopped) await sleep(backoff.next());
    }
  }

  private async take(m: JsMsg): Promise<void> {
    let rec: FleetGoalOrder;
    try {
      rec = m.json<FleetGoalOrder>();
      if (typeof rec.id !== "string" || typeof rec.goal !== "string" || typeof rec.selector !== "object" || !rec.selector) throw new Error("not a fleet goal");
    } catch (err) {
      log.warn(`fleet: dropped a work message on ${m.subject}: ${errorMessage(err)}`);
      return void m.term();
    }
    const selected = matches(rec.selector, this.node, this.labels);
    // Another node's goal: nothing to say. Named here but the labels no longer match: say so.
    if (!selected && !rec.selector.nodes?.includes(this.node)) return void m.ack();
    const known = this.taken.get()[rec.id] ?? (m.redelivered ? this.findSubmitted(rec.id) : undefined);
    if (known) {
      m.ack();
      return this.watch(rec.id, known.goalId);
    }
    const refuse = (state: AnswerState, error: string) => {
      this.answer({ id: rec.id, node: this.node, state, error, at: Date.now() });
      m.ack();
    };
    if (Date.now() > rec.expiresAt) return refuse("expired", `reached ${this.node} after it expired (${new Date(rec.expiresAt).toISOString()})`);
    if (!selected) return refuse("skipped", `${this.node} does not match the selector (labels ${JSON.stringify(this.labels)})`);
    const engine = this.engine();
    if (!engine) return refuse("failed", `${this.node}: the orchestrator did not start, so it takes no goals`);
    let goal: Goal;
    try {
      goal = engine.submit({ goal: rec.goal, source: `fleet:${rec.id}` });
    } catch (err) {
      return refuse("failed", errorMessage(err));
    }
    this.taken.set({ ...this.taken.get(), [rec.id]: { goalId: goal.id, at: Date.now() } });
    log.info(`fleet: took fleet goal ${rec.id} from ${rec.from} as goal ${goal.id}: ${rec.goal}`);
    this.answer({ id: rec.id, node: this.node, state: "accepted", goalId: goal.id, at: Date.now() });
    m.ack();
    this.watch(rec.id, goal.id);
  }

  /** A redelivered goal may have been submitted just before a crash, before it was written down. */
  private findSubmitted(id: string): Taken | undefined {
    const g = this.engine()?.list(200).find((x) => x.source === `fleet:${id}`);
    return g ? { goalId: g.id, at: g.createdAt } : undefined;
  }

  private watch(id: string, goalId: number): void {
    if (this.watches.has(id)) return;
    const engine = this.engine();
    if (!engine) return;
    const check = () => {
      const g = engine.get(goalId);
      const t = this.taken.get()[id];
      if (!t) return;
      if (!g) return this.finish(id, { id, node: this.node, state: "failed", goalId, error: `goal ${goalId} is gone from ${this.node}`, at: Date.now() });
      if (isFinalGoalState(g.state)) {
        const state = g.state as AnswerState;
        return this.finish(id, { id, node: this.node, state, goalId, answer: answerText(g), result: g.result ?? undefined, error: g.error ?? undefined, at: Date.now() });
      }
      const said: AnswerState = g.state === "awaiting_approval" ? "awaiting_approval" : "accepted";
      if (said !== (t.said ?? "accepted")) {
        this.taken.set({ ...this.taken.get(), [id]: { ...t, said } });
        if (said === "awaiting_approval") this.answer({ id, node: this.node, state: said, goalId, error: `waiting for a person to approve a call on ${this.node} (GET /api/v1/approvals there)`, at: Date.now() });
      }
    };
    const unsubscribe = engine.subscribe(goalId, () => check());
    const timer = setInterval(check, POLL_MS); // a state change without a trace event is still seen
    this.watches.set(id, () => {
      unsubscribe();
      clearInterval(timer);
    });
    check();
  }

  private finish(id: string, answer: FleetAnswer): void {
    this.watches.get(id)?.();
    this.watches.delete(id);
    this.answer(answer, () => {
      const { [id]: _, ...rest } = this.taken.get();
      this.taken.set(rest);
    });
  }

  /** Queues an answer; sent in order, retried until the server acknowledges it. */
  private answer(answer: FleetAnswer, acked?: () => void): void {
    this.outbox.push({ answer, acked });
    void this.send();
  }

  private async send(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    const backoff = new Backoff(250, 5_000);
    try {
      while (this.outbox.length && !this.stopped) {
        const { answer, acked } = this.outbox[0]!;
        try {
          await this.fleet.js.publish(SUBJECTS.answer(answer.id, answer.node), JSON.stringify(answer), { msgID: MSG_ID.answer(answer.id, answer.node, answer.state), timeout: 5_000 });
          this.outbox.shift();
          acked?.();
          backoff.reset();
        } catch (err) {
          log.debug(`fleet: answer to ${answer.id} not sent yet: ${errorMessage(err)}`);
          await sleep(backoff.next());
        }
      }
    } finally {
      this.sending = false;
    }
  }
}
