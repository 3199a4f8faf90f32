/**
 * The firewall's logic without a kernel: source networks, the rule model,
 * the nft script and the reading of nft's JSON, rules.json on disk, a call's
 * risk, and dev mode's refusal. The real nft runs in manager.test.ts.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DEFAULT_FS_ROOTS } from "../../config";
import { setSink } from "../../sys";
import { callRisk } from "../define";
import { ToolExecutionError } from "../errors";
import { openToolSystem } from "../system";
import { FirewallError } from "./errors";
import { AddressError, canonicalNetwork, contains, parseNetwork } from "./ip";
import { chainOrder, closePort, openPort, type Rule, ruleKey } from "./model";
import { ABSENT, inSync, LOOPBACK_COMMENT, parseLiveTable, rulesetScript } from "./nft";
import { readRules, rulesPath, writeRules } from "./store";
import { firewallClose, firewallList, firewallOpen } from "./tools";

const previousSink = setSink(() => {});
const dir = mkdtempSync(join(tmpdir(), "aios-firewall-"));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  setSink(previousSink);
});

const NOW = new Date("2025-01-31T12:00:00.000Z");
const t = (port: number, from: string | null = null, protocol: "tcp" | "udp" = "tcp") => ({ port, protocol, from });

describe("source networks", () => {
  test("are spelled one canonical way", () => {
    expect(canonicalNetwork("10.0.0.0/8")).toBe("10.0.0.0/8");
    expect(canonicalNetwork("192.168.1.7")).toBe("192.168.1.7");
    expect(canonicalNetwork("192.168.1.7/32")).toBe("192.168.1.7");
    expect(canonicalNetwork("0.0.0.0/0")).toBe("0.0.0.0/0");
    expect(canonicalNetwork("2001:0DB8:0000::/32")).toBe("2001:db8::/32");
    expect(canonicalNetwork("2001:db8:0:0:0:0:0:1/128")).toBe("2001:db8::1");
    expect(canonicalNetwork("::ffff:10.0.0.1")).toBe("::ffff:a00:1");
    expect(canonicalNetwork("fe80::/10")).toBe("fe80::/10");
  });

  test("refuse what is not an address, names the network when host bits are set", () => {
    for (const bad of ["example.com", "10.0.0", "10.0.0.256", "10.0.0.0/33", "10.0.0.0/-1", "::1/129", "fe80::1%eth0", "10.0.0.0/8/8", ""]) {
      expect(() => canonicalNetwork(bad)).toThrow(AddressError);
    }
    expect(() => canonicalNetwork("10.1.2.3/8")).toThrow("the network is 10.0.0.0/8");
    expect(() => canonicalNetwork("2001:db8::1/32")).toThrow("the network is 2001:db8::/32");
  });

  test("containment is by prefix within one family", () => {
    const n = parseNetwork;
    expect(contains(n("10.0.0.0/8"), n("10.1.2.3"))).toBe(true);
    expect(contains(n("10.0.0.0/8"), n("10.0.0.0/8"))).toBe(true);
    expect(contains(n("10.0.0.0/16"), n("10.0.0.0/8"))).toBe(false);
    expect(contains(n("10.0.0.0/8"), n("11.0.0.1"))).toBe(false);
    expect(contains(n("0.0.0.0/0"), n("2001:db8::1"))).toBe(false);
    expect(contains(n("2001:db8::/32"), n("2001:db8:1::/48"))).toBe(true);
  });
});

describe("the rule model", () => {
  test("close then open the same port: the drop goes, an accept stays to say it is open", () => {
    const closed = closePort([], t(8081), NOW);
    expect(closed.added).toEqual({ action: "drop", protocol: "tcp", port: 8081, from: null, addedAt: NOW.toISOString() });
    const opened = openPort(closed.rules, t(8081), NOW);
    expect(opened.removed).toEqual([closed.added!]);
    expect(opened.rules.map((r) => `${r.action} ${ruleKey(r)}`)).toEqual(["accept tcp/8081"]);
  });

  test("doing the same twice changes nothing the second time", () => {
    const once = closePort([], t(22), NOW);
    const twice = closePort(once.rules, t(22), NOW);
    expect(twice).toEqual({ rules: once.rules, added: null, removed: [] });
  });

  test("a rule for every source takes back the opposite rules for sources inside it, not those outside", () => {
    let rules = closePort([], t(22, "10.1.0.0/16"), NOW).rules;
    rules = closePort(rules, t(22, "2001:db8::/32"), NOW).rules;
    rules = closePort(rules, t(23), NOW).rules;
    rules = closePort(rules, t(22, "192.168.0.0/16", "udp"), NOW).rules;
    const byNet = openPort(rules, t(22, "10.0.0.0/8"), NOW);
    expect(byNet.removed.map(ruleKey)).toEqual(["tcp/22 from 10.1.0.0/16"]);
    const all = openPort(rules, t(22), NOW);
    expect(all.removed.map(ruleKey).sort()).toEqual(["tcp/22 from 10.1.0.0/16", "tcp/22 from 2001:db8::/32"]);
    expect(all.rules.map(ruleKey).sort()).toEqual(["tcp/22", "tcp/23", "udp/22 from 192.168.0.0/16"]);
  });

  test("the narrower source wins: it comes first in the chain whatever the order the rules were added", () => {
    const a = openPort(closePort([], t(22), NOW).rules, t(22, "10.0.0.0/8"), NOW).rules;
    const order = (rules: Rule[]) => chainOrder(rules).map((r) => `${r.action} ${ruleKey(r)}`);
    expect(order(a)).toEqual(["accept tcp/22 from 10.0.0.0/8", "drop tcp/22"]);
    expect(order([...a].reverse())).toEqual(order(a));
    // Closing for every source afterwards is the latest word: the narrower accept goes.
    expect(order(closePort(a, t(22), NOW).rules)).toEqual(["drop tcp/22"]);
    // A narrow drop inside a broad accept, too.
    const c = closePort(openPort([], t(80), NOW).rules, t(80, "203.0.113.9"), NOW).rules;
    expect(order(c)).toEqual(["drop tcp/80 from 203.0.113.9", "accept tcp/80"]);
  });
});

describe("the nft script", () => {
  const rules = [
    ...closePort([], t(22), NOW).rules,
    ...openPort([], t(22, "10.0.0.0/8"), NOW).rules,
    ...closePort([], t(53, "2001:db8::/32", "udp"), NOW).rules,
  ];

  test("replaces table inet aios in one transaction, loopback first, the narrowest source next", () => {
    expect(rulesetScript(rules)).toBe(
      [
        "table inet aios",
        "delete table inet aios",
        "table inet aios {",
        "\tchain input {",
        "\t\ttype filter hook input priority filter; policy accept;",
        `\t\tiif "lo" accept comment "${LOOPBACK_COMMENT}"`,
        '\t\tip6 saddr 2001:db8::/32 udp dport 53 counter drop comment "udp/53 from 2001:db8::/32"',
        '\t\tip saddr 10.0.0.0/8 tcp dport 22 counter accept comment "tcp/22 from 10.0.0.0/8"',
        '\t\ttcp dport 22 counter drop comment "tcp/22"',
        "\t}",
        "}",
        "",
      ].join("\n"),
    );
  });

  test("no rules: the table goes, nothing of aiOS's stays in the kernel", () => {
    expect(rulesetScript([])).toBe("table inet aios\ndelete table inet aios\n");
  });

  // What nft 1.0.6 printed for the script above with one packet dropped (manager.test.ts runs the real one).
  const LIVE = JSON.stringify({
    nftables: [
      { metainfo: { version: "1.0.6", release_name: "Lester Gooch #5", json_schema_version: 1 } },
      { table: { family: "inet", name: "aios", handle: 2 } },
      { chain: { family: "inet", table: "aios", name: "input", handle: 1, type: "filter", hook: "input", prio: 0, policy: "accept" } },
      { rule: { family: "inet", table: "aios", chain: "input", handle: 2, comment: LOOPBACK_COMMENT, expr: [{ match: { op: "==", left: { meta: { key: "iif" } }, right: "lo" } }, { accept: null }] } },
      { rule: { family: "inet", table: "aios", chain: "input", handle: 3, comment: "udp/53 from 2001:db8::/32", expr: [{ counter: { packets: 0, bytes: 0 } }, { drop: null }] } },
      { rule: { family: "inet", table: "aios", chain: "input", handle: 4, comment: "tcp/22 from 10.0.0.0/8", expr: [{ counter: { packets: 0, bytes: 0 } }, { accept: null }] } },
      { rule: { family: "inet", table: "aios", chain: "input", handle: 5, comment: "tcp/22", expr: [{ match: { op: "==", left: { payload: { protocol: "tcp", field: "dport" } }, right: 22 } }, { counter: { packets: 1, bytes: 60 } }, { drop: null }] } },
    ],
  });

  test("nft's JSON reads back as the live table, in sync with the rules it came from", () => {
    const live = parseLiveTable(LIVE);
    expect(live.present).toBe(true);
    expect(live.policy).toBe("accept");
    expect(live.rules.at(-1)).toEqual({ handle: 5, comment: "tcp/22", verdict: "drop", packets: 1, bytes: 60 });
    expect(live.rules[0]).toEqual({ handle: 2, comment: LOOPBACK_COMMENT, verdict: "accept", packets: null, bytes: null });
    expect(inSync(rules, live)).toBe(true);
    expect(inSync(rules.slice(1), live)).toBe(false);
    expect(inSync([], ABSENT)).toBe(true);
    expect(inSync(rules, ABSENT)).toBe(false);
    expect(() => parseLiveTable('{"tables": []}')).toThrow();
  });
});

describe("rules.json", () => {
  test("round-trips; a missing file is no rules", () => {
    const path = rulesPath(join(dir, "rt"));
    expect(readRules(path)).toEqual([]);
    const rules = closePort([], t(8081, "10.0.0.0/8"), NOW).rules;
    writeRules(path, rules);
    expect(readRules(path)).toEqual(rules);
    expect(JSON.parse(readFileSync(path, "utf8")).version).toBe(1);
  });

  test("a file that is not a rule set is an error naming it, never an empty rule set", () => {
    const path = rulesPath(join(dir, "bad"));
    mkdirSync(dirname(path), { recursive: true });
    for (const text of ["{", '{"version":1,"rules":[{"action":"drop","protocol":"tcp","port":0,"from":null,"addedAt":"x"}]}', '{"version":1,"rules":[{"action":"drop","protocol":"tcp","port":22,"from":"10.1.2.3/8","addedAt":"x"}]}']) {
      writeFileSync(path, text);
      const err = (() => {
        try {
          readRules(path);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(FirewallError);
      expect((err as FirewallError).code).toBe("bad_rules");
      expect((err as Error).message).toContain(path);
    }
  });
});

describe("the tools", () => {
  test("closing with force is a high-risk call; without, medium", () => {
    expect(callRisk(firewallClose, { port: 22, protocol: "tcp", force: true })).toBe("high");
    expect(callRisk(firewallClose, { port: 22, protocol: "tcp", force: false })).toBe("medium");
    expect(callRisk(firewallOpen, { port: 22, protocol: "tcp" })).toBe("medium");
  });

  test("summaries say what changed with the figures", () => {
    const live = { present: true, policy: "accept", rules: [{ handle: 5, comment: "tcp/22", verdict: "drop" as const, packets: 3, bytes: 180 }] };
    const rule = closePort([], t(22), NOW).added!;
    expect(firewallClose.summarize!({ port: 22, protocol: "tcp", from: null, changed: true, added: rule, removed: [], rules: [rule], live, inSync: true }, { port: 22, protocol: "tcp", force: false })).toBe(
      "Port 22/tcp is now closed from anywhere. 1 rule kept.",
    );
    expect(firewallList.summarize!({ rules: [rule], live, inSync: true, protected: [] }, {})).toBe("Firewall: 1 rule: tcp/22 closed from anywhere (3 packets).");
    expect(firewallList.summarize!({ rules: [], live: ABSENT, inSync: true, protected: [] }, {})).toBe("No firewall rules: every port is open (policy accept).");
  });

  test("dev mode: every firewall tool fails with the stable code unavailable; a forced close waits for approval as high risk", async () => {
    const root = join(dir, "dev");
    const paths = { data: join(root, "data"), log: join(root, "log"), run: join(root, "run"), secrets: join(root, "data/secrets") };
    for (const p of Object.values(paths)) mkdirSync(p, { recursive: true });
    const sys = await openToolSystem({ ledgerPath: join(root, "audit.db"), env: { mode: "dev", root: join(root, "sandbox"), fsRoots: [...DEFAULT_FS_ROOTS], paths }, level: "full" });
    try {
      sys.capabilities.declare("net", ["firewall"]);
      for (const [tool, args] of [["firewall.open", { port: 8081 }], ["firewall.close", { port: 8081 }], ["firewall.list", {}]] as const) {
        const err = await sys.executor.call({ tool, args, agent: "net" }).catch((e) => e);
        expect(err).toBeInstanceOf(FirewallError);
        expect(err.code).toBe("unavailable");
        expect(err.message).toContain("dev mode");
        expect(err).not.toBeInstanceOf(ToolExecutionError);
      }
      sys.executor.policy.setLevel("supervised", "test");
      const held = await sys.executor.call({ tool: "firewall.close", args: { port: 9090, force: true }, agent: "net" });
      expect(held.status).toBe("queued");
      expect(sys.executor.approvals.pending()[0]).toMatchObject({ tool: "firewall.close", risk: "high" });
    } finally {
      await sys.close();
    }
  });
});
