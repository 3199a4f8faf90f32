import { afterAll, describe, expect, test } from "bun:test";
import { checkOutput, parseArgs } from "../schema";
import { call, makeCtx, makeEnv } from "../fs/testing";
import { netDns } from "./dns";

const t = makeEnv();
afterAll(() => t.cleanup());

describe("net.dns", () => {
  test("localhost resolves to 127.0.0.1 through /etc/hosts", async () => {
    const r = await call(netDns, { name: "localhost" }, makeCtx(t.env));
    expect(r).toMatchObject({ name: "localhost", type: "A", found: true });
    expect(r.records).toContain("127.0.0.1");
    expect(() => checkOutput(netDns, r)).not.toThrow();
  });

  test("an IP literal resolves to itself", async () => {
    expect((await call(netDns, { name: "::1", type: "AAAA" }, makeCtx(t.env))).records).toEqual(["::1"]);
  });

  test("a name under .invalid (RFC 6761) is not found, or the lookup fails naming it", async () => {
    // With no DNS server reachable the resolver may report a failure instead of NXDOMAIN; both are honest answers.
    try {
      const r = await call(netDns, { name: "no-such-host.invalid", timeoutMs: 3000 }, makeCtx(t.env));
      expect(r).toEqual({ name: "no-such-host.invalid", type: "A", found: false, records: [] });
    } catch (err) {
      expect(String(err)).toContain("net.dns no-such-host.invalid A:");
    }
  });

  test("cancelling rejects with the caller's reason", async () => {
    const ctx = makeCtx(t.env);
    ctx.controller.abort(new Error("gone"));
    await expect(call(netDns, { name: "example.com", type: "MX" }, ctx)).rejects.toThrow("gone");
  });

  test("arguments are checked", () => {
    expect(parseArgs(netDns, { name: "_dmarc.example.com", type: "TXT" })).toEqual({ name: "_dmarc.example.com", type: "TXT", timeoutMs: 5000 });
    expect(() => parseArgs(netDns, { name: "example.com", type: "SOA" })).toThrow("args.type: must be one of A, AAAA, MX, TXT, CNAME, NS");
    expect(() => parseArgs(netDns, { name: "exa mple.com" })).toThrow("args.name: must be a host name");
    expect(() => parseArgs(netDns, { name: "" })).toThrow("args.name: must not be empty");
    expect(() => parseArgs(netDns, { name: `${"a".repeat(64)}.com` })).toThrow("args.name");
    expect(() => parseArgs(netDns, { name: "x.com", timeoutMs: 0 })).toThrow("args.timeoutMs: must be at least 100 ms");
  });
});
