import { afterAll, describe, expect, test } from "bun:test";
import { createSocket } from "node:dgram";
import { spawn } from "../../sys";
import { call, makeCtx, makeEnv } from "../fs/testing";
import { checkOutput } from "../schema";
import { endpoint, netListening } from "./listening";

const t = makeEnv();
afterAll(() => t.cleanup());

describe("net.listening", () => {
  test("this process's TCP and UDP listeners, IPv4 and IPv6, with this process as owner; connections are left out", async () => {
    const tcp = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const tcp6 = Bun.listen({ hostname: "::1", port: 0, socket: { data() {} } });
    const udp = createSocket("udp4");
    await new Promise<void>((resolve) => udp.bind(0, "127.0.0.1", resolve));
    const client = await Bun.connect({ hostname: "127.0.0.1", port: tcp.port, socket: { data() {} } });
    try {
      const r = await call(netListening, {}, makeCtx(t.env));
      expect(() => checkOutput(netListening, r)).not.toThrow();
      const mine = r.sockets.filter((s) => [tcp.port, tcp6.port, udp.address().port].includes(s.port) && s.processes.some((p) => p.pid === process.pid));
      expect(mine.map((s) => endpoint(s)).sort()).toEqual([`tcp 127.0.0.1:${tcp.port}`, `tcp [::1]:${tcp6.port}`, `udp 127.0.0.1:${udp.address().port}`].sort());
      expect(mine[0]).toMatchObject({ uid: process.getuid!(), processes: [{ pid: process.pid, comm: "bun" }] });
      // The client's own port is a connection, not a listener.
      expect(r.sockets.some((s) => s.port === client.localPort)).toBe(false);
      const one = await call(netListening, { port: tcp.port }, makeCtx(t.env));
      expect(one.sockets.map((s) => endpoint(s))).toEqual([`tcp 127.0.0.1:${tcp.port}`]);
      expect(netListening.summarize!(one, { protocol: "all", port: tcp.port })).toBe(`Port ${tcp.port}: tcp 127.0.0.1:${tcp.port} (bun, pid ${process.pid})`);
      const tcpOnly = await call(netListening, { protocol: "tcp" }, makeCtx(t.env));
      expect(tcpOnly.sockets.every((s) => s.protocol === "tcp")).toBe(true);
      expect(tcpOnly.sockets.some((s) => s.port === tcp.port)).toBe(true);
    } finally {
      client.end();
      tcp.stop(true);
      tcp6.stop(true);
      udp.close();
    }
  });

  test("a socket shared by a child (inherited descriptor) lists both processes", async () => {
    const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    // The child inherits the listening descriptor as its stdin.
    const fd = (server as unknown as { fd: number }).fd;
    expect(typeof fd).toBe("number");
    const child = spawn(["sleep", "30"], { stdin: fd });
    try {
      await Bun.sleep(50);
      const r = await call(netListening, { protocol: "tcp" }, makeCtx(t.env));
      const row = r.sockets.find((s) => s.port === server.port)!;
      expect(row.processes.map((p) => p.pid).sort()).toEqual([process.pid, child.pid].sort());
      expect(netListening.summarize!({ protocol: "tcp", sockets: [row] }, { protocol: "tcp" })).toMatch(new RegExp(`^Listening tcp: tcp 127\\.0\\.0\\.1:${server.port} \\((bun/sleep|sleep/bun), pids \\d+, \\d+\\)$`));
    } finally {
      child.kill("SIGKILL");
      server.stop(true);
    }
  });

  test("summaries: owners, IPv6 in brackets, unseen owners, and the rest counted", () => {
    const row = (port: number, family: "IPv4" | "IPv6", address: string, processes: Array<{ pid: number; comm: string }>) =>
      ({ protocol: "tcp" as const, family, address, port, uid: 0, user: "root", inode: port, processes });
    const sockets = [row(9090, "IPv4", "0.0.0.0", [{ pid: 1, comm: "aios-init" }]), row(22, "IPv6", "::", []), ...Array.from({ length: 10 }, (_, i) => row(10_000 + i, "IPv4", "127.0.0.1", [{ pid: 50 + i, comm: "w" }]))];
    const s = netListening.summarize!({ protocol: "all", sockets }, { protocol: "all" });
    expect(s).toStartWith("Listening: tcp 0.0.0.0:9090 (aios-init, pid 1), tcp [::]:22 (owner not visible), tcp 127.0.0.1:10000 (w, pid 50)");
    expect(s).toEndWith(", and 2 more");
    expect(netListening.summarize!({ protocol: "udp", sockets: [] }, { protocol: "udp" })).toBe("Nothing is listening on udp.");
    expect(netListening.summarize!({ protocol: "all", sockets: [] }, { protocol: "all", port: 9091 })).toBe("Nothing is listening on port 9091.");
    expect(netListening.summarize!({ protocol: "tcp", sockets: [] }, { protocol: "tcp", port: 53 })).toBe("Nothing is listening on port 53 (tcp).");
  });
});
