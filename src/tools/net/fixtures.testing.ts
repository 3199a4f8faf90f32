/** Contract fixtures for the net.* tools (see src/tools/contract.ts): real listeners on loopback. */
import { expect } from "bun:test";
import type { Server, TCPSocketListener } from "bun";
import { defineFixtures } from "../contract.testing";
import { findPing } from "./ping";

let server: Server<unknown> | undefined;
let listener: TCPSocketListener<unknown> | undefined;
let checked: Server<unknown> | undefined;

export const fixtures = defineFixtures({
  "net.interfaces": {
    args: {},
    invalid: [
      { args: { name: "../eth0" }, field: "args.name" },
      { args: { iface: "lo" }, field: "args.iface" },
    ],
    verify: (r: { interfaces: Array<{ name: string }> }) => expect(r.interfaces.map((i) => i.name)).toContain("lo"),
  },
  "net.ping": {
    args: { host: "127.0.0.1", count: 1, timeoutMs: 1000 },
    invalid: [
      { args: { host: "127.0.0.1", count: 11 }, field: "args.count" },
      { args: { host: "-f" }, field: "args.host" },
    ],
    skip: findPing() ? undefined : "no ping binary on this host",
    verify: (r) => expect(r).toMatchObject({ transmitted: 1, received: 1, lossPercent: 0 }),
  },
  "net.dns": {
    args: { name: "localhost", type: "A" },
    invalid: [
      { args: { name: "localhost", type: "SOA" }, field: "args.type" },
      { args: { name: "not a name" }, field: "args.name" },
    ],
    verify: (r: { records: string[] }) => expect(r.records).toContain("127.0.0.1"),
  },
  "net.http_request": {
    setup: () => {
      server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("contract ok", { headers: { "x-contract": "1" } }) });
    },
    args: () => ({ url: `http://127.0.0.1:${server!.port}/`, maxBytes: 8 }),
    invalid: [
      { args: { url: "file:///etc/passwd" }, field: "args.url" },
      { args: { url: "http://127.0.0.1/", body: "x" }, field: "args.body" },
    ],
    verify: (r) => expect(r).toMatchObject({ status: 200, body: "contract", truncated: true, headers: { "x-contract": "1" } }),
    teardown: () => {
      server?.stop(true);
      server = undefined;
    },
  },
  "net.check_port": {
    setup: () => {
      listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    },
    args: () => ({ host: "127.0.0.1", port: listener!.port }),
    invalid: [
      { args: { host: "127.0.0.1", port: 70_000 }, field: "args.port" },
      { args: { port: 80 }, field: "args.host" },
    ],
    verify: (r) => expect(r).toMatchObject({ open: true, state: "open" }),
    teardown: () => {
      listener?.stop(true);
      listener = undefined;
    },
  },
  "net.http_check": {
    setup: () => {
      checked = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => Response.json({ status: "ok" }) });
    },
    args: () => ({ url: `http://127.0.0.1:${checked!.port}/health`, expectStatus: 200, contains: "ok", assert: true }),
    invalid: [
      { args: { url: "http://127.0.0.1/", method: "POST" }, field: "args.method" },
      { args: { url: "http://127.0.0.1/", expectStatus: "2xx" }, field: "args.expectStatus" },
      { args: { url: "ftp://127.0.0.1/" }, field: "args.url" },
    ],
    verify: (r) => expect(r).toMatchObject({ ok: true, status: 200, snippet: '{"status":"ok"}', reason: null, attempts: 1 }),
    teardown: () => {
      checked?.stop(true);
      checked = undefined;
    },
  },
  "net.listening": {
    setup: () => {
      listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    },
    args: { protocol: "tcp" },
    invalid: [{ args: { protocol: "icmp" }, field: "args.protocol" }, { args: { port: 0 }, field: "args.port" }, { args: { port: "http" }, field: "args.port" }, { args: { host: "x" }, field: "args.host" }],
    verify: (r) => {
      expect(r.sockets.find((s: { port: number }) => s.port === listener!.port)).toMatchObject({ protocol: "tcp", address: "127.0.0.1", processes: [{ pid: process.pid }] });
    },
    teardown: () => {
      listener?.stop(true);
      listener = undefined;
    },
  },
});
