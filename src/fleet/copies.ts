/**
 * Reading the central copies back: one node's audit rows from AIOS_AUDIT
 * (then verified, verify.ts) and its goal events from AIOS_EVENTS, through an
 * ordered consumer filtered on that node's subject.
 */
import type { JsMsg } from "@nats-io/jetstream";
import type { TraceEvent } from "../orchestrator";
import { errorMessage } from "../sys";
import type { Fleet } from "./setup";
import { STREAMS, SUBJECTS } from "./subjects";
import { type AuditCopy, type CopyVerdict, verifyCopy } from "./verify";

async function readSubject<T>(f: Pick<Fleet, "js" | "jsm">, stream: string, subject: string): Promise<T[]> {
  try {
    await f.jsm.streams.getMessage(stream, { last_by_subj: subject });
  } catch (err) {
    if (/no message found/i.test(errorMessage(err))) return []; // nothing to read: an ordered consumer would wait forever
    throw err;
  }
  const consumer = await f.js.consumers.get(stream, { filter_subjects: subject });
  const out: T[] = [];
  const messages = await consumer.consume({ max_messages: 1000 });
  try {
    for await (const m of messages as AsyncIterable<JsMsg>) {
      out.push(m.json<T>());
      if (m.info.pending === 0) break;
    }
  } finally {
    await messages.close();
  }
  return out;
}

export interface AuditCopyReport {
  node: string;
  /** The rows asked for (all, or the last `limit` after `afterSeq`), oldest first. */
  rows: AuditCopy[];
  /** The whole copy checked: hashes, links, no gap, no repeat. */
  verdict: CopyVerdict;
}

export async function readAuditCopy(f: Pick<Fleet, "js" | "jsm">, node: string, opts: { afterSeq?: number; limit?: number } = {}): Promise<AuditCopyReport> {
  const all = (await readSubject<AuditCopy>(f, STREAMS.audit.name, SUBJECTS.audit(node))).sort((a, b) => a.seq - b.seq);
  for (const r of all) r.data = JSON.parse(r.dataJson);
  const verdict = verifyCopy(all);
  const after = all.filter((r) => r.seq > (opts.afterSeq ?? 0));
  return { node, rows: opts.limit ? after.slice(-opts.limit) : after, verdict };
}

export async function readEventCopy(f: Pick<Fleet, "js" | "jsm">, node: string): Promise<Array<TraceEvent & { node: string }>> {
  return readSubject(f, STREAMS.events.name, SUBJECTS.events(node));
}
