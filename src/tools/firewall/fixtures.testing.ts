/**
 * Contract fixtures for the firewall.* tools (see src/tools/contract.ts). The
 * suite runs in dev mode, where aiOS has no firewall by design (the host's is
 * never touched): input and capability checks run here; the real nft runs in
 * manager.test.ts (a private network namespace) and test/vm/system.test.ts.
 */
import { defineFixtures } from "../contract.testing";

const SKIP = "dev mode has no firewall by design (code unavailable, firewall.test.ts); real nft: manager.test.ts and test/vm/system.test.ts";

export const fixtures = defineFixtures({
  "firewall.open": {
    args: { port: 8081, from: "10.0.0.0/8" },
    invalid: [
      { args: { port: 0 }, field: "args.port" },
      { args: { port: 80, protocol: "icmp" }, field: "args.protocol" },
      { args: { port: 80, from: "10.1.2.3/8" }, field: "args.from" },
      { args: { port: 80, from: "example.com" }, field: "args.from" },
    ],
    skip: SKIP,
  },
  "firewall.close": {
    args: { port: 8081, protocol: "udp" },
    invalid: [
      { args: { port: 65536 }, field: "args.port" },
      { args: { port: 22, force: "yes" }, field: "args.force" },
      { args: { port: 22, from: "2001:db8::1/129" }, field: "args.from" },
    ],
    skip: SKIP,
  },
  "firewall.list": {
    args: {},
    invalid: [{ args: { table: "filter" }, field: "args.table" }],
    skip: SKIP,
  },
});
