/**
 * FixedPathRouter answers exactly as Hono's SmartRouter does (the cache
 * changes how fast, never what), keeps only the app's own fixed paths, and
 * leaves parameters and unknown methods to the inner router.
 */
import { describe, expect, test } from "bun:test";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { SmartRouter } from "hono/router/smart-router";
import { TrieRouter } from "hono/router/trie-router";
import type { Result, Router } from "hono/router";
import { FixedPathRouter } from "./router";

// Like the API's table: middleware on every path, a static segment beside a parameter (RegExpRouter refuses it).
const ROUTES: Array<[string, string]> = [
  ["ALL", "/*"],
  ["GET", "/health"],
  ["GET", "/api/v1/audit"],
  ["POST", "/api/v1/audit/verify"],
  ["POST", "/api/v1/audit/:seq/redact"],
  ["GET", "/api/v1/goals/:id"],
  ["GET", "/api/v1/goals/stats"],
  ["ALL", "/static-all"],
];

function build(router: Router<string>): Router<string> {
  for (const [m, p] of ROUTES) router.add(m, p, `${m} ${p}`);
  return router;
}

/** The handlers and the parameters each one sees, whatever shape the router gives them in. */
function view(r: Result<string>): Array<[string, Record<string, string>]> {
  return r[0].map(([h, params]) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(params)) out[k] = typeof v === "number" ? (r as [unknown, string[]])[1][v]! : (v as string);
    return [h, out];
  });
}

const PROBES: Array<[string, string]> = [
  ["GET", "/health"],
  ["HEAD", "/health"],
  ["POST", "/health"],
  ["GET", "/api/v1/audit"],
  ["POST", "/api/v1/audit/verify"],
  ["POST", "/api/v1/audit/42/redact"],
  ["GET", "/api/v1/goals/7"],
  ["GET", "/api/v1/goals/stats"],
  ["PUT", "/static-all"],
  ["GET", "/static-all"],
  ["GET", "/nope"],
  ["BREW", "/health"],
];

describe("FixedPathRouter", () => {
  test("the same answers as SmartRouter, first time and every time after", () => {
    const fixed = build(new FixedPathRouter<string>());
    const smart = build(new SmartRouter<string>({ routers: [new RegExpRouter(), new TrieRouter()] }));
    for (let round = 0; round < 3; round++) {
      for (const [m, p] of PROBES) expect([m, p, view(fixed.match(m, p))]).toEqual([m, p, view(smart.match(m, p))]);
    }
  });

  test("a fixed path's answer is worked out once; parameters and unknown paths each time", () => {
    const inner = build(new TrieRouter<string>());
    const calls: string[] = [];
    const fixed = build(new FixedPathRouter<string>());
    // Spy on the inner router the cache wraps.
    (fixed as unknown as { inner: Router<string> }).inner = { name: "spy", add: () => {}, match: (m, p) => (calls.push(`${m} ${p}`), inner.match(m, p)) };
    for (let i = 0; i < 3; i++) for (const p of ["/health", "/api/v1/goals/7", "/nope"]) fixed.match("GET", p);
    expect(calls.filter((c) => c === "GET /health")).toHaveLength(1);
    expect(calls.filter((c) => c === "GET /api/v1/goals/7")).toHaveLength(3);
    expect(calls.filter((c) => c === "GET /nope")).toHaveLength(3);
  });

  test("what clients send never grows the cache: unknown paths and methods are not kept", () => {
    const fixed = build(new FixedPathRouter<string>());
    for (let i = 0; i < 1000; i++) {
      fixed.match("GET", `/nope/${i}`);
      fixed.match(`M${i}`, "/health");
    }
    const answers = (fixed as unknown as { answers: Map<string, Map<string, unknown>> }).answers;
    expect([...answers.keys()].sort()).toEqual(["GET", "POST"]);
    expect([...answers.values()].reduce((n, m) => n + m.size, 0)).toBe(0);
  });
});
