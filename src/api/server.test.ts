import { describe, expect, test } from "bun:test";
import type { SystemInfo } from "../sys";
import { createApi } from "./app";
import { startServer } from "./server";

describe("startServer over real loopback", () => {
  test("port 0 picks a free port, the URL carries it, and stop() closes it", async () => {
    const system = { pid: 7, hostname: "h" } as unknown as SystemInfo;
    const server = startServer(createApi({ token: () => "T", system: () => system, power: () => {} }), { hostname: "127.0.0.1", port: 0 });
    try {
      expect(server.port).toBeGreaterThan(0);
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
      const health = await fetch(`${server.url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: "ok" });
      const sys = await fetch(`${server.url}/api/v1/system`, { headers: { authorization: "Bearer T" } });
      expect(await sys.json()).toMatchObject({ pid: 7, hostname: "h", version: expect.any(String) });
      expect((await fetch(`${server.url}/api/v1/system`)).status).toBe(401);
    } finally {
      await server.stop();
    }
    expect(await fetch(`${server.url}/health`).then(() => "answered", () => "refused")).toBe("refused");
  });
});

describe("hostile bodies over real loopback (issue 11)", () => {
  const logs: string[] = [];
  async function withServer(fn: (url: string, port: number) => Promise<void>): Promise<void> {
    const { setSink } = await import("../sys");
    const previous = setSink((l) => logs.push(l));
    const system = { pid: 7, hostname: "h" } as unknown as SystemInfo;
    const server = startServer(createApi({ token: () => "T", system: () => system, power: () => {} }), { hostname: "127.0.0.1", port: 0 });
    try {
      await fn(server.url, server.port);
    } finally {
      await server.stop(); // what the server logs about a request, it logs before this returns
      await Bun.sleep(100);
      setSink(previous);
    }
  }

  test("JSON nested 100,000 deep is a 400 naming the body, not a 500", async () => {
    await withServer(async (url) => {
      const body = `{"action":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
      const res = await fetch(`${url}/api/v1/power`, { method: "POST", headers: { authorization: "Bearer T", "content-type": "application/json" }, body });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: { code: "bad_json", message: "body: nested deeper than 64 levels", field: "body" } });
    });
  });

  test("a client that disconnects mid-body is not logged as an error", async () => {
    logs.length = 0;
    await withServer(async (_url, port) => {
      const socket = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } });
      socket.write(`POST /api/v1/power HTTP/1.1\r\nhost: x\r\nauthorization: Bearer T\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"action":`);
      await Bun.sleep(50);
      socket.end();
      await Bun.sleep(200);
    });
    expect(logs.filter((l) => l.includes("error"))).toEqual([]);
  });
});
