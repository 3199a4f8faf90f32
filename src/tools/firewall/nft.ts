/**
 * aiOS's rules as nftables sees them: the script `nft -f -` loads (one table,
 * `inet aios`, replaced as a whole in one transaction) and the reading of
 * `nft -j list table inet aios`. Pure functions; running nft is manager.ts's.
 */
import * as v from "valibot";
import { parseNetwork } from "./ip";
import { chainOrder, type Rule, ruleKey } from "./model";

export const TABLE = "aios";
export const FAMILY = "inet";
export const CHAIN = "input";
/** The first rule: the machine talking to itself is never filtered (closing a port shuts out the network, not local clients). */
export const LOOPBACK_COMMENT = "aios: loopback";

function match(r: Rule): string {
  const parts: string[] = [];
  if (r.from) parts.push(`${parseNetwork(r.from).family === 4 ? "ip" : "ip6"} saddr ${r.from}`);
  parts.push(`${r.protocol} dport ${r.port}`);
  return parts.join(" ");
}

/** The nft statement of one rule, with its key as the comment that ties the live rule back to ours. */
export function ruleStatement(r: Rule): string {
  return `${match(r)} counter ${r.action} comment "${ruleKey(r)}"`;
}

/**
 * The whole table, replacing what is there atomically: `table` creates it if
 * missing so `delete` cannot fail, and the new table is built in the same
 * transaction. No rules: the table goes (nothing of aiOS's stays in the kernel).
 */
export function rulesetScript(rules: readonly Rule[]): string {
  const lines = [`table ${FAMILY} ${TABLE}`, `delete table ${FAMILY} ${TABLE}`];
  if (rules.length) {
    lines.push(
      `table ${FAMILY} ${TABLE} {`,
      `\tchain ${CHAIN} {`,
      "\t\ttype filter hook input priority filter; policy accept;",
      `\t\tiif "lo" accept comment "${LOOPBACK_COMMENT}"`,
      ...chainOrder(rules).map((r) => `\t\t${ruleStatement(r)}`),
      "\t}",
      "}",
    );
  }
  return `${lines.join("\n")}\n`;
}

export interface LiveRule {
  handle: number;
  comment: string | null;
  verdict: "accept" | "drop" | "reject" | null;
  packets: number | null;
  bytes: number | null;
}

export interface LiveTable {
  /** Whether the kernel has the table at all. */
  present: boolean;
  policy: string | null;
  rules: LiveRule[];
}

export const ABSENT: LiveTable = { present: false, policy: null, rules: [] };

const Expr = v.record(v.string(), v.unknown());
const NftJson = v.object({
  nftables: v.array(
    v.looseObject({
      chain: v.optional(v.looseObject({ table: v.string(), name: v.string(), policy: v.optional(v.string()) })),
      rule: v.optional(
        v.looseObject({ table: v.string(), chain: v.string(), handle: v.number(), comment: v.optional(v.string()), expr: v.optional(v.array(Expr), []) }),
      ),
    }),
  ),
});

function verdictOf(expr: Array<Record<string, unknown>>): LiveRule["verdict"] {
  for (const e of expr) for (const k of ["accept", "drop", "reject"] as const) if (k in e) return k;
  return null;
}

function counterOf(expr: Array<Record<string, unknown>>): { packets: number; bytes: number } | null {
  for (const e of expr) {
    const c = e.counter as { packets?: unknown; bytes?: unknown } | undefined;
    if (c && typeof c.packets === "number" && typeof c.bytes === "number") return { packets: c.packets, bytes: c.bytes };
  }
  return null;
}

/** Reads `nft -j list table inet aios`; throws on output that is not nft's JSON. */
export function parseLiveTable(json: string): LiveTable {
  const doc = v.parse(NftJson, JSON.parse(json));
  const out: LiveTable = { present: true, policy: null, rules: [] };
  for (const item of doc.nftables) {
    if (item.chain && item.chain.table === TABLE && item.chain.name === CHAIN) out.policy = item.chain.policy ?? null;
    const r = item.rule;
    if (!r || r.table !== TABLE || r.chain !== CHAIN) continue;
    const counter = counterOf(r.expr);
    out.rules.push({ handle: r.handle, comment: r.comment ?? null, verdict: verdictOf(r.expr), packets: counter?.packets ?? null, bytes: counter?.bytes ?? null });
  }
  return out;
}

/** Whether the live table holds exactly our rules, in chain order (the loopback rule first). */
export function inSync(rules: readonly Rule[], live: LiveTable): boolean {
  if (!rules.length) return !live.present || live.rules.length === 0;
  const want = [LOOPBACK_COMMENT, ...chainOrder(rules).map(ruleKey)];
  const verdicts = ["accept", ...chainOrder(rules).map((r) => r.action)];
  return live.policy === "accept" && Bun.deepEquals(live.rules.map((r) => r.comment), want) && Bun.deepEquals(live.rules.map((r) => r.verdict), verdicts);
}
