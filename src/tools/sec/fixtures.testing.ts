/** Contract fixtures for the sec.* tools (see src/tools/contract.ts). */
import { expect } from "bun:test";
import { mkdirSync, writeFileSync, chmodSync } from "node:fs";
import { defineFixtures } from "../contract.testing";

const TARGET = "contract-target";

export const fixtures = defineFixtures({
  "sec.audit_query": {
    args: { limit: 5 },
    invalid: [
      { args: { limit: 0 }, field: "args.limit" },
      { args: { limit: 5, colour: "red" }, field: "args.colour" },
      { args: { since: "yesterday" }, field: "args.since" },
      { args: { text: "" }, field: "args.text" },
    ],
    verify: (r: { rows: Array<{ kind: string; callId: string | null }> }) => {
      expect(r.rows.length).toBeGreaterThan(0);
      expect(r.rows.length).toBeLessThanOrEqual(5);
      // Its own request is already in the ledger when it reads it.
      expect(r.rows[0]!.kind).toBe("request");
    },
  },
  "sec.audit_verify": {
    args: {},
    invalid: [{ args: { deep: true }, field: "args.deep" }],
    verify: (r: { ok: boolean; rows: number }) => {
      expect(r.ok).toBe(true);
      expect(r.rows).toBeGreaterThan(0);
    },
  },
  "sec.check_perms": {
    args: { agent: TARGET, tool: "sec.grant", path: "/srv/open" },
    invalid: [
      { args: { agent: "Not An Agent" }, field: "args.agent" },
      { args: { agent: TARGET, path: "relative/path" }, field: "args.path" },
      { args: { agent: TARGET, tool: "no.such_tool" }, field: "args.tool" },
    ],
    setup: (t) => {
      t.executor.capabilities.declare(TARGET, ["sec.audit_query"]);
      mkdirSync(t.host("/srv/open"));
      chmodSync(t.host("/srv/open"), 0o777);
    },
    verify: (r) => {
      expect(r.known).toBe(true);
      expect(r.capabilities).toEqual(["sec.audit_query"]);
      expect(r.tools).toEqual(["sec.audit_query"]);
      expect(r.allowed).toBe(false);
      expect(r.path).toMatchObject({ path: "/srv/open", exists: true, type: "directory", mode: "0777", issues: ["world-writable without sticky bit"] });
    },
  },
  "sec.grant": {
    args: { agent: TARGET, capability: "net.ping" },
    invalid: [
      { args: { agent: TARGET, capability: "net ping" }, field: "args.capability" },
      { args: { capability: "net.ping" }, field: "args.agent" },
      { args: { agent: "nobody-declared", capability: "net.ping" }, field: "args.agent" },
    ],
    setup: (t) => t.executor.capabilities.declare(TARGET, ["sec.audit_query"]),
    state: (t) => t.executor.capabilities.list(TARGET),
    verify: (r, t) => {
      expect(r.capabilities).toEqual(["net.ping", "sec.audit_query"]);
      expect(t.executor.capabilities.allows(TARGET, "net.ping")).toBe(true);
    },
  },
  "sec.revoke": {
    args: { agent: TARGET, capability: "sec.audit_query" },
    invalid: [{ args: { agent: TARGET, capability: "" }, field: "args.capability" }],
    setup: (t) => {
      t.executor.capabilities.declare(TARGET, ["sec.audit_query", "fs"]);
      writeFileSync(t.host("/srv/untouched"), "x");
    },
    state: (t) => [t.executor.capabilities.list(TARGET), t.executor.capabilities.allows(TARGET, "sec.audit_query")],
    verify: (r, t) => {
      expect(r.capabilities).toEqual(["fs"]);
      expect(t.executor.capabilities.allows(TARGET, "sec.audit_query")).toBe(false);
    },
  },
});
