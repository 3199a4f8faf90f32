/**
 * GET /approvals?limit&cursor: held calls (tool, args, agent, risk, age), oldest first. POST /approvals/{id}
 * {"decision":"approve"|"deny","remember"?:true|{pattern},"reason"?}: approve runs
 * the call and answers like POST /tools/{name} would have (200 with the result, or
 * the call's failure); deny answers 200. GET/POST /rules, DELETE /rules/{id}:
 * remembered rules. GET/PUT /autonomy {"level"}: the gate's level, at run time.
 */
import { Hono } from "hono";
import * as v from "valibot";
import { AUTONOMY_LEVELS } from "../../tools";
import { actor, principal, requireRole } from "../auth";
import { HttpError } from "../errors";
import { doc } from "../openapi";
import { cursorParam, limitParam, page } from "../params";
import { toolRole } from "../roles";
import type { ToolsApi } from "../types";
import { readJson } from "../validate";
import { json } from "../json";

const LIMIT = limitParam(100, 1000);

/**
 * valibot's record drops `__proto__`, `constructor` and `prototype` keys
 * silently: a pattern naming one became `{}`, which approves every call of
 * the tool (issue 11). Such a key is refused by name instead.
 */
const UNSAFE_KEYS = ["__proto__", "constructor", "prototype"];
const pattern = v.pipe(
  v.unknown(),
  v.rawCheck(({ dataset, addIssue }) => {
    const x = dataset.value;
    if (!x || typeof x !== "object" || Array.isArray(x)) return;
    const bad = Object.keys(x).find((k) => UNSAFE_KEYS.includes(k));
    if (bad !== undefined) addIssue({ message: `${bad}: not an argument name`, input: bad });
  }),
  v.record(v.string(), v.unknown(), "must be an object of argument patterns"),
);

export const DecisionBody = v.strictObject({
  decision: v.picklist(["approve", "deny"], 'must be "approve" or "deny"'),
  remember: v.optional(v.union([v.boolean(), pattern], "must be true or an object of argument patterns")),
  reason: v.optional(v.pipe(v.string(), v.maxLength(500, "must be at most 500 characters"))),
});

export const RuleBody = v.strictObject({ tool: v.pipe(v.string(), v.minLength(1, "must not be empty")), pattern: v.optional(pattern, () => ({})) });
export const LevelBody = v.strictObject({ level: v.picklist(AUTONOMY_LEVELS, `must be one of ${AUTONOMY_LEVELS.join(", ")}`) });

export function approvalRoutes(t: ToolsApi) {
  return new Hono()
    .get("/approvals", doc({ summary: "Calls the autonomy gate holds for a person, oldest first, and the gate's level", query: [LIMIT, cursorParam] }, (c) => {
      const limit = LIMIT.read(c);
      const cursor = cursorParam.read(c);
      const after = cursor?.dir === "a" ? cursor.n : 0;
      const seqOf = (id: string) => Number(id.slice(1));
      const pending = t.executor.approvals.pending().filter((a) => seqOf(a.approvalId) > after);
      const { items, next } = page(pending.slice(0, limit + 1), limit, (a) => ({ dir: "a", n: seqOf(a.approvalId) }));
      return json({ level: t.executor.policy.level, approvals: items, next });
    }))
    .get("/approvals/:id", doc({ summary: "One held call and how it was decided", responses: { 200: "The approval.", 404: "No such approval." } }, (c) => json(t.executor.approvals.get(c.req.param("id")!))))
    .post("/approvals/:id", doc({ summary: "Approve (the call runs; answered as the call) or deny a held call", body: DecisionBody, responses: { 200: "Decided; an approval carries the call's result.", 404: "No such approval.", 409: "Already decided." } }, async (c) => {
      const id = c.req.param("id")!;
      const body = await readJson(c, DecisionBody);
      const by = actor(principal(c));
      if (body.decision === "deny") {
        if (body.remember) throw new HttpError(400, "bad_request", "remember: only an approval can be remembered", { field: "remember" });
        return json(t.executor.approvals.deny(id, { by, reason: body.reason }));
      }
      const held = t.executor.approvals.get(id);
      const tool = t.registry.get(held.tool);
      if (tool) requireRole(c, toolRole(tool) === "admin" ? "admin" : "operator", `approving ${held.tool}`);
      if (body.remember) requireRole(c, "admin", "remember (a rule that approves later calls)");
      return json(await t.executor.approvals.approve(id, { by, remember: body.remember }));
    }))
    .get("/rules", doc({ summary: "Remembered approval rules" }, (c) => json({ rules: t.executor.policy.list() })))
    .post("/rules", doc({ summary: "Remember a rule: calls of a tool matching an argument pattern pass the gate", body: RuleBody, responses: { 201: "The rule." } }, async (c) => {
      const body = await readJson(c, RuleBody);
      return json(t.executor.policy.addRule(body.tool, body.pattern, actor(principal(c))), 201);
    }))
    .delete("/rules/:id", doc({ summary: "Forget a rule", responses: { 200: "{removed}", 404: "No such rule." } }, (c) => {
      const id = c.req.param("id")!;
      if (!t.executor.policy.removeRule(id, actor(principal(c)))) throw new HttpError(404, "not_found", `${id}: no such rule`);
      return json({ removed: id });
    }))
    .get("/autonomy", doc({ summary: "The autonomy level: which calls wait for a person" }, (c) => json({ level: t.executor.policy.level })))
    .put("/autonomy", doc({ summary: "Change the autonomy level at run time", body: LevelBody }, async (c) => {
      const { level } = await readJson(c, LevelBody);
      t.executor.policy.setLevel(level, actor(principal(c)));
      return json({ level });
    }));
}
