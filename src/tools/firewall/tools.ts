/**
 * firewall.open, firewall.close, firewall.list over the FirewallManager
 * (ctx.host.firewall). Open and close are undone exactly: the rule the call
 * added goes, the rules it took back return.
 */
import * as v from "valibot";
import { intArg } from "../args";
import { defineTool, type ToolContext } from "../define";
import { FirewallError } from "./errors";
import { AddressError, canonicalNetwork } from "./ip";
import type { ChangeResult, FirewallManager } from "./manager";
import { ACTIONS, chainOrder, closePort, openPort, PROTOCOLS, type Rule, ruleKey, type Target } from "./model";
import { inSync, type LiveTable } from "./nft";

declare module "../define" {
  interface ToolHost {
    /** The machine's nftables firewall and the rules kept on the data disk (src/tools/firewall/manager.ts). */
    firewall: FirewallManager;
  }
}

function manager(ctx: ToolContext): FirewallManager {
  const m = ctx.host.firewall;
  if (!m) throw new FirewallError("unavailable", "no firewall manager on this host");
  m.requireAvailable();
  return m;
}

const source = v.pipe(
  v.string("must be a string"),
  v.maxLength(64, "must be at most 64 characters"),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    try {
      canonicalNetwork(dataset.value);
    } catch (err) {
      if (!(err instanceof AddressError)) throw err;
      addIssue({ message: err.message });
    }
  }),
  v.transform(canonicalNetwork),
);

const target = {
  port: intArg(1, 65535),
  protocol: v.optional(v.picklist(PROTOCOLS, 'must be "tcp" or "udp"'), "tcp"),
  /** A source address or network; absent: every source. */
  from: v.optional(source),
};

const ruleOutput = v.object({
  action: v.picklist(ACTIONS),
  protocol: v.picklist(PROTOCOLS),
  port: v.number(),
  from: v.nullable(v.string()),
  addedAt: v.string(),
});

const liveOutput = v.object({
  present: v.boolean(),
  policy: v.nullable(v.string()),
  rules: v.array(
    v.object({
      handle: v.number(),
      comment: v.nullable(v.string()),
      verdict: v.nullable(v.picklist(["accept", "drop", "reject"])),
      packets: v.nullable(v.number()),
      bytes: v.nullable(v.number()),
    }),
  ),
});

const changeOutput = v.object({
  /** The port, protocol and source the call was about. */
  port: v.number(),
  protocol: v.picklist(PROTOCOLS),
  from: v.nullable(v.string()),
  /** False when the rules already said so: nothing was touched. */
  changed: v.boolean(),
  added: v.nullable(ruleOutput),
  removed: v.array(ruleOutput),
  /** Every kept rule after the call, in chain order. */
  rules: v.array(ruleOutput),
  live: liveOutput,
  /** Whether the kernel's table holds exactly the kept rules. */
  inSync: v.boolean(),
});

type ChangeOutput = v.InferOutput<typeof changeOutput>;

interface FirewallUndo {
  added: Rule | null;
  removed: Rule[];
}

function toTarget(args: { port: number; protocol: "tcp" | "udp"; from?: string }): Target {
  return { port: args.port, protocol: args.protocol, from: args.from ?? null };
}

