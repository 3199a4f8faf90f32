/**
 * The rules aiOS keeps: per port and protocol, optionally per source network,
 * accept ("open") or drop ("close"). The chain's policy is accept, so a port
 * nobody closed is open; an accept rule matters where a broader drop exists
 * ("close 22", then "open 22 from 10.0.0.0/8").
 *
 * Opening and closing are pure functions of the rule list: the rule for the
 * same port, protocol and source replaces its opposite, and a rule for a
 * source removes the opposite rules for networks inside it ("open 22" takes
 * back every "close 22 from ..."). In the chain the most specific source comes
 * first (longest prefix, any source last), so the narrower rule wins whatever
 * the order in which they were added.
 */
import { contains, parseNetwork } from "./ip";

export const PROTOCOLS = ["tcp", "udp"] as const;
export type Protocol = (typeof PROTOCOLS)[number];
export const ACTIONS = ["accept", "drop"] as const;
export type Action = (typeof ACTIONS)[number];

export interface Rule {
  action: Action;
  protocol: Protocol;
  port: number;
  /** Canonical source network (ip.ts), null for any source. */
  from: string | null;
  /** When the rule was added (ISO 8601). */
  addedAt: string;
}

export interface Target {
  port: number;
  protocol: Protocol;
  from: string | null;
}

export interface Change {
  rules: Rule[];
  added: Rule | null;
  removed: Rule[];
}

/** One rule per port, protocol and source: the identity open and close act on, and the nft rule's comment. */
export function ruleKey(r: Target): string {
  return `${r.protocol}/${r.port}${r.from ? ` from ${r.from}` : ""}`;
}

/** Whether a rule's source lies within `from` (null: every source). */
function covers(from: string | null, ruleFrom: string | null): boolean {
  if (from === null) return true;
  if (ruleFrom === null) return false;
  return contains(parseNetwork(from), parseNetwork(ruleFrom));
}

function change(rules: readonly Rule[], target: Target, action: Action, now: Date): Change {
  const opposite: Action = action === "accept" ? "drop" : "accept";
  const same = (r: Rule) => r.port === target.port && r.protocol === target.protocol;
  const removed = rules.filter((r) => same(r) && r.action === opposite && covers(target.from, r.from));
  const kept = rules.filter((r) => !removed.includes(r));
  const existing = kept.find((r) => same(r) && r.action === action && r.from === target.from);
  if (existing) return { rules: kept, added: null, removed };
  const added: Rule = { action, protocol: target.protocol, port: target.port, from: target.from, addedAt: now.toISOString() };
  return { rules: [...kept, added], added, removed };
}

/** firewall.open: accept the port (from the source), taking back the drops it covers. */
export function openPort(rules: readonly Rule[], target: Target, now = new Date()): Change {
  return change(rules, target, "accept", now);
}

/** firewall.close: drop the port (from the source), taking back the accepts it covers. */
export function closePort(rules: readonly Rule[], target: Target, now = new Date()): Change {
  return change(rules, target, "drop", now);
}

function specificity(r: Rule): number {
  return r.from === null ? -1 : parseNetwork(r.from).prefix;
}

/** Chain order: longest source prefix first, any source last; then by protocol and port, so the script is stable. */
export function chainOrder(rules: readonly Rule[]): Rule[] {
  return [...rules].sort(
    (a, b) => specificity(b) - specificity(a) || a.protocol.localeCompare(b.protocol) || a.port - b.port || (a.from ?? "").localeCompare(b.from ?? ""),
  );
}

/** Whether traffic from any source to the port would be dropped by these rules (for the API port guard). */
export function dropsFromAnywhere(rules: readonly Rule[], port: number, protocol: Protocol): boolean {
  return rules.some((r) => r.action === "drop" && r.from === null && r.port === port && r.protocol === protocol);
}
