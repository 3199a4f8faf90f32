import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { checkOutput, parseArgs } from "../schema";
import { call, makeCtx, makeEnv } from "../fs/testing";
import { netHttpRequest } from "./http";

const t = makeEnv();
// These tests talk to servers on loopback, which the egress policy denies by default: an explicit allowance.
t.env.egress = { allowOutbound: true, allow: ["127.0.0.1"], managementPorts: () => [] };
let server: Server<unknown>;
let base: string;

beforeAll(() => {
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const url = new URL(req.url);
      if (url.pathname === "/echo") {
        return Response.json({ method: req.method, header: req.headers.get("x-test"), body: await req.text() }, { status: 201, headers: { "x-served-by": "test" } });
      }
      if (url.pathname === "/big") return new Response("0123456789".repeat(100_000));
      if (url.pathname === "/slow") {
        await Bun.sleep(2000);
        return new Response("late");
      }
      if (url.pathname === "/trickle") {
        // headers at once, the body never finishes
        return new Response(new ReadableStream({ async pull(c) { c.enqueue(new TextEncoder().encode("x")); await Bun.sleep(100); } }));
      }
      if (url.pathname === "/redirect") return Response.redirect("/echo", 302);
      return new Response("not here", { status: 404 });
    },
  });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => {
  server.stop(true);
  t.cleanup();
});

describe("net.http_request against a real server on loopback", () => {
  test("status, headers, body and timing", async () => {
    const r = await call(netHttpRequest, { method: "POST", url: `${base}/echo`, headers: { "x-test": "yes" }, body: "hello" }, makeCtx(t.env));
    expect(r.status).toBe(201);
    expect(r.headers["x-served-by"]).toBe("test");
    expect(JSON.parse(r.body)).toEqual({ method: "POST", header: "yes", body: "hello" });
    expect(r.truncated).toBe(false);
    expect(r.bodyBytes).toBe(r.body.length);
    expect(r.timing.totalMs).toBeGreaterThanOrEqual(r.timing.headersMs);
    expect(() => checkOutput(netHttpRequest, r)).not.toThrow();
  });

  test("an error status is a result, not a failure", async () => {
    const r = await call(netHttpRequest, { url: `${base}/nothing` }, makeCtx(t.env));
    expect(r).toMatchObject({ status: 404, body: "not here", truncated: false });
  });

  test("the body is cut at maxBytes and flagged", async () => {
    const r = await call(netHttpRequest, { url: `${base}/big`, maxBytes: 1500 }, makeCtx(t.env));
    expect(r.truncated).toBe(true);
    expect(r.bodyBytes).toBe(1500);
    expect(r.body).toBe("0123456789".repeat(150));
    const whole = await call(netHttpRequest, { url: `${base}/big`, maxBytes: 1_000_000 }, makeCtx(t.env));
    expect(whole).toMatchObject({ truncated: false, bodyBytes: 1_000_000 });
  });

  test("redirects are followed unless told not to", async () => {
    const followed = await call(netHttpRequest, { url: `${base}/redirect` }, makeCtx(t.env));
    expect(followed).toMatchObject({ status: 201, redirected: true, url: `${base}/echo` });
    const kept = await call(netHttpRequest, { url: `${base}/redirect`, followRedirects: false }, makeCtx(t.env));
    expect(kept.status).toBe(302);
    expect(kept.headers.location).toBe("/echo");
  });

  test("a slow handler hits timeoutMs, and so does a body that never ends", async () => {
    const start = performance.now();
    await expect(call(netHttpRequest, { url: `${base}/slow`, timeoutMs: 300 }, makeCtx(t.env))).rejects.toThrow(`net.http_request GET ${base}/slow: no complete response within 300 ms`);
    await expect(call(netHttpRequest, { url: `${base}/trickle`, timeoutMs: 300 }, makeCtx(t.env))).rejects.toThrow("no complete response within 300 ms");
    expect(performance.now() - start).toBeLessThan(1800);
  });

  test("the caller's cancellation wins over the tool's own timeout", async () => {
    const ctx = makeCtx(t.env);
    setTimeout(() => ctx.controller.abort(new Error("client went away")), 100);
    await expect(call(netHttpRequest, { url: `${base}/slow`, timeoutMs: 5000 }, ctx)).rejects.toThrow("client went away");
  });

  test("a closed port fails naming the request", async () => {
    const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const port = probe.port;
    probe.stop(true);
    await expect(call(netHttpRequest, { url: `http://127.0.0.1:${port}/` }, makeCtx(t.env))).rejects.toThrow(`net.http_request GET http://127.0.0.1:${port}/:`);
  });
});

describe("net.http_request arguments", () => {
  test("only http and https", () => {
    for (const url of ["file:///etc/passwd", "ftp://example.com/", "data:text/plain,hi", "unix:/run/x.sock"]) {
      expect(() => parseArgs(netHttpRequest, { url })).toThrow("args.url: must use http or https (other schemes are refused)");
    }
    expect(() => parseArgs(netHttpRequest, { url: "example.com/x" })).toThrow("args.url: must be an absolute URL");
    expect(parseArgs(netHttpRequest, { url: "https://example.com/" })).toMatchObject({ method: "GET", timeoutMs: 10_000, maxBytes: 1048576, followRedirects: true, headers: {} });
  });
  test("methods, headers, body, limits", () => {
    expect(() => parseArgs(netHttpRequest, { url: "http://x/", method: "TRACE" })).toThrow("args.method: must be one of GET");
    expect(() => parseArgs(netHttpRequest, { url: "http://x/", headers: { "x-a": "1\r\nx-b: 2" } })).toThrow("args.headers.x-a: header values must not contain CR, LF or NUL");
    expect(() => parseArgs(netHttpRequest, { url: "http://x/", headers: { "bad name": "1" } })).toThrow("args.headers");
    expect(() => parseArgs(netHttpRequest, { url: "http://x/", headers: { a: 1 } })).toThrow("args.headers.a: header values must be strings");
    expect(() => parseArgs(netHttpRequest, { url: "http://x/", body: "x" })).toThrow("args.body: GET and HEAD requests cannot have a body");
    expect(() => parseArgs(netHttpRequest, { url: "http://x/", maxBytes: 0 })).toThrow("args.maxBytes: must be at least 1 bytes");
    expect(() => parseArgs(netHttpRequest, { url: "http://x/", timeoutMs: 120_000 })).toThrow("args.timeoutMs: must be at most 60000 ms");
  });
});