function changeResult(t: Target, r: ChangeResult): ChangeOutput {
  const { change, live } = r;
  return {
    ...t,
    changed: Boolean(change.added || change.removed.length),
    added: change.added,
    removed: change.removed,
    rules: chainOrder(change.rules),
    live,
    inSync: inSync(change.rules, live),
  };
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;
const who = (from: string | null) => (from ? `from ${from}` : "from anywhere");

function summarizeChange(o: ChangeOutput, verb: "open" | "closed"): string {
  const port = `Port ${o.port}/${o.protocol}`;
  const lines = [o.changed ? `${port} is now ${verb} ${who(o.from)}.` : `${port} was already ${verb} ${who(o.from)}; nothing changed.`];
  if (o.removed.length) lines.push(`Took back ${plural(o.removed.length, `${o.removed[0]!.action} rule`)}: ${o.removed.map((r) => ruleKey(r)).join(", ")}.`);
  lines.push(`${plural(o.rules.length, "rule")} kept${o.inSync ? "" : "; the kernel's table differs from them"}.`);
  return lines.join(" ");
}

async function undoChange(rec: FirewallUndo, ctx: ToolContext): Promise<void> {
  await manager(ctx).revert(rec.added, rec.removed);
}

export const firewallOpen = defineTool({
  name: "firewall.open",
  description:
    "Allows inbound traffic to a port (tcp by default), from one address or network (from: 10.0.0.0/8, 2001:db8::/32) or from anywhere: adds an accept rule to the nftables table inet aios and takes back the drop rules it covers. " +
    "Kept on the data disk and restored at every boot. The input chain's policy is accept, so a port no rule closes is open already. Undo puts the rules back as they were.",
  input: v.strictObject(target),
  output: changeOutput,
  risk: "medium",
  readOnly: false,
  idempotent: true,
  reversible: true,
  timeoutMs: 30_000,
  async execute(args, ctx) {
    const t = toTarget(args);
    const r = await manager(ctx).change((rules) => openPort(rules, t), ctx.signal, (_old, c) => ctx.saveUndo({ added: c.added, removed: c.removed }));
    return changeResult(t, r);
  },
  undo: undoChange,
  summarize: (o) => summarizeChange(o, "open"),
});

export const firewallClose = defineTool({
  name: "firewall.close",
  description:
    "Drops inbound traffic to a port (tcp by default), from one address or network (from) or from anywhere: adds a drop rule to the nftables table inet aios and takes back the accept rules it covers. " +
    "Traffic the machine sends itself (loopback) is never dropped. Kept on the data disk and restored at every boot. " +
    "Refuses to close the management API's port unless force is true (high risk: it can cut off every remote client). Undo puts the rules back as they were.",
  input: v.strictObject({ ...target, force: v.optional(v.boolean("must be true or false"), false) }),
  output: changeOutput,
  risk: "medium",
  riskOf: (args) => (args.force ? "high" : "medium"),
  readOnly: false,
  idempotent: true,
  reversible: true,
  timeoutMs: 30_000,
  async execute(args, ctx) {
    const m = manager(ctx);
    const t = toTarget(args);
    const guarded = m.protectedPort(t.port, t.protocol);
    if (guarded && !args.force) {
      throw new FirewallError("protected", `closing ${t.protocol}/${t.port} would cut off ${guarded.what}; give force: true to close it anyway`);
    }
    const r = await m.change((rules) => closePort(rules, t), ctx.signal, (_old, c) => ctx.saveUndo({ added: c.added, removed: c.removed }));
    return changeResult(t, r);
  },
  undo: undoChange,
  summarize: (o) => summarizeChange(o, "closed"),
});

const listOutput = v.object({
  /** The kept rules (data disk), in chain order: the most specific source first. */
  rules: v.array(ruleOutput),
  /** Table inet aios as `nft -j list table inet aios` reports it. */
  live: liveOutput,
  inSync: v.boolean(),
  /** Ports firewall.close refuses to close without force. */
  protected: v.array(v.object({ port: v.number(), protocol: v.picklist(PROTOCOLS), what: v.string() })),
});

type ListOutput = v.InferOutput<typeof listOutput>;

function hits(live: LiveTable, r: Rule): string {
  const l = live.rules.find((x) => x.comment === ruleKey(r));
  return l?.packets != null ? ` (${plural(l.packets, "packet")})` : "";
}

export const firewallList = defineTool({
  name: "firewall.list",
  description:
    "The firewall rules aiOS keeps (open/closed ports, per source), in the order the kernel applies them, and the live nftables table inet aios with its packet counters; says whether the two agree.",
  input: v.strictObject({}),
  output: listOutput,
  risk: "low",
  readOnly: true,
  idempotent: true,
  reversible: false,
  timeoutMs: 30_000,
  async execute(_args, ctx) {
    const m = manager(ctx);
    const { rules, live } = await m.snapshot(ctx.signal);
    return { rules: chainOrder(rules), live, inSync: inSync(rules, live), protected: m.protectedPorts() };
  },
  summarize: (o: ListOutput) => {
    if (!o.rules.length) return `No firewall rules: every port is open (policy accept)${o.live.present ? "; but the kernel still has a table inet aios" : ""}.`;
    const list = o.rules.map((r) => `${r.protocol}/${r.port} ${r.action === "accept" ? "open" : "closed"} ${who(r.from)}${hits(o.live as LiveTable, r as Rule)}`);
    return `Firewall: ${plural(o.rules.length, "rule")}: ${list.join("; ")}.${o.inSync ? "" : " The kernel's table differs from the kept rules."}`;
  },
});
