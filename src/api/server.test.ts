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
      expect(await sys.json()).toEqual({ pid: 7, hostname: "h" });
      expect((await fetch(`${server.url}/api/v1/system`)).status).toBe(401);
    } finally {
      await server.stop();
    }
    expect(await fetch(`${server.url}/health`).then(() => "answered", () => "refused")).toBe("refused");
  });
});
