/**
 * `audit [n]`: the newest ledger rows; `audit verify`: walk the hash chain
 * (and check it reaches the head anchored at the last commit);
 * `audit redact <seq> <reason>`: redact a row's payload after the fact.
 */
import { LedgerError, type VerifyResult } from "../../memory";
import { defineCommand } from "../command";
import { fitTable, toolsOf } from "./tools";

const time = (ts: number) => new Date(ts).toISOString().slice(11, 19);
const USAGE = "usage: audit [n | verify | redact <seq> <reason>]";

export function verdict(r: VerifyResult): string {
  const extra = [r.anchored !== undefined ? `anchored at row ${r.anchored}` : "", r.redacted ? `${r.redacted} redacted` : ""].filter(Boolean).join(", ");
  if (r.ok) return `ledger ok: ${r.rows} rows, chain intact${extra ? ` (${extra})` : ""}`;
  const missing = r.missing ? `; rows ${r.missing.from}-${r.missing.to} missing` : "";
  return `ledger BROKEN at row ${r.firstBadRow}: ${r.reason} (${r.rows} rows read${missing})`;
}

export const audit = defineCommand({
  name: "audit",
  summary: "newest audit ledger rows (default 20); audit verify checks the hash chain; audit redact <seq> <reason> redacts a row's payload",
  usage: "audit [n | verify | redact <seq> <reason>]",
  run: async ([arg, ...rest], io) => {
    const t = toolsOf(io);
    if (arg === "verify") {
      io.print(verdict(t.ledger.verify()));
      return;
    }
    if (arg === "redact") {
      const [seq, ...words] = rest;
      const reason = (io.raw?.replace(/^\s*redact\s+\S+\s*/, "") ?? words.join(" ")).trim();
      if (!seq || !/^[1-9]\d{0,15}$/.test(seq) || !reason) {
        io.print("usage: audit redact <seq> <reason> (the row number, then why)");
        return;
      }
      try {
        const r = await t.executor.redact(Number(seq), "console", reason);
        io.print(`row ${seq} redacted (recorded as row ${r.seq}); the chain still verifies`);
      } catch (err) {
        if (!(err instanceof LedgerError)) throw err;
        io.print(err.message);
      }
      return;
    }
    const n = arg === undefined ? 20 : /^\d{1,5}$/.test(arg) ? Number(arg) : Number.NaN;
    if (!(n >= 1)) {
      io.print(USAGE);
      return;
    }
    const rows = t.ledger.query({ limit: n }).reverse();
    if (!rows.length) {
      io.print("the audit ledger is empty");
      return;
    }
    const cells = rows.map((r) => [String(r.seq), time(r.ts), r.kind, r.callId ?? "", r.tool ?? "", r.agent ?? "", JSON.stringify(r.data)]);
    io.print(fitTable([["SEQ", "TIME", "KIND", "CALL", "TOOL", "AGENT", "DATA"], ...cells]));
  },
});
