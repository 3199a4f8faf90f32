/**
 * The fleet over HTTP (fleet mode, docs/fleet.md):
 *   GET  /fleet/nodes → {node, connected, nodes: [status…]}: every live node
 *   POST /fleet/goals {goal, nodes?|labels?|all?, deadline?, wait?} → the
 *        per-node answers and a summary once all answered or the deadline
 *        passed (200); with wait:false, 202 as soon as it is sent
 *   GET  /fleet/goals/{id} → the answers so far
 */
import { Hono } from "hono";
import * as v from "valibot";
import { durationMs } from "../../config";
import type { FleetPort } from "../../fleet/types";
import { FleetError, type FleetErrorCode } from "../../fleet";
import { HttpError } from "../errors";
import { doc } from "../openapi";
import { readJson } from "../validate";
import { json } from "../json";

const token = (what: string) => v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,63}$/, `must be ${what}: 1-63 of A-Z a-z 0-9 _ -`));
/** A person waits on the answer: at most ten minutes. */
const MAX_DEADLINE_MS = 600_000;

export const FleetGoalBody = v.strictObject({
  goal: v.pipe(v.string("must be a string"), v.trim(), v.nonEmpty("must not be empty"), v.maxLength(2000, "must be at most 2000 characters")),
  nodes: v.optional(v.array(token("a node name"), "must be a list of node names")),
  labels: v.optional(v.record(token("a label key"), token("a label value"), "must be an object of labels, e.g. {\"role\":\"web\"}")),
  all: v.optional(v.boolean("must be true or false")),
  deadline: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d+(ms|s|m)$/, 'must be a duration such as "30s" or "2m"'),
      // valibot runs every action of a pipe: this one must not throw on what the regex refused.
      v.check((d) => !/^\d+(ms|s|m)$/.test(d) || (durationMs(d) >= 100 && durationMs(d) <= MAX_DEADLINE_MS), "must be 100ms..10m"),
    ),
  ),
  wait: v.optional(v.boolean("must be true or false"), true),
});

/** FleetError codes as HTTP answers (status, the API's code); `unreadable` is a settings file's, never a request's: left to the 500 handler. */
const STATUS: Record<FleetErrorCode, readonly [400 | 404 | 503, string] | undefined> = {
  invalid_argument: [400, "bad_request"],
  no_node: [404, "no_node"],
  not_connected: [503, "fleet_unavailable"],
  unreadable: undefined,
};

/** FleetErrors as HTTP answers; the message already names the field. */
function asHttp(err: unknown): never {
  const answer = err instanceof FleetError ? STATUS[err.code] : undefined;
  if (err instanceof FleetError && answer) {
    const field = /^(goal|nodes|labels|all|id):/.exec(err.message)?.[1];
    const [status, code] = answer;
    throw new HttpError(status, code, err.message, { field, cause: err });
  }
  throw err;
}

export function fleetRoutes(fleet: () => FleetPort | undefined) {
  const need = (): FleetPort => {
    const f = fleet();
    if (!f) throw new HttpError(503, "fleet_off", "fleet: fleet mode is off on this node ([fleet] enabled = false), or still loading");
    return f;
  };
  return new Hono()
    .get("/fleet/nodes", doc({ summary: "Every live node of the fleet", responses: { 200: "The nodes.", 503: "Fleet mode is off." } }, async (c) => {
      const f = need();
      return json({ node: f.node, connected: f.connected(), nodes: await f.nodes().catch(asHttp) });
    }))
    .post("/fleet/goals", doc({ summary: "Send a goal to nodes of the fleet (by name, label or all); wait for their answers", body: FleetGoalBody, responses: { 200: "The answers and a summary.", 202: "Sent (wait: false).", 503: "Fleet mode is off." } }, async (c) => {
      const f = need();
      const b = await readJson(c, FleetGoalBody);
      const result = await f
        .submitGoal({ goal: b.goal, selector: { nodes: b.nodes, labels: b.labels, all: b.all }, deadlineMs: b.deadline ? durationMs(b.deadline) : undefined, wait: b.wait })
        .catch(asHttp);
      return json(result, b.wait ? 200 : 202);
    }))
    .get("/fleet/goals/:id", doc({ summary: "A fleet goal's answers so far", responses: { 200: "The answers.", 404: "No such fleet goal." } }, async (c) => {
      const id = c.req.param("id")!;
      const r = await need().goal(id).catch(asHttp);
      if (!r) throw new HttpError(404, "unknown_fleet_goal", `fleet goal ${id}: no such goal`);
      return json(r);
    }));
}
