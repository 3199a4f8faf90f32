/**
 * Bounded, seeded fuzzing of the management API (issue 11): random methods,
 * paths, tokens and bodies (malformed JSON, wrong types, deep nesting, huge
 * strings, prototype keys) against the real app over a real executor. Never
 * a 500, always the error shape, and every 400 names its field. Requests go
 * through app.request (no socket), so nothing leaves this process.
 */
import { afterAll, expect, test } from "bun:test";
import { setSink } from "../sys";
import { fuzzSeed, rng, type Rng } from "../sys/fuzz.testing";
import { openProbeSystem } from "../tools/probe.testing";
import { createApi } from "./app";

const SEED = fuzzSeed(1111);
const previous = setSink(() => {});
const s = await openProbeSystem({ level: "supervised" });
afterAll(async () => {
  await s.dispose();
  setSink(previous);
});
const app = createApi({
  token: () => "T",
  system: () => ({ pid: 1 }) as never,
  power: () => {},
  tools: { registry: s.registry, executor: s.executor, ledger: s.ledger, route: () => "ops" },
});

const PATHS = ["/health", "/api/v1/system", "/api/v1/power", "/api/v1/tools", "/api/v1/tools/probe.touch", "/api/v1/tools/probe.peek", "/api/v1/tools/nope.x", "/api/v1/calls", "/api/v1/calls/c1", "/api/v1/calls/c1/rollback", "/api/v1/approvals", "/api/v1/approvals/a1", "/api/v1/rules", "/api/v1/rules/r1", "/api/v1/autonomy", "/api/v1/audit", "/api/v1/audit/verify", "/api/v1/agents", "/api/v1/goals", "/v1/models", "/v1/chat/completions", "/api/v1/%2e%2e/x", "/api/v1/tools/" + "a".repeat(300)];
const KEYS = ["args", "agent", "path", "content", "decision", "remember", "pattern", "tool", "level", "action", "__proto__", "constructor", "correlationId", "reason"];

function value(r: Rng, depth: number): unknown {
  switch (r.int(depth > 6 ? 6 : 9)) {
    case 0: return r.int(1e6) - 5e5;
    case 1: return r.pick(["", "x", "/srv/a", "../../etc/passwd", "\u0000", "probe.touch", "approve", "full", "poweroff", "a".repeat(r.int(5000)), "日本"]);
    case 2: return r.chance(0.5);
    case 3: return null;
    case 4: return 1e309 - 1e309; // NaN, serialised as null
    case 5: return r.pick([0.5, -0, 2 ** 53 + 1]);
    case 6: return Array.from({ length: r.int(4) }, () => value(r, depth + 1));
    default: return Object.fromEntries(Array.from({ length: r.int(4) }, () => [r.pick(KEYS), value(r, depth + 1)]));
  }
}

function body(r: Rng): string | undefined {
  switch (r.int(7)) {
    case 0: return undefined;
    case 1: return "{"; // malformed
    case 2: return `${"[".repeat(1000 + r.int(5000))}${"]".repeat(10)}`;
    case 3: return JSON.stringify({ args: { path: "/srv/a", content: "x" }, agent: r.pick(["ops", "reader", "nobody", "X", ""]) });
    case 4: return `{"pattern":{"__proto__":"x"},"tool":"probe.touch"}`;
    default: return JSON.stringify(value(r, 0));
  }
}

test(`the API under 600 random requests (seed ${SEED})`, async () => {
  const r = rng(SEED);
  const t0 = performance.now();
  for (let i = 0; i < 600 && performance.now() - t0 < 8000; i++) {
    const method = r.pick(["GET", "POST", "PUT", "DELETE", "PATCH"]);
    const path = r.pick(PATHS);
    const headers: Record<string, string> = { "content-type": r.pick(["application/json", "text/plain", ""]) };
    if (r.chance(0.85)) headers.authorization = r.pick(["Bearer T", "Bearer T", "Bearer t", "Basic T", "Bearer"]);
    const b = method === "GET" ? undefined : body(r);
    const res = await app.request(path, { method, headers, body: b });
    const text = await res.text();
    const ctx = { seed: SEED, i, method, path, body: b?.slice(0, 80) };
    // 503 (a part that did not start, here the orchestrator) and 504 (a timeout) are answers; 500 is a bug.
    expect({ ...ctx, status: res.status !== 500 && res.status < 600 }).toEqual({ ...ctx, status: true });
    if (res.status >= 400) {
      const err = (JSON.parse(text) as { error?: { code?: string; message?: string; field?: string } }).error;
      expect({ ...ctx, code: typeof err?.code }).toEqual({ ...ctx, code: "string" });
      // A 400 says what was wrong with what: a field, or a message of the form "where: why".
      if (res.status === 400) expect({ ...ctx, named: Boolean(err?.field) || /: /.test(err?.message ?? "") }).toEqual({ ...ctx, named: true });
    }
  }
  expect(s.ledger.verify()).toMatchObject({ ok: true });
}, 30_000);
