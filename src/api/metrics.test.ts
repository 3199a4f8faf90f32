/**
 * Issue 14, metrics: GET /metrics over real loopback, checked by Prometheus's
 * own `promtool check metrics` (Debian's prometheus package, build/deps.sh),
 * with the figures the issue names and HTTP requests counted by route
 * pattern, never by raw path.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { setSink } from "../sys";
import { startApiWorld, type ApiWorld } from "./testing";

const restore = setSink(() => {});
let api: ApiWorld;
beforeAll(async () => {
  api = await startApiWorld({ level: "supervised", plans: { directory: { summary: "make a directory", tasks: [{ id: "mk", title: "make /srv/d", dependsOn: [], calls: [{ tool: "fs.mkdir", args: { path: "/srv/d", parents: true } }] }] } } });
});
afterAll(async () => {
  await api.close();
  setSink(restore);
});

const promtool = Bun.which("promtool") ?? Bun.which("promtool", { PATH: "/usr/bin:/usr/local/bin" });

/** The value of one sample, by name and labels (all of them given). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const m = /^([^{ ]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = m[2] ? m[2].split(/,(?=[a-z_]+=")/) : [];
    if (want.every((w) => have.includes(w)) && have.length === want.length) return Number(m[3]);
  }
  return undefined;
}

describe("GET /metrics", () => {
  let text = "";
  beforeAll(async () => {
    // Some traffic first: a goal that runs a tool, a held call, requests by route with two different ids.
    const goal = (await (await api.fetch("/api/v1/goals", { method: "POST", body: JSON.stringify({ goal: "make a directory" }) })).json()) as any;
    await api.world.until(goal.id, ["done", "failed"]);
    await api.fetch("/api/v1/tools/fs.write", { method: "POST", body: JSON.stringify({ args: { path: "/srv/held.txt", content: "x" } }) });
    await api.fetch("/api/v1/tools/fs.read", { method: "POST", body: JSON.stringify({ args: { path: 1 } }) });
    await api.fetch("/api/v1/goals/1");
    await api.fetch("/api/v1/goals/2");
    await api.fetch("/api/v1/nope");
    // /health and refusals count too, by the route they were for.
    for (let i = 0; i < 2; i++) await api.fetch("/health", { token: null });
    await api.fetch("/health", { method: "HEAD", token: null });
    await api.fetch("/api/v1/system", { token: null });
    await api.fetch("/api/v1/goals", { method: "POST", headers: { "content-type": "text/plain" }, body: "make a directory" });
    const res = await api.fetch("/metrics", { token: api.token("viewer") });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("text/plain; version=0.0.4");
    text = await res.text();
  });

  test.skipIf(!promtool)("passes `promtool check metrics`", async () => {
    const p = Bun.spawn([promtool!, "check", "metrics"], { stdin: new Blob([text]), stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = [await new Response(p.stdout).text(), await new Response(p.stderr).text(), await p.exited];
    expect(`${out}${err}`.trim()).toBe("");
    expect(code).toBe(0);
  });
  if (!promtool) test("promtool check metrics: skipped, promtool is not installed (Debian's prometheus package; build/deps.sh installs it)", () => {});

  test("HTTP requests by route pattern and status, never the raw path", () => {
    expect(sample(text, "aios_http_requests_total", { method: "GET", route: "/api/v1/goals/:id", status: "200" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, "aios_http_requests_total", { method: "POST", route: "/api/v1/goals", status: "202" })).toBe(1);
    expect(sample(text, "aios_http_requests_total", { method: "GET", route: "(unmatched)", status: "404" })).toBe(1);
    expect(sample(text, "aios_http_requests_total", { method: "GET", route: "/health", status: "200" })).toBe(2);
    expect(sample(text, "aios_http_requests_total", { method: "HEAD", route: "/health", status: "200" })).toBe(1);
    expect(sample(text, "aios_http_requests_total", { method: "GET", route: "/api/v1/system", status: "401" })).toBe(1);
    expect(sample(text, "aios_http_requests_total", { method: "POST", route: "/api/v1/goals", status: "415" })).toBe(1);
    expect(text).not.toContain('route="/api/v1/goals/1"');
    expect(text).not.toContain("/api/v1/nope");
  });

  test("tool calls by tool, agent and outcome, with latency histograms", () => {
    expect(text).toMatch(/^aios_tool_calls_total\{tool="fs\.mkdir",agent="[a-z]+",outcome="ok"\} 1$/m);
    expect(text).toMatch(/^aios_tool_calls_total\{tool="fs\.write",agent="[a-z]+",outcome="queued"\} 1$/m);
    expect(text).toMatch(/^aios_tool_calls_total\{tool="fs\.read",agent="[a-z]+",outcome="refused"\} 1$/m);
    expect(text).toMatch(/^aios_tool_call_duration_seconds_bucket\{le="\+Inf",tool="fs\.mkdir",agent="[a-z]+",outcome="ok"\} 1$/m);
    expect(text).toMatch(/^aios_tool_call_duration_seconds_count\{tool="fs\.mkdir",agent="[a-z]+",outcome="ok"\} 1$/m);
  });

  test("boot phases, goals by state and planner, approvals, audit, actors, memory, process, event loop", () => {
    expect(sample(text, "aios_boot_phase_duration_seconds", { phase: "services", status: "ok" })).toBe(0.345);
    expect(sample(text, "aios_boot_ready_seconds")).toBe(1.234);
    expect(sample(text, "aios_goals", { state: "done", planner: "script" })).toBe(1);
    expect(sample(text, "aios_approvals_pending")).toBe(1);
    expect(sample(text, "aios_audit_rows")).toBe(api.world.tools.ledger.count());
    for (const a of api.world.agents.list()) expect(sample(text, "aios_actor_restarts_total", { agent: a.name })).toBe(a.restarts);
    expect(sample(text, "aios_memory_documents", { kind: "document" })).toBe(0);
    expect(sample(text, "aios_memory_vectors")).toBe(0);
    expect(sample(text, "process_resident_memory_bytes")).toBeGreaterThan(10 * 1024 * 1024);
    expect(sample(text, "aios_event_loop_lag_seconds")).toBeGreaterThanOrEqual(0);
    expect(text).toMatch(/^aios_build_info\{version="\d+\.\d+\.\d+[^"]*",commit="[^"]+"\} 1$/m);
  });

  test("needs a token; a viewer's is enough", async () => {
    expect((await api.fetch("/metrics", { token: null })).status).toBe(401);
  });
});
