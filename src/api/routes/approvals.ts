/**
 * GET /approvals: held calls (tool, args, agent, risk, age). POST /approvals/{id}
 * {"decision":"approve"|"deny","remember"?:true|{pattern},"reason"?}: approve runs
 * the call and answers like POST /tools/{name} would have (200 with the result, or
 * the call's failure); deny answers 200. GET/POST /rules, DELETE /rules/{id}:
 * remembered rules. GET/PUT /autonomy {"level"}: the gate's level, at run time.
 */
import { Hono } from "hono";
import * as v from "valibot";
import { AUTONOMY_LEVELS } from "../../tools";
import { HttpError } from "../errors";
import type { ToolsApi } from "../types";
import { readJson } from "../validate";

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
    .get("/approvals", (c) => c.json({ level: t.executor.level, approvals: t.executor.pending() }))
    .get("/approvals/:id", (c) => c.json(t.executor.approval(c.req.param("id"))))
    .post("/approvals/:id", async (c) => {
      const id = c.req.param("id");
      const body = await readJson(c, DecisionBody);
      if (body.decision === "deny") {
        if (body.remember) throw new HttpError(400, "bad_request", "remember: only an approval can be remembered", { field: "remember" });
        return c.json(t.executor.deny(id, { by: "api", reason: body.reason }));
      }
      return c.json(await t.executor.approve(id, { by: "api", remember: body.remember }));
    })
    .get("/rules", (c) => c.json({ rules: t.executor.rulesList() }))
    .post("/rules", async (c) => {
      const body = await readJson(c, RuleBody);
      return c.json(t.executor.addRule(body.tool, body.pattern, "api"), 201);
    })
    .delete("/rules/:id", (c) => {
      const id = c.req.param("id");
      if (!t.executor.removeRule(id, "api")) throw new HttpError(404, "not_found", `${id}: no such rule`);
      return c.json({ removed: id });
    })
    .get("/autonomy", (c) => c.json({ level: t.executor.level }))
    .put("/autonomy", async (c) => {
      const { level } = await readJson(c, LevelBody);
      t.executor.setLevel(level, "api");
      return c.json({ level });
    });
}
