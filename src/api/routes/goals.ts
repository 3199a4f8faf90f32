/**
 * Goals over HTTP, seed 003's request lifecycle from the outside:
 *   POST /goals {goal, priority?, autonomy?} → 202 {id, state}
 *   GET  /goals?limit=N → {goals: [...]}, newest first
 *   GET  /goals/{id} → the goal with its answer, plan, tasks, results and full trace
 *   POST /goals/{id}/cancel → 200 {id, state}
 *   GET  /goals/{id}/events → server-sent events: the trace so far, then live,
 *        until the goal is done, failed or cancelled; the last, `end`, carries
 *        {id, state, answer}
 */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import * as v from "valibot";
import type { Goal, TraceEvent } from "../../memory";
import { type GoalEngine, GoalError } from "../../orchestrator";
import { HttpError } from "../errors";
import { readJson } from "../validate";
import { queryInt } from "../validate-query";

export const GoalBody = v.strictObject({
  goal: v.pipe(v.string("must be a string"), v.trim(), v.nonEmpty("must not be empty"), v.maxLength(2000, "must be at most 2000 characters")),
  priority: v.optional(v.pipe(v.number("must be a number"), v.integer("must be an integer"), v.minValue(-100, "must be -100..100"), v.maxValue(100, "must be -100..100")), 0),
  autonomy: v.optional(v.picklist(["full", "supervised", "manual"], "must be full, supervised or manual")),
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

const FINAL = new Set(["done", "failed", "cancelled"]);

export function goalRoutes(engine: () => GoalEngine | undefined) {
  const need = (): GoalEngine => {
    const e = engine();
    if (!e) throw new HttpError(503, "orchestrator_unavailable", "goals: the orchestrator did not start (it needs the memory and tools steps)");
    return e;
  };
  const goalOf = (e: GoalEngine, raw: string): Goal => {
    const id = /^\d{1,12}$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isFinite(id)) throw new HttpError(400, "bad_request", `id: must be a goal number (got ${JSON.stringify(raw)})`, { field: "id" });
    const g = e.get(id);
    if (!g) throw new HttpError(404, "unknown_goal", `goal ${id}: no such goal`);
    return g;
  };

  return new Hono()
    .post("/goals", async (c) => {
      const e = need();
      const body = await readJson(c, GoalBody);
      const g = e.submit({ goal: body.goal, priority: body.priority, autonomy: body.autonomy, source: "api" });
      return c.json({ id: g.id, state: g.state }, 202);
    })
    .get("/goals", (c) => {
      const limit = queryInt(c, "limit", 1, 1000, 50);
      return c.json({ goals: need().list(limit).map(summary) });
    })
    .get("/goals/:id", (c) => {
      const e = need();
      const g = goalOf(e, c.req.param("id"));
      return c.json({ ...summary(g), plan: g.plan, result: g.result, tasks: e.tasks(g.id), transitions: e.transitions(g.id), trace: e.trace(g.id) });
    })
    .post("/goals/:id/cancel", (c) => {
      const e = need();
      const g = goalOf(e, c.req.param("id"));
      try {
        const after = e.cancel(g.id, "api");
        return c.json({ id: after.id, state: after.state });
      } catch (err) {
        if (err instanceof GoalError && err.code === "EFINAL") throw new HttpError(409, "goal_final", err.message);
        throw err;
      }
    })
    .get("/goals/:id/events", (c) => {
      const e = need();
      const g = goalOf(e, c.req.param("id"));
      return streamSSE(c, async (stream) => {
        const queue: TraceEvent[] = [];
        let wake: (() => void) | undefined;
        const unsubscribe = e.subscribe(g.id, (ev) => {
          queue.push(ev);
          wake?.();
        });
        stream.onAbort(() => wake?.());
        try {
          let last = 0;
          const send = async (ev: TraceEvent) => {
            if (ev.id <= last) return;
            last = ev.id;
            await stream.writeSSE({ id: String(ev.id), event: ev.kind, data: JSON.stringify(ev) });
          };
          for (const ev of e.trace(g.id)) await send(ev);
          for (;;) {
            while (queue.length) await send(queue.shift()!);
            const now = e.get(g.id)!;
            if (FINAL.has(now.state) || stream.aborted) {
              await stream.writeSSE({ event: "end", data: JSON.stringify({ id: g.id, state: now.state, answer: now.answer }) });
              break;
            }
            await new Promise<void>((resolve) => {
              wake = resolve;
              setTimeout(resolve, 1000); // a state change without a trace event still ends the stream
            });
            wake = undefined;
          }
        } finally {
          unsubscribe();
        }
      });
    });
}
