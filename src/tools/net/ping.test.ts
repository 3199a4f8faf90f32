import { afterAll, describe, expect, test } from "bun:test";
import { checkOutput, parseArgs } from "../schema";
import { call, makeCtx, makeEnv } from "../fs/testing";
import { findPing, netPing, parsePingAddress, parsePingSummary } from "./ping";

const BUSYBOX_OK = `PING 127.0.0.1 (127.0.0.1): 56 data bytes
64 bytes from 127.0.0.1: seq=0 ttl=64 time=0.827 ms
64 bytes from 127.0.0.1: seq=1 ttl=64 time=0.069 ms

--- 127.0.0.1 ping statistics ---
2 packets transmitted, 2 packets received, 0% packet loss
round-trip min/avg/max = 0.069/0.448/0.827 ms
`;

const BUSYBOX_LOST = `PING 192.0.2.77 (192.0.2.77): 56 data bytes

--- 192.0.2.77 ping statistics ---
1 packets transmitted, 0 packets received, 100% packet loss
`;

const IPUTILS_PARTIAL = `PING example.com (93.184.216.34) 56(84) bytes of data.
64 bytes from 93.184.216.34: icmp_seq=1 ttl=56 time=11.2 ms
From 10.0.0.1 icmp_seq=2 Destination Host Unreachable

--- example.com ping statistics ---
3 packets transmitted, 2 received, +1 errors, 33.3333% packet loss, time 2003ms
rtt min/avg/max/mdev = 11.204/11.650/12.096/0.446 ms
`;

describe("parsePingSummary", () => {
  test("BusyBox, all answered", () => {
    expect(parsePingSummary(BUSYBOX_OK)).toEqual({ transmitted: 2, received: 2, lossPercent: 0, rttMs: { min: 0.069, avg: 0.448, max: 0.827 } });
    expect(parsePingAddress(BUSYBOX_OK)).toBe("127.0.0.1");
  });
  test("BusyBox, nothing came back: no round-trip line", () => {
    expect(parsePingSummary(BUSYBOX_LOST)).toEqual({ transmitted: 1, received: 0, lossPercent: 100, rttMs: null });
  });
  test("iputils with errors and fractional loss", () => {
    expect(parsePingSummary(IPUTILS_PARTIAL)).toEqual({ transmitted: 3, received: 2, lossPercent: 33.3333, rttMs: { min: 11.204, avg: 11.65, max: 12.096 } });
    expect(parsePingAddress(IPUTILS_PARTIAL)).toBe("93.184.216.34");
  });
  test("no summary (bad address) gives null", () => {
    expect(parsePingSummary("ping: bad address 'no.such.invalid'\n")).toBeNull();
    expect(parsePingAddress("")).toBeNull();
  });
});

describe("net.ping arguments", () => {
  test("count, timeout and host are checked", () => {
    expect(parseArgs(netPing, { host: "127.0.0.1" })).toEqual({ host: "127.0.0.1", count: 3, timeoutMs: 2000 });
    expect(() => parseArgs(netPing, { host: "127.0.0.1", count: 11 })).toThrow("args.count: must be at most 10");
    expect(() => parseArgs(netPing, { host: "127.0.0.1", count: 0 })).toThrow("args.count: must be at least 1");
    expect(() => parseArgs(netPing, { host: "127.0.0.1", count: 1.5 })).toThrow("args.count: must be an integer");
    expect(() => parseArgs(netPing, { host: "127.0.0.1", timeoutMs: 20_000 })).toThrow("args.timeoutMs: must be at most 10000 ms");
    expect(() => parseArgs(netPing, { host: "-f" })).toThrow("args.host: must be a host name or an IP address");
    expect(() => parseArgs(netPing, { host: "a b" })).toThrow("args.host");
    expect(() => parseArgs(netPing, { host: "http://x" })).toThrow("args.host");
    expect(() => parseArgs(netPing, {})).toThrow("args.host: required");
  });
});

const t = makeEnv();
afterAll(() => t.cleanup());
const ping = findPing();

describe("net.ping on this host", () => {
  test.skipIf(ping === null)("127.0.0.1 answers every request", async () => {
    const r = await call(netPing, { host: "127.0.0.1", count: 2, timeoutMs: 1000 }, makeCtx(t.env));
    expect(r).toMatchObject({ host: "127.0.0.1", address: "127.0.0.1", transmitted: 2, received: 2, lossPercent: 0 });
    expect(r.rttMs!.min).toBeLessThanOrEqual(r.rttMs!.max);
    expect(() => checkOutput(netPing, r)).not.toThrow();
  });

  test.skipIf(ping === null)("cancelling stops ping at once", async () => {
    const ctx = makeCtx(t.env);
    const start = performance.now();
    const p = call(netPing, { host: "127.0.0.1", count: 10 }, ctx);
    setTimeout(() => ctx.controller.abort(new Error("cancelled by test")), 200);
    await expect(p).rejects.toThrow("cancelled by test");
    expect(performance.now() - start).toBeLessThan(5000);
  });

  test.skipIf(ping !== null)("without a ping binary it fails and says so", async () => {
    await expect(call(netPing, { host: "127.0.0.1", count: 1 }, makeCtx(t.env))).rejects.toThrow("net.ping 127.0.0.1: no ping binary on this system");
  });
});
