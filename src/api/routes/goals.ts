/**
 * Goals over HTTP, seed 003's request lifecycle from the outside:
 *   POST /goals {goal, priority?, autonomy?} → 202 {id, state}
 *   GET  /goals?limit=N&cursor=C → {goals: [...], next}, newest first
 *   GET  /goals/{id} → the goal with its answer, plan, tasks, results and full trace
 *   POST /goals/{id}/cancel → 200 {id, state}
 *   GET  /goals/{id}/events → server-sent events: the trace so far, then live,
 *        until the goal is done, failed or cancelled. Every event has an `id`
 *        (the trace event's number); `Last-Event-ID: N` resumes after N. The
 *        last event, `end` (id `end`), carries {id, state, answer}; a
 *        reconnect after it gets 204, which tells EventSource to stop. A
 *        comment (`: keepalive`) every 15 s keeps a quiet stream open while a
 *        goal waits for approval.
 */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import * as v from "valibot";
import { AUTONOMY_LEVELS } from "../../config";
import { type Goal, type GoalEngine, GoalError, isFinalGoalState, type TraceEvent } from "../../orchestrator";
import { quoted } from "../../config";
import { actor, principal } from "../auth";
import { HttpError } from "../errors";
import { noIdleTimeout } from "../http";
import { doc } from "../openapi";
import { cursorParam, limitParam, page } from "../params";
import { readJson } from "../validate";
import { json } from "../json";

export const GoalBody = v.strictObject({
  goal: v.pipe(v.string("must be a string"), v.trim(), v.nonEmpty("must not be empty"), v.maxLength(2000, "must be at most 2000 characters")),
  priority: v.optional(v.pipe(v.number("must be a number"), v.integer("must be an integer"), v.minValue(-100, "must be -100..100"), v.maxValue(100, "must be -100..100")), 0),
  autonomy: v.optional(v.picklist(AUTONOMY_LEVELS, "must be full, supervised or manual")),
});

const summary = (g: Goal) => ({
  id: g.id,
  goal: g.description || g.title,
  state: g.state,
  priority: g.priority,
  source: g.source,
  createdAt: g.createdAt,
  updatedAt: g.updatedAt,
  finishedAt: g.finishedAt,
  error: g.error,
  answer: g.answer,
});

const LIMIT = limitParam(50, 1000);
export const SSE_HEARTBEAT_MS = 15_000;
/** How often a stream looks at its goal's state, for a change no trace event announces. */
const POLL_MS = 1000;

