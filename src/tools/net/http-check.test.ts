import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { call, makeCtx, makeEnv } from "../fs/testing";
import { checkOutput, parseArgs } from "../schema";
import { netHttpCheck, statusMatches } from "./http-check";

const t = makeEnv();
// These tests talk to servers on loopback, which the egress policy denies by default: an explicit allowance.
t.env.egress = { allowOutbound: true, allow: ["127.0.0.1"], managementPorts: () => [] };
let server: Server<unknown>;
let base: string;
let methods: string[] = [];
let readyAt = 0;

beforeAll(() => {
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      methods.push(req.method);
      const url = new URL(req.url);
      if (url.pathname === "/health") return Response.json({ status: "ok" });
      if (url.pathname === "/later") return Date.now() >= readyAt ? new Response("up now") : new Response("starting", { status: 503 });
      if (url.pathname === "/slow") {
        await Bun.sleep(1000);
        return new Response("late");
      }
      if (url.pathname === "/moved") return Response.redirect("/health", 302);
      return new Response("x".repeat(1000), { status: 404 });
    },
  });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => {
  server.stop(true);
  t.cleanup();
});

const check = (args: Record<string, unknown>) => call(netHttpCheck, args, makeCtx(t.env));

describe("net.http_check against a real server on loopback", () => {
  test("a healthy endpoint: ok, status, latency, snippet; the output matches its schema", async () => {
    const r = await check({ url: `${base}/health`, expectStatus: 200, contains: '"ok"' });
    expect(r).toMatchObject({ url: `${base}/health`, ok: true, status: 200, snippet: '{"status":"ok"}', reason: null, attempts: 1 });
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    expect(() => checkOutput(netHttpCheck, r)).not.toThrow();
  });

  test("a wrong status, a missing string and a refused connection are results with the reason", async () => {
    const notFound = await check({ url: `${base}/nothing` });
    expect(notFound).toMatchObject({ ok: false, status: 404, reason: "status 404, expected 200-399" });
    expect(notFound.snippet).toHaveLength(200);
    expect(await check({ url: `${base}/nothing`, expectStatus: "200-499" })).toMatchObject({ ok: true, status: 404 });
    expect(await check({ url: `${base}/health`, contains: "nope" })).toMatchObject({ ok: false, status: 200, reason: 'the body does not contain "nope"' });
    const closed = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const port = closed.port;
    closed.stop(true);
    const refused = await check({ url: `http://127.0.0.1:${port}/` });
    expect(refused).toMatchObject({ ok: false, status: null, latencyMs: null, snippet: "" });
    expect(refused.reason).toBeTruthy();
  });

  test("assert turns a failed check into a failed call naming the URL and the reason", async () => {
    await expect(check({ url: `${base}/nothing`, assert: true })).rejects.toThrow(`net.http_check GET ${base}/nothing: status 404, expected 200-399`);
  });

  test("a timeout is a result; redirects are followed; HEAD reads no body", async () => {
    expect(await check({ url: `${base}/slow`, timeoutMs: 100 })).toMatchObject({ ok: false, status: null, reason: "no answer within 100 ms" });
    expect(await check({ url: `${base}/moved`, expectStatus: 200 })).toMatchObject({ ok: true, status: 200 });
    methods = [];
    expect(await check({ url: `${base}/health`, method: "HEAD" })).toMatchObject({ ok: true, snippet: "" });
    expect(methods).toEqual(["HEAD"]);
  });

  test("retryMs keeps trying until the endpoint is up", async () => {
    readyAt = Date.now() + 300;
    const r = await check({ url: `${base}/later`, retryMs: 5000, assert: true });
    expect(r).toMatchObject({ ok: true, status: 200, snippet: "up now" });
    expect(r.attempts).toBeGreaterThan(1);
    readyAt = Date.now() + 60_000;
    const gaveUp = await check({ url: `${base}/later`, retryMs: 300 });
    expect(gaveUp).toMatchObject({ ok: false, status: 503 });
  });

  test("only GET and HEAD; only http(s); statuses as a code or a range", () => {
    expect(() => parseArgs(netHttpCheck, { url: `${base}/`, method: "DELETE" })).toThrow("args.method");
    expect(() => parseArgs(netHttpCheck, { url: "file:///etc/passwd" })).toThrow("args.url");
    expect(() => parseArgs(netHttpCheck, { url: `${base}/`, expectStatus: "500-200" })).toThrow("args.expectStatus");
    expect(netHttpCheck.readOnly && netHttpCheck.risk === "low").toBe(true);
    expect([statusMatches(204, undefined), statusMatches(404, undefined), statusMatches(404, "400-499"), statusMatches(200, 201)]).toEqual([true, false, true, false]);
  });
});
