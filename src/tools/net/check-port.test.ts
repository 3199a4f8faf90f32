import { afterAll, describe, expect, test } from "bun:test";
import { dlopen, FFIType, ptr } from "bun:ffi";
import { connect, type Socket } from "node:net";
import { checkOutput, parseArgs } from "../schema";
import { call, makeCtx, makeEnv } from "../fs/testing";
import { netCheckPort } from "./check-port";

const t = makeEnv();
afterAll(() => t.cleanup());

describe("net.check_port on loopback", () => {
  test("a listening port is open, with a latency", async () => {
    const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    try {
      const r = await call(netCheckPort, { host: "127.0.0.1", port: server.port }, makeCtx(t.env));
      expect(r).toMatchObject({ host: "127.0.0.1", port: server.port, open: true, state: "open", address: "127.0.0.1" });
      expect(r.latencyMs).toBeGreaterThanOrEqual(0);
      expect(() => checkOutput(netCheckPort, r)).not.toThrow();
    } finally {
      server.stop(true);
    }
  });

  test("a port nobody listens on is closed (refused)", async () => {
    const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const port = server.port;
    server.stop(true);
    const r = await call(netCheckPort, { host: "localhost", port }, makeCtx(t.env));
    expect(r).toMatchObject({ open: false, state: "closed", address: null });
    expect(r.latencyMs).not.toBeNull();
  });

  test("a port whose accept queue is full never answers: timeout, not closed", async () => {
    // A listener with backlog 0 that never accepts: once one connection waits in
    // its queue, Linux drops further SYNs, which is what a filtering firewall looks like.
    const { symbols: c } = dlopen("libc.so.6", {
      socket: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
      bind: { args: [FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
      listen: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 },
      getsockname: { args: [FFIType.i32, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
      close: { args: [FFIType.i32], returns: FFIType.i32 },
    });
    const fd = c.socket(2, 1, 0); // AF_INET, SOCK_STREAM
    const addr = new Uint8Array([2, 0, 0, 0, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(c.bind(fd, ptr(addr), 16)).toBe(0);
    expect(c.listen(fd, 0)).toBe(0);
    expect(c.getsockname(fd, ptr(addr), ptr(new Uint32Array([16])))).toBe(0);
    const port = (addr[2]! << 8) | addr[3]!;
    let filler: Socket | undefined;
    try {
      filler = await new Promise<Socket>((resolve, reject) => {
        const s = connect({ host: "127.0.0.1", port });
        s.once("connect", () => resolve(s));
        s.once("error", reject);
      });
      const start = performance.now();
      const r = await call(netCheckPort, { host: "127.0.0.1", port, timeoutMs: 300 }, makeCtx(t.env));
      expect(r).toMatchObject({ open: false, state: "timeout", latencyMs: null });
      expect(performance.now() - start).toBeGreaterThanOrEqual(290);
    } finally {
      filler?.destroy();
      c.close(fd);
    }
  });

  test("an unknown host name is an error, not a closed port", async () => {
    await expect(call(netCheckPort, { host: "no-such-host.invalid", port: 80, timeoutMs: 3000 }, makeCtx(t.env))).rejects.toThrow("net.check_port no-such-host.invalid:80:");
  });

  test("cancelling rejects with the caller's reason", async () => {
    const ctx = makeCtx(t.env);
    ctx.controller.abort(new Error("stop"));
    await expect(call(netCheckPort, { host: "127.0.0.1", port: 1 }, ctx)).rejects.toThrow("stop");
  });
});

describe("net.check_port arguments", () => {
  test("port and timeout ranges", () => {
    expect(parseArgs(netCheckPort, { host: "127.0.0.1", port: 22 })).toEqual({ host: "127.0.0.1", port: 22, timeoutMs: 3000 });
    expect(() => parseArgs(netCheckPort, { host: "127.0.0.1", port: 0 })).toThrow("args.port: must be at least 1");
    expect(() => parseArgs(netCheckPort, { host: "127.0.0.1", port: 65536 })).toThrow("args.port: must be at most 65535");
    expect(() => parseArgs(netCheckPort, { host: "127.0.0.1", port: "80" })).toThrow("args.port: must be a number");
    expect(() => parseArgs(netCheckPort, { host: "127.0.0.1:80", port: 80 })).toThrow("args.host: must be a host name or an IP address");
    expect(() => parseArgs(netCheckPort, { host: "127.0.0.1" })).toThrow("args.port: required");
  });
});
