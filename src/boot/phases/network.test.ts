import { describe, expect, test } from "bun:test";
import { parseLease } from "./network";

describe("parseLease (what lease.script writes for udhcpc)", () => {
  test("QEMU's user network: address, prefix, router, DNS", () => {
    expect(parseLease("ip=10.0.2.15\nmask=24\nrouter=10.0.2.2\ndns=10.0.2.3\ndomain=\n")).toEqual({ ip: "10.0.2.15", prefix: 24, router: "10.0.2.2", dns: ["10.0.2.3"], domain: undefined });
  });

  test("a dotted mask, several routers and servers (the first router wins), a search domain", () => {
    expect(parseLease("ip=192.168.1.9\nmask=255.255.254.0\nrouter=192.168.1.1 192.168.1.2\ndns=1.1.1.1 9.9.9.9\ndomain=lan\n")).toEqual({
      ip: "192.168.1.9", prefix: 23, router: "192.168.1.1", dns: ["1.1.1.1", "9.9.9.9"], domain: "lan",
    });
  });

  test("no usable address is no lease; junk in the other fields is dropped, never applied", () => {
    expect(parseLease("")).toBeNull();
    expect(parseLease("ip=300.1.1.1\n")).toBeNull();
    expect(parseLease("ip=10.0.0.2\nmask=255.0.255.0\n")).toBeNull();
    expect(parseLease("ip=10.0.0.2\nrouter=$(reboot)\ndns=;rm -rf /\ndomain=a;b\n")).toEqual({ ip: "10.0.0.2", prefix: 24, router: undefined, dns: [], domain: undefined });
  });
});