export function goalRoutes(engine: () => GoalEngine | undefined, heartbeatMs = SSE_HEARTBEAT_MS) {
  const need = (): GoalEngine => {
    const e = engine();
    if (!e) throw new HttpError(503, "orchestrator_unavailable", "goals: the orchestrator did not start (it needs the memory and tools steps)");
    return e;
  };
  const goalOf = (e: GoalEngine, raw: string): Goal => {
    const id = /^\d{1,12}$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isFinite(id)) throw new HttpError(400, "bad_request", `id: must be a goal number (got ${quoted(raw)})`, { field: "id" });
    const g = e.get(id);
    if (!g) throw new HttpError(404, "unknown_goal", `goal ${id}: no such goal`);
    return g;
  };

  return new Hono()
    .post("/goals", doc({ summary: "Submit a goal: a sentence the orchestrator plans, runs and answers", body: GoalBody, responses: { 202: "Accepted: {id, state}; follow it at /goals/{id}/events." } }, async (c) => {
      const e = need();
      const body = await readJson(c, GoalBody);
      const p = principal(c);
      const g = e.submit({ goal: body.goal, priority: body.priority, autonomy: body.autonomy, source: "api", ...(p.tokenId === null ? {} : { principal: `person:${actor(p)}` }) });
      return json({ id: g.id, state: g.state }, 202);
    }))
    .get("/goals", doc({ summary: "Goals, newest first, a page at a time", query: [LIMIT, cursorParam] }, (c) => {
      const limit = LIMIT.read(c);
      const cursor = cursorParam.read(c);
      const { items, next } = page(need().list(limit + 1, cursor?.n), limit, (g) => ({ dir: "b", n: g.id }));
      return json({ goals: items.map(summary), next });
    }))
    .get("/goals/:id", doc({ summary: "One goal: its answer, plan, tasks, transitions and full trace", responses: { 200: "The goal.", 404: "No such goal." } }, (c) => {
      const e = need();
      const g = goalOf(e, c.req.param("id")!);
      return json({ ...summary(g), plan: g.plan, result: g.result, tasks: e.tasks(g.id), transitions: e.transitions(g.id), trace: e.trace(g.id) });
    }))
    .post("/goals/:id/cancel", doc({ summary: "Cancel a goal (its held calls are denied; what ran is rolled back per config)", responses: { 200: "{id, state}", 404: "No such goal.", 409: "Already finished." } }, (c) => {
      const e = need();
      const g = goalOf(e, c.req.param("id")!);
      try {
        const after = e.cancel(g.id, actor(principal(c)));
        return json({ id: after.id, state: after.state });
      } catch (err) {
        if (err instanceof GoalError && err.code === "already_final") throw new HttpError(409, "goal_final", err.message);
        throw err;
      }
    }))
    .get(
      "/goals/:id/events",
      doc(
        {
          summary: "A goal's trace as server-sent events: the story so far, then live, ending with `end`",
          description:
            "Every event has an id; send `Last-Event-ID` to resume after one. The last event is `end` (id `end`) with {id, state, answer}; " +
            "a reconnect after it is answered 204 (EventSource stops). A `: keepalive` comment comes every 15 s.",
          sse: true,
          responses: { 200: "The stream.", 204: "The goal ended and the client saw `end`.", 404: "No such goal." },
        },
        (c) => {
          const e = need();
          const g = goalOf(e, c.req.param("id")!);
          const resume = c.req.header("last-event-id")?.trim();
          let after = 0;
          if (resume) {
            if (resume === "end") return c.body(null, 204);
            if (!/^\d{1,15}$/.test(resume)) throw new HttpError(400, "bad_request", `last-event-id: not an event id of this stream (got ${quoted(resume)})`, { field: "last-event-id" });
            after = Number(resume);
          }
          noIdleTimeout(c); // the heartbeat keeps it alive; Bun's 10 s idle timeout must not cut it in between
          return streamSSE(c, async (stream) => {
            const queue: TraceEvent[] = [];
            let wake: (() => void) | undefined;
            const unsubscribe = e.subscribe(g.id, (ev) => {
              queue.push(ev);
              wake?.();
            });
            stream.onAbort(() => wake?.());
            try {
              let last = after;
              let wrote = performance.now();
              const send = async (ev: TraceEvent) => {
                if (ev.id <= last) return;
                last = ev.id;
                await stream.writeSSE({ id: String(ev.id), event: ev.kind, data: JSON.stringify(ev) });
                wrote = performance.now();
              };
              for (const ev of e.trace(g.id, after)) await send(ev);
              for (;;) {
                while (queue.length) await send(queue.shift()!);
                if (stream.aborted) break;
                const now = e.get(g.id)!;
                if (isFinalGoalState(now.state)) {
                  for (const ev of e.trace(g.id, last)) await send(ev); // anything logged between the last wake and the end
                  await stream.writeSSE({ id: "end", event: "end", data: JSON.stringify({ id: g.id, state: now.state, answer: now.answer }) });
                  break;
                }
                if (performance.now() - wrote >= heartbeatMs) {
                  await stream.write(": keepalive\n\n");
                  wrote = performance.now();
                }
                await new Promise<void>((resolve) => {
                  wake = resolve;
                  setTimeout(resolve, Math.min(POLL_MS, heartbeatMs)); // a state change without a trace event still ends the stream
                });
                wake = undefined;
              }
            } finally {
              unsubscribe();
            }
          });
        },
      ),
    );
}
