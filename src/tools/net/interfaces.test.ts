import { afterAll, describe, expect, test } from "bun:test";
import { checkOutput, parseArgs } from "../schema";
import { call, makeCtx, makeEnv } from "../fs/testing";
import { netInterfaces } from "./interfaces";

const t = makeEnv();
afterAll(() => t.cleanup());

describe("net.interfaces on this host", () => {
  test("finds lo with 127.0.0.1/8, its MTU and counters", async () => {
    const r = await call(netInterfaces, {}, makeCtx(t.env));
    const lo = r.interfaces.find((i) => i.name === "lo");
    expect(lo).toBeDefined();
    expect(lo!.addresses).toContainEqual({ family: "IPv4", address: "127.0.0.1", prefix: 8 });
    expect(lo!.mtu).toBeGreaterThan(0);
    expect(lo!.virtual).toBe(true);
    expect(lo!.counters.rxBytes).toBeGreaterThanOrEqual(0);
    expect(r.interfaces.map((i) => i.name)).toEqual([...r.interfaces.map((i) => i.name)].sort());
    expect(() => checkOutput(netInterfaces, r)).not.toThrow();
  });

  test("traffic on loopback moves lo's counters", async () => {
    const before = (await call(netInterfaces, { name: "lo" }, makeCtx(t.env))).interfaces[0]!.counters.rxBytes;
    const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("x".repeat(100_000)) });
    await (await fetch(`http://127.0.0.1:${server.port}/`)).text();
    server.stop(true);
    const after = await call(netInterfaces, { name: "lo" }, makeCtx(t.env));
    expect(after.interfaces).toHaveLength(1);
    expect(after.interfaces[0]!.counters.rxBytes).toBeGreaterThan(before + 100_000);
  });

  test("an unknown interface is an error naming it", async () => {
    await expect(call(netInterfaces, { name: "nosuch0" }, makeCtx(t.env))).rejects.toThrow("net.interfaces nosuch0: no such interface");
  });

  test("bad names are refused by the schema", () => {
    expect(() => parseArgs(netInterfaces, { name: "../eth0" })).toThrow("args.name: must be an interface name");
    expect(() => parseArgs(netInterfaces, { name: "a".repeat(16) })).toThrow("args.name");
    expect(() => parseArgs(netInterfaces, { iface: "lo" })).toThrow("args.iface: unknown field");
  });
});
