/**
 * Copies the node's audit rows and goal events to JetStream (AIOS_AUDIT,
 * AIOS_EVENTS). The ledger and the trace stay the source of truth and the
 * buffer: nothing is queued in memory, the publisher reads what is past its
 * resume point and publishes it with a message id (node + seq, node + event
 * id), so a retry after a cut connection is dropped by the server instead of
 * doubled, and a row is never skipped because the point only moves past rows
 * the server acknowledged.
 *
 * The resume point is the last row the stream holds from this node (asked
 * after every connect: it survives this node's restarts and covers rows
 * acknowledged just before a crash), else the point saved durably in
 * <data>/fleet/cursor.json (a stream whose old rows aged out).
 */
import type { AuditRow } from "../memory";
import { isFinalGoalState } from "../orchestrator/goals/machine";
import type { TraceEvent } from "../orchestrator";
import { errorMessage, log } from "../sys";
import type { Fleet } from "./setup";
import type { AuditCopy } from "./verify";
import { DurableJson } from "./state";
import { MSG_ID, STREAMS, SUBJECTS } from "./subjects";

/** The ledger's rows after a seq, oldest first, with the exact JSON text their hash covers (AuditLedger.since). */
export interface AuditSource {
  since(seq: number, limit: number): Array<AuditRow & { dataJson: string }>;
}

/** Goals and their trace, as the goal engine gives them. */
export interface EventSource {
  list(limit: number): Array<{ id: number; state: string; updatedAt: number }>;
  trace(goalId: number, after: number): TraceEvent[];
}

/** Rows read from the ledger at a time. */
const PAGE = 1_000;
/** Publishes in flight at once: acks are awaited per window, in order. */
const WINDOW = 256;
const RECENT_GOALS = 100;

/** The resume points, saved with fsync each time they move. */
export class CursorFile {
  private readonly file: DurableJson<{ audit?: number; events?: number }>;
  constructor(path: string) {
    this.file = new DurableJson(path, {});
  }
  get(kind: "audit" | "events"): number | undefined {
    return this.file.get()[kind];
  }
  set(kind: "audit" | "events", n: number): void {
    if (this.file.get()[kind] !== n) this.file.set({ ...this.file.get(), [kind]: n });
  }
}

/** A row as the fleet's copy carries it: every hashed field, the exact data text, the hash, and the node. */
function auditCopy(r: AuditRow & { dataJson: string }, node: string): AuditCopy {
  const { data: _, ...rest } = r;
  return { ...rest, node };
}

export class Publisher {
  private auditAt: number | undefined;
  private eventAt: number | undefined;
  private lastScanAt = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private busy = false;
  private failing = false;

  constructor(
    private readonly fleet: Fleet,
    private readonly node: string,
    private readonly cursor: CursorFile,
    private readonly audit: AuditSource | undefined,
    private readonly events: EventSource | undefined,
    private readonly intervalMs = 500,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    void this.tick();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** After a reconnect the server may hold more (or, if its store was lost, less) than before: ask again. */
  reconnected(): void {
    this.auditAt = undefined;
    this.eventAt = undefined;
  }

  /** One round: everything new is published, or the round stops at the first failure and the next one retries. */
  async tick(): Promise<void> {
    if (this.busy || this.fleet.nc.isClosed()) return;
    this.busy = true;
    try {
      if (this.audit) await this.publishAudit(this.audit);
      if (this.events) await this.publishEvents(this.events);
      if (this.failing) log.info("fleet: publishing audit rows and goal events again");
      this.failing = false;
    } catch (err) {
      if (!this.failing) log.warn(`fleet: publishing paused: ${errorMessage(err)}; retrying`);
      this.failing = true;
    } finally {
      this.busy = false;
    }
  }

  private async lastInStream(stream: string, subject: string): Promise<Record<string, unknown> | null> {
    try {
      const m = await this.fleet.jsm.streams.getMessage(stream, { last_by_subj: subject });
      return m ? (m.json() as Record<string, unknown>) : null;
    } catch (err) {
      if (/no message found/i.test(errorMessage(err))) return null;
      throw err;
    }
  }

  private async publishAudit(ledger: AuditSource): Promise<void> {
    const subject = SUBJECTS.audit(this.node);
    if (this.auditAt === undefined) {
      const last = await this.lastInStream(STREAMS.audit.name, subject);
      this.auditAt = typeof last?.seq === "number" ? last.seq : (this.cursor.get("audit") ?? 0);
    }
    for (;;) {
      const rows = ledger.since(this.auditAt, PAGE);
      if (!rows.length) return;
      await this.publishAll(rows, (r) => ({ subject, id: MSG_ID.audit(this.node, r.seq), body: auditCopy(r, this.node) }), (r) => {
        this.auditAt = r.seq;
        this.cursor.set("audit", r.seq);
      });
    }
  }

  private async publishEvents(source: EventSource): Promise<void> {
    const subject = SUBJECTS.events(this.node);
    if (this.eventAt === undefined) {
      const last = await this.lastInStream(STREAMS.events.name, subject);
      this.eventAt = typeof last?.id === "number" ? last.id : (this.cursor.get("events") ?? 0);
      this.lastScanAt = 0;
    }
    // Events are appended to goals still under way, and to a goal that just ended; older goals are quiet.
    const since = this.lastScanAt - 10_000;
    const scanAt = Date.now();
    const goals = source.list(RECENT_GOALS).filter((g) => !isFinalGoalState(g.state) || g.updatedAt >= since);
    const after = this.eventAt;
    const events = goals.flatMap((g) => source.trace(g.id, after)).sort((a, b) => a.id - b.id);
    await this.publishAll(events, (e) => ({ subject, id: MSG_ID.event(this.node, e.id), body: { ...e, node: this.node } }), (e) => {
      this.eventAt = e.id;
      this.cursor.set("events", e.id);
    });
    this.lastScanAt = scanAt;
  }

  /** Publishes in windows, in order; `done` is called with the last item of each acknowledged window. */
  private async publishAll<T>(items: T[], message: (t: T) => { subject: string; id: string; body: unknown }, done: (t: T) => void): Promise<void> {
    for (let i = 0; i < items.length; i += WINDOW) {
      const window = items.slice(i, i + WINDOW);
      await Promise.all(
        window.map((t) => {
          const m = message(t);
          return this.fleet.js.publish(m.subject, JSON.stringify(m.body), { msgID: m.id, timeout: 5_000 });
        }),
      );
      done(window.at(-1)!);
    }
  }
}
